// `npm run bench:console`: how fast the web console draws a big tuning job. A store holding one tuning job of
// 10,000 finished training jobs (each with its stored request and three epochs of its objective) is served by
// createApp; Debian's Chromium (through playwright-core) opens the tuning job's page and we time, from
// navigation to every chart drawn (the scatters with all 10,000 points, parallel coordinates, the timeline,
// the learning curves), five loads, and weigh what the page downloaded by then. Also times the API calls the
// page makes. Writes bench/results/console-DATE.md.
/// <reference lib="dom" />
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import { chromium } from "playwright-core";
import { createRng } from "../src/random.js";
import { openStore } from "../src/store/index.js";
import { createApp } from "../src/transports/http/app.js";
import { type ThrowawayDatabase, throwawayDatabase } from "../test/fixtures/postgres.js";
import { machineDescription, markdownTable, median } from "./report.js";

const { values: args } = parseArgs({
  options: {
    jobs: { type: "string", default: "10000" },
    loads: { type: "string", default: "5" },
    chromium: { type: "string", default: process.env.TUNEKIT_CHROMIUM ?? "/usr/bin/chromium" },
    // sqlite: a file in a temporary directory; postgres: a throwaway database on TUNEKIT_TEST_POSTGRES.
    store: { type: "string", default: "sqlite" },
  },
});
const JOBS = Number(args.jobs);
const home = mkdtempSync(join(tmpdir(), "tunekit-bench-console-"));
if (args.store !== "sqlite" && args.store !== "postgres") throw new Error("--store: must be sqlite or postgres");
const database: ThrowawayDatabase | undefined =
  args.store === "postgres" ? await throwawayDatabase("bench_console") : undefined;
const store = await openStore(database?.url ?? join(home, "tunekit.db"));
const request = {
  HyperParameterTuningJobName: "big",
  HyperParameterTuningJobConfig: {
    Strategy: "Random",
    HyperParameterTuningJobObjective: { Type: "Maximize", MetricName: "f1" },
    ResourceLimits: { MaxNumberOfTrainingJobs: JOBS, MaxParallelTrainingJobs: 8 },
    ParameterRanges: {
      ContinuousParameterRanges: [
        { Name: "learning_rate", MinValue: "5e-6", MaxValue: "5e-4", ScalingType: "Logarithmic" },
      ],
      IntegerParameterRanges: [{ Name: "batch_size", MinValue: "16", MaxValue: "64" }],
    },
  },
  TrainingJobDefinition: {
    AlgorithmSpecification: {
      TrainingImage: "x",
      TrainingInputMode: "File",
      MetricDefinitions: [{ Name: "f1", Regex: "f1=(\\S+)" }],
    },
  },
};
/** A child job's CreateTrainingJob request as the tuner writes it (about 1.3 kB of JSON). */
function childRequest(name: string, hyperparameters: Record<string, number>) {
  return {
    TrainingJobName: name,
    RoleArn: "arn:aws:iam::123456789012:role/SageMakerRole",
    AlgorithmSpecification: {
      TrainingImage: "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-cpu-py310",
      TrainingInputMode: "File",
      MetricDefinitions: [{ Name: "f1", Regex: "f1=(\\S+)" }],
    },
    HyperParameters: {
      ...Object.fromEntries(Object.entries(hyperparameters).map(([k, v]) => [k, String(v)])),
      epochs: "3",
      sagemaker_program: '"train.py"',
      sagemaker_submit_directory: '"s3://my-bucket/code"',
      _tuning_objective_metric: '"f1"',
    },
    InputDataConfig: [
      {
        ChannelName: "training",
        DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: "s3://my-bucket/glue/MRPC" } },
      },
    ],
    OutputDataConfig: { S3OutputPath: "s3://my-bucket/output" },
    ResourceConfig: { InstanceType: "ml.m5.xlarge", InstanceCount: 1, VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
  };
}

