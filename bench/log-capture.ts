// `npm run bench:log-capture`: what a training job whose script prints one very long line without a newline
// costs tunekit (wall time and the tunekit process's peak memory), and whether the metric printed after that
// line is still recorded. Each size runs as a real training job (runTrainingJob, no sandbox) in a fresh child
// process, so its peak resident memory is its own; "direct" runs the same writer into a pipe that discards it.
// Prints a table and writes bench/results/log-capture-DATE.md.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { systemClock } from "../src/clock.js";
import { defaultJobSettings } from "../src/jobs/index.js";
import { runTrainingJobHere } from "../src/services/submit.js";
import { SqliteStore } from "../src/store/index.js";
import { machineDescription, markdownTable } from "./report.js";

const { values: args } = parseArgs({
  options: {
    mb: { type: "string", default: "1,20" },
    child: { type: "string" },
    out: { type: "string" },
  },
});

// Writes MB mebibytes of "x" in 64 KiB writes (as a program printing without a newline would), then the metric.
const WRITER = `
const mb = Number(process.argv.at(-1));
const chunk = "x".repeat(65536);
let left = mb * 16;
const write = () => {
  while (left > 0) { left--; if (!process.stdout.write(chunk)) return process.stdout.once("drain", write); }
  process.stdout.write("\\nloss=0.25\\n");
};
write();`;

interface Measurement {
  seconds: number;
  peakRssMb: number;
  metricRecorded: boolean;
  status: string;
}

/** In the child: one training job printing an `mb` MiB line, measured from the inside. */
async function measureJob(mb: number): Promise<Measurement> {
  const home = mkdtempSync(join(tmpdir(), "tunekit-bench-log-"));
  const store = new SqliteStore(join(home, "tunekit.db"));
  try {
    const settings = defaultJobSettings(home, { baseDir: home, sandbox: "none" });
    writeFileSync(join(home, "writer.cjs"), WRITER);
    const request = {
      TrainingJobName: `long-line-${mb}`,
      AlgorithmSpecification: {
        TrainingInputMode: "File",
        ContainerEntrypoint: [process.execPath, join(home, "writer.cjs"), String(mb)],
        MetricDefinitions: [{ Name: "loss", Regex: "loss=([0-9.]+)" }],
      },
      OutputDataConfig: { S3OutputPath: join(home, "output") },
      ResourceConfig: { InstanceType: "local", InstanceCount: 1, VolumeSizeInGB: 1 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    };
    const started = performance.now();
    const record = await runTrainingJobHere(store, request, settings, systemClock);
    const seconds = (performance.now() - started) / 1000;
    return {
      seconds,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      metricRecorded: (await store.listMetricPoints(record.name)).some(
        (p) => p.metricName === "loss" && p.value === 0.25,
      ),
      status: record.status,
    };
  } finally {
    await store.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/** The writer alone, into a pipe read and discarded: the floor any capture is compared with. */
function direct(mb: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["-e", WRITER, String(mb)], { stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.resume();
    child.on("error", reject);
    child.on("close", () => resolve((performance.now() - started) / 1000));
  });
}

if (args.child !== undefined) {
  process.stdout.write(`${JSON.stringify(await measureJob(Number(args.child)))}\n`);
} else {
  const here = fileURLToPath(import.meta.url);
  const rows: string[][] = [];
  for (const mb of (args.mb as string).split(",").map(Number)) {
    const run = spawnSync(process.execPath, ["--import", "tsx", here, "--child", String(mb)], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`the ${mb} MiB run failed: ${run.stderr}`);
    const m = JSON.parse(run.stdout.trim().split("\n").pop() as string) as Measurement;
    const floor = await direct(mb);
    rows.push([
      `${mb} MiB`,
      floor.toFixed(2),
      m.seconds.toFixed(2),
      m.peakRssMb.toFixed(0),
      m.metricRecorded ? "yes" : "no",
      m.status,
    ]);
    console.log(rows.at(-1)?.join("  "));
  }
  const table = markdownTable(
    ["line", "direct, s", "training job, s", "tunekit peak RSS, MiB", "metric after it recorded", "job"],
    rows,
  );
  const date = new Date().toISOString().slice(0, 10);
  const report = `# bench:log-capture, ${date}

Command: \`npm run bench:log-capture -- --mb ${args.mb}\`
Machine: ${machineDescription()}

One training job (no sandbox) whose script prints one line of the given size without a newline, then
\`loss=0.25\` on a line of its own. "direct" is the same script into a pipe that discards it. Peak RSS is the
whole tunekit process's (Node, tsx and the store included) while it ran that one job.

${table}
`;
  const out = args.out ?? fileURLToPath(new URL(`./results/log-capture-${date}.md`, import.meta.url));
  writeFileSync(out, report);
  console.log(`\n${table}\n\nwrote ${out}`);
}
