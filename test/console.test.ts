/// <reference lib="dom" />
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../src/clock.js";
import { parseTuningJobRequest } from "../src/config/tuning-job-request.js";
import { SimulatedExecutor } from "../src/executors/index.js";
import { SqliteStore } from "../src/store/index.js";
import { createApp } from "../src/transports/http/app.js";
import { runTuningJob, suggestInProcess } from "../src/tuner/index.js";

/**
 * The web console in Debian's Chromium (through playwright-core, never a downloaded browser), against a real
 * SQLite store holding a finished and a running tuning job. TUNEKIT_SCREENSHOTS=1 refreshes docs/images.
 */
const CHROMIUM = process.env.TUNEKIT_CHROMIUM ?? "/usr/bin/chromium";
const SCREENSHOTS = process.env.TUNEKIT_SCREENSHOTS
  ? fileURLToPath(new URL("../docs/images/", import.meta.url))
  : undefined;
const home = mkdtempSync(join(tmpdir(), "tunekit-console-"));
const store = new SqliteStore(join(home, "tunekit.db"));
let browser: Browser;
let server: ReturnType<typeof serve>;
let base = "";

function request(name: string) {
  return {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobConfig: {
      Strategy: "Bayesian",
      RandomSeed: 4,
      HyperParameterTuningJobObjective: { Type: "Maximize", MetricName: "f1" },
      ResourceLimits: { MaxNumberOfTrainingJobs: 12, MaxParallelTrainingJobs: 3 },
      ParameterRanges: {
        ContinuousParameterRanges: [
          { Name: "learning_rate", MinValue: "5e-6", MaxValue: "5e-4", ScalingType: "Logarithmic" },
        ],
        IntegerParameterRanges: [{ Name: "batch_size", MinValue: "16", MaxValue: "64" }],
      },
      TrainingJobEarlyStoppingType: "Auto",
    },
    TrainingJobDefinition: {
      AlgorithmSpecification: {
        TrainingImage: "x",
        TrainingInputMode: "File",
        MetricDefinitions: [{ Name: "f1", Regex: "'f1_': ([0-9.]+)" }],
      },
    },
  };
}

async function finishedTuningJob() {
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 9));
  const executor = new SimulatedExecutor(
    store,
    "f1",
    (hp) => {
      const top =
        0.92 -
        0.04 * (Math.log10(hp.learning_rate as number) + 4.2) ** 2 -
        0.0004 * ((hp.batch_size as number) - 32) ** 2;
      return { values: [0.6, 0.8, 0.95, 1].map((f) => top * f), epochSeconds: 900 };
    },
    clock,
  );
  await runTuningJob({
    store,
    job: parseTuningJobRequest(request("finished-job")),
    executor,
    suggest: suggestInProcess,
  });
}

async function runningTuningJob() {
  await store.createTuningJob({
    name: "running-job",
    kind: "tuning-job",
    config: {
      HyperParameterTuningJobConfig: {
        Strategy: "Random",
        HyperParameterTuningJobObjective: { Type: "Minimize", MetricName: "loss" },
      },
    },
    seed: 1,
    now: Date.now(),
  });
  await store.createTrainingJob({
    name: "running-job-001",
    tuningJobName: "running-job",
    trialIndex: 0,
    hyperparameters: { x: 0.5 },
    now: Date.now(),
  });
  await store.appendLog("running-job-001", 0, "epoch 1 loss=0.9\n", Date.now());
  await store.appendMetricPoints("running-job-001", 0, [{ metricName: "f1", value: 0.61, timestamp: Date.now() }]);
}

beforeAll(async () => {
  await finishedTuningJob();
  await runningTuningJob();
  const app = createApp({ store, pollMs: 200 });
  base = await new Promise<string>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
      resolve(`http://127.0.0.1:${info.port}`),
    );
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  await store.close();
  rmSync(home, { recursive: true, force: true });
});

/** A page whose waits last as long as a busy machine may need (Playwright's default is 30 s). */
async function newPage(options?: Parameters<Browser["newPage"]>[0]): Promise<Page> {
  const page = await browser.newPage(options);
  page.setDefaultTimeout(300_000);
  return page;
}

async function shot(page: Page, name: string) {
  if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
}

describe.skipIf(!existsSync(CHROMIUM))("web console in Chromium", () => {
  it("lists the tuning jobs, draws a tuning job's charts with every point, and opens a training job", async () => {
    const page = await newPage({ viewport: { width: 1360, height: 900 } });
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(base);
    await page.waitForSelector('[data-test="tuning-jobs"] tr[data-name="finished-job"]');
    expect(await page.locator('[data-test="tuning-jobs"] tr[data-name]').count()).toBe(2);
    await shot(page, "console-tuning-jobs.png");

    await page.click('a[href="#/tuning-jobs/finished-job"]');
    await page.waitForSelector('[data-chart="objective-over-time"][data-rendered="true"]');
    const withObjective = (await store.listTrainingJobs({ tuningJobName: "finished-job" })).filter(
      (j) => j.objectiveValue !== null,
    ).length;
    expect(await page.getAttribute('[data-chart="objective-over-time"]', "data-points")).toBe(String(withObjective));
    expect(await page.getAttribute('[data-chart="objective-vs-learning_rate"]', "data-points")).toBe(
      String(withObjective),
    );
    expect(await page.getAttribute('[data-chart="timeline"]', "data-points")).toBe("12");
    expect(await page.locator('[data-test="jobs"] tbody tr').count()).toBe(12);
    expect(await page.textContent('[data-test="status"]')).toBe("Completed");
    await shot(page, "console-tuning-job.png");

    // Sorting by the objective is done by the server.
    await page.click('th[data-sort="FinalObjectiveMetricValue"]');
    const best = (await store.bestTrainingJob("finished-job", "Maximize"))?.name as string;
    await page.waitForFunction(
      (name) => document.querySelector('[data-test="jobs"] tbody tr')?.getAttribute("data-name") === name,
      best,
    );

    await page.click(`a[href="#/training-jobs/${best}"]`);
    await page.waitForSelector('[data-chart="metric-f1"][data-rendered="true"]');
    expect(["Completed", "Stopped"]).toContain(await page.textContent('[data-test="status"]'));
    await shot(page, "console-training-job.png");
    // Everything came from this server: no CDN, no other host.
    expect(requests.every((url) => url.startsWith(base))).toBe(true);
    await page.close();
  });

  it("shows a new training job of a running tuning job as it appears, and follows a running job's log", async () => {
    const page = await newPage();
    await page.goto(`${base}/#/tuning-jobs/running-job`);
    await page.waitForSelector('[data-test="jobs"] tbody tr[data-name="running-job-001"]');
    await store.createTrainingJob({
      name: "running-job-002",
      tuningJobName: "running-job",
      trialIndex: 1,
      hyperparameters: { x: 0.25 },
      now: Date.now(),
    });
    await page.waitForSelector('[data-test="jobs"] tbody tr[data-name="running-job-002"]');

    await page.goto(`${base}/#/training-jobs/running-job-001`);
    await page.waitForFunction(() => document.querySelector('[data-test="log"]')?.textContent?.includes("loss=0.9"));
    await store.appendLog("running-job-001", 0, "epoch 2 loss=0.7\n", Date.now());
    await page.waitForFunction(() => document.querySelector('[data-test="log"]')?.textContent?.includes("loss=0.7"));
    expect(await page.textContent('[data-test="log"]')).toBe("epoch 1 loss=0.9\nepoch 2 loss=0.7\n");
    await page.close();
  });
});