const t0 = Date.UTC(2026, 10, 1);
const started = performance.now();
/** The machine's load average (1 minute) when the benchmark started: the page's times scale with it. */
const loadBefore = loadavg()[0] as number;
await store.createTuningJob({ name: "big", kind: "tuning-job", config: request, seed: 1, now: t0 });
const rng = createRng(1, "bench-console");
for (let i = 0; i < JOBS; i++) {
  const lr = 5e-6 * 100 ** rng.next();
  const batch = 16 + rng.int(49);
  const name = `big-${String(i + 1).padStart(5, "0")}`;
  const start = t0 + Math.floor(i / 8) * 600_000;
  const hyperparameters = { learning_rate: lr, batch_size: batch };
  await store.createTrainingJob({
    name,
    tuningJobName: "big",
    trialIndex: i,
    hyperparameters,
    // What the tuner stores for each job: its whole CreateTrainingJob request.
    request: childRequest(name, hyperparameters),
    now: start,
  });
  const f1 = 0.92 - 0.04 * (Math.log10(lr) + 4.2) ** 2 - 0.0002 * (batch - 32) ** 2 + 0.01 * (rng.next() - 0.5);
  // Three epochs of the objective, as a job's log gives them: what the learning curves read.
  await store.appendMetricPoints(
    name,
    0,
    [0.8, 0.95, 1].map((f, k) => ({ metricName: "f1", value: f1 * f, timestamp: start + (k + 1) * 190_000 })),
  );
  await store.updateTrainingJob(name, {
    status: "Completed",
    objectiveValue: f1,
    objectiveStatus: "Succeeded",
    startedAt: start,
    endedAt: start + 590_000,
    now: start + 590_000,
  });
}
await store.updateTuningJob("big", {
  status: "Completed",
  endedAt: t0 + (JOBS / 8) * 600_000,
  now: t0 + (JOBS / 8) * 600_000,
});
console.error(`store of ${JOBS} jobs written in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const app = createApp({ store });
const timeApi = async (path: string) => {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    const response = await app.request(path);
    bytes = (await response.text()).length;
    times.push(performance.now() - s);
  }
  return { path, ms: median(times), bytes };
};
const apiRows = [
  await timeApi("/api/tuning-jobs/big"),
  await timeApi("/api/tuning-jobs/big/charts"),
  await timeApi("/api/tuning-jobs/big/running"),
  await timeApi("/api/tuning-jobs/big/learning-curves"),
  await timeApi("/api/tuning-jobs/big/findings"),
  await timeApi("/api/tuning-jobs/big/importance"),
];

let server: ReturnType<typeof serve> | undefined;
const base = await new Promise<string>((resolve) => {
  server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
    resolve(`http://127.0.0.1:${info.port}`),
  );
});
const browser = await chromium.launch({
  executablePath: args.chromium as string,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
/** Per load: in the page's clock, when the frame the last chart was drawn in had been rendered; and the wall clock. */
const painted: number[] = [];
const wall: number[] = [];
/** Per load: the time spent in the charts' draws (the sum of their performance measures). */
const drawing: number[] = [];
/** Per load: what the page had downloaded when every chart was drawn (bytes of response bodies), and of it code. */
const weight: number[] = [];
const codeWeight: number[] = [];
const PHASES = [
  "/console/uPlot.iife.min.js",
  "/console/console.js",
  "/api/tuning-jobs/big/charts",
  "/api/tuning-jobs/big",
  "/api/tuning-jobs/big/learning-curves",
];
const phases = new Map<string, number[]>(PHASES.map((p) => [p, []]));
/** Two scatters per hyperparameter and the objective over time, parallel coordinates, timeline, learning curves. */
const CHARTS = 8;
for (let i = 0; i < Number(args.loads); i++) {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  // Watches, from before the page's own scripts run, for every chart drawn with every point; then notes when
  // the frame they were drawn in has been rendered, in the page's clock.
  await page.addInitScript(
    ([jobs, charts]) => {
      const w = window as unknown as { tunekitPainted?: number };
      new MutationObserver(() => {
        if (w.tunekitPainted !== undefined) return;
        const drawn = Array.from(document.querySelectorAll("figure.chart"));
        if (
          drawn.length >= (charts ?? 0) &&
          drawn.every((c) => c.getAttribute("data-rendered") === "true") &&
          document.querySelector('[data-chart="objective-over-time"]')?.getAttribute("data-points") === String(jobs) &&
          document.querySelector('[data-chart="learning-curves"]')
        ) {
          // The last chart is drawn while the browser renders a frame: a message posted now is handled once
          // that frame's rendering has finished.
          w.tunekitPainted = -1;
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            w.tunekitPainted = performance.now();
          };
          channel.port2.postMessage(null);
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-rendered"] });
    },
    [JOBS, CHARTS],
  );
  const s = performance.now();
  await page.goto(`${base}/#/tuning-jobs/big`);
  const handle = await page.waitForFunction(
    () => {
      const at = (window as unknown as { tunekitPainted?: number }).tunekitPainted;
      return at !== undefined && at > 0 ? at : false;
    },
    undefined,
    { polling: "raf", timeout: 60_000 },
  );
  painted.push((await handle.jsonValue()) as number);
  wall.push(performance.now() - s);
  // When each request the page made had its response, in the page's clock (ms from navigation), and its size.
  const timings = await page.evaluate(() =>
    (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).map((e) => ({
      name: new URL(e.name).pathname,
      end: e.responseEnd,
      bytes: e.decodedBodySize,
    })),
  );
  const paintedAt = painted[painted.length - 1] as number;
  const byThen = timings.filter((t) => t.end <= paintedAt);
  // The document itself, which resource timing does not list.
  const documentBytes = (await page.evaluate(() => document.documentElement.outerHTML.length)) as number;
  weight.push(byThen.reduce((sum, t) => sum + t.bytes, documentBytes));
  codeWeight.push(byThen.filter((t) => t.name.startsWith("/console/")).reduce((sum, t) => sum + t.bytes, 0));
  for (const t of timings) {
    const key = PHASES.find((p) => t.name === p);
    if (key) phases.get(key)?.push(t.end);
  }
  drawing.push(
    await page.evaluate(() =>
      performance
        .getEntriesByType("measure")
        .filter((e) => e.name.startsWith("draw "))
        .reduce((sum, e) => sum + e.duration, 0),
    ),
  );
  await page.close();
}
await browser.close();
server?.close();
await store.close();
await database?.drop();
rmSync(home, { recursive: true, force: true });

const apiTable = markdownTable(
  ["request", "median ms", "response bytes"],
  apiRows.map((r) => [`\`GET ${r.path}\``, r.ms.toFixed(0), String(r.bytes)]),
);
const stats = (values: number[]) => [median(values), Math.min(...values), Math.max(...values)].map((v) => v.toFixed(0));
const loadTable = markdownTable(
  ["training jobs", "loads", "measure", "median ms", "min ms", "max ms"],
  [
    [
      String(JOBS),
      String(painted.length),
      "**all charts drawn and painted, from navigation (page clock)**",
      ...stats(painted),
    ],
    ["", "", "the same, as the benchmark's wall clock sees it (adds navigation and polling)", ...stats(wall)],
    ["", "", `drawing the ${CHARTS} charts (sum of their draws)`, ...stats(drawing)],
  ],
);
const kB = (values: number[]) =>
  [median(values), Math.min(...values), Math.max(...values)].map((v) => (v / 1000).toFixed(0));
const weightTable = markdownTable(
  ["downloaded when every chart was drawn", "median kB", "min kB", "max kB"],
  [
    ["everything (page, code, data)", ...kB(weight)],
    ["of which the console's code and stylesheets (uPlot included)", ...kB(codeWeight)],
  ],
);
const phaseTable = markdownTable(
  ["response received", "median ms from navigation"],
  PHASES.map((p) => [`\`${p}\``, median(phases.get(p) ?? []).toFixed(0)]),
);
console.log(loadTable);
console.log(weightTable);
console.log(phaseTable);
console.log(apiTable);
const date = new Date().toISOString().slice(0, 10);
const command = `npm run bench:console${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
writeFileSync(
  new URL(`./results/console-${args.store}-${date}.md`, import.meta.url),
  `# bench:console, ${date}

Command: \`${command}\`
Machine: ${machineDescription()}; Chromium ${args.chromium}; load average ${loadBefore.toFixed(1)} when it began and
${(loadavg()[0] as number).toFixed(1)} when it ended (other work on the machine slows every figure below)

A tuning job of ${JOBS} finished training jobs (two hyperparameters, each job with the full CreateTrainingJob
request the tuner stores and three epochs of its objective) in ${args.store === "postgres" ? "a PostgreSQL" : "an SQLite"} store, served by createApp on
127.0.0.1. Each load opens the tuning job's page in a new tab and times, in the page's own clock from navigation,
until all its charts (objective over time with the best so far, each hyperparameter over time, objective against
each hyperparameter, parallel coordinates, the timeline, the learning curves) are drawn, the scatters with all
${JOBS} points, and the frame they were drawn in has been rendered. The charts are drawn with uPlot (parallel
coordinates on a canvas of their own); every job travels once, as columns, which the charts and the jobs table
(sorted and paged in the page) share.

${loadTable}

${weightTable}

When the page had each response (median over the loads, from navigation):

${phaseTable}

The API calls behind it (in-process, no socket):

${apiTable}
`,
);
console.log(`\nwrote bench/results/console-${args.store}-${date}.md`);
