import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseTuningJobRequest } from "../../config/tuning-job-request.js";
import { SimulatedExecutor } from "../../executors/index.js";
import { MemoryStore } from "../../store/memory/memory-store.js";
import { runTuningJob, suggestInProcess } from "../../tuner/index.js";
import { createApp } from "./app.js";

/** The HTTP API as a function: requests in, responses out, no socket. */
// biome-ignore lint/suspicious/noExplicitAny: responses are JSON whose shape each test asserts.
type Json = any;
const json = async (response: Response | Promise<Response>): Promise<Json> => (await response).json();
const dir = mkdtempSync(join(tmpdir(), "tunekit-http-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function storeWithJobs() {
  const store = new MemoryStore();
  const request = {
    HyperParameterTuningJobName: "served",
    HyperParameterTuningJobConfig: {
      Strategy: "Random",
      RandomSeed: 1,
      HyperParameterTuningJobObjective: { Type: "Minimize", MetricName: "loss" },
      ResourceLimits: { MaxNumberOfTrainingJobs: 7, MaxParallelTrainingJobs: 2 },
      ParameterRanges: { ContinuousParameterRanges: [{ Name: "x", MinValue: "0", MaxValue: "1" }] },
    },
    TrainingJobDefinition: {
      AlgorithmSpecification: {
        TrainingImage: "x",
        TrainingInputMode: "File",
        MetricDefinitions: [{ Name: "loss", Regex: "loss=(\\S+)" }],
      },
    },
  };
  const executor = new SimulatedExecutor(store, "loss", (hp) => ({
    values: [1, (hp.x as number) ** 2],
    epochSeconds: 60,
  }));
  await runTuningJob({ store, job: parseTuningJobRequest(request), executor, suggest: suggestInProcess });
  return store;
}

describe("HTTP API", () => {
  it("lists tuning jobs and describes one as SageMaker does", async () => {
    const app = createApp({ store: await storeWithJobs() });
    const list = await json(app.request("/api/tuning-jobs"));
    expect(list.TuningJobs).toHaveLength(1);
    expect(list.TuningJobs[0]).toMatchObject({
      HyperParameterTuningJobName: "served",
      HyperParameterTuningJobStatus: "Completed",
      TrainingJobStatusCounters: { Completed: 7 },
    });
    const described = await json(app.request("/api/tuning-jobs/served"));
    expect(described.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.MetricName).toBe("loss");
    expect((await app.request("/api/tuning-jobs/nobody")).status).toBe(404);
  });

  it("sorts and pages a tuning job's training jobs on the server", async () => {
    const app = createApp({ store: await storeWithJobs() });
    const first = await json(
      app.request("/api/tuning-jobs/served/training-jobs?limit=3&sortBy=FinalObjectiveMetricValue&sortOrder=Ascending"),
    );
    expect(first.Total).toBe(7);
    expect(first.TrainingJobSummaries).toHaveLength(3);
    expect(first.NextOffset).toBe(3);
    const values = first.TrainingJobSummaries.map(
      (j: { FinalHyperParameterTuningJobObjectiveMetric: { Value: number } }) =>
        j.FinalHyperParameterTuningJobObjectiveMetric.Value,
    );
    expect(values).toEqual([...values].sort((a, b) => a - b));
    const last = await json(app.request("/api/tuning-jobs/served/training-jobs?limit=3&offset=6"));
    expect(last.TrainingJobSummaries).toHaveLength(1);
    expect(last.NextOffset).toBeUndefined();
  });

  it("rejects bad query parameters with a typed error naming the parameter", async () => {
    const app = createApp({ store: await storeWithJobs() });
    for (const [query, field] of [
      ["limit=0", "limit"],
      ["limit=abc", "limit"],
      ["sortBy=Color", "sortBy"],
      ["status=Done", "status"],
      ["colour=red", "colour"],
    ]) {
      const response = await app.request(`/api/tuning-jobs/served/training-jobs?${query}`);
      expect(response.status, query).toBe(400);
      expect((await json(response)).error).toMatchObject({ code: "E_QUERY", field });
    }
  });

  it("gives the charts, the analytics table and the metrics", async () => {
    const app = createApp({ store: await storeWithJobs() });
    const { charts } = await json(app.request("/api/tuning-jobs/served/charts"));
    expect(charts.map((c: { id: string }) => c.id)).toContain("objective-over-time");
    const { importance } = await json(app.request("/api/tuning-jobs/served/importance"));
    expect(importance[0].results).toBe(7);
    const csv = await (await app.request("/api/tuning-jobs/served/analytics?format=csv")).text();
    expect(csv.split("\n")[0]).toBe(
      "x,TrainingJobName,TrainingJobStatus,FinalObjectiveValue,TrainingStartTime,TrainingEndTime,TrainingElapsedTimeSeconds",
    );
    expect(csv.trim().split("\n")).toHaveLength(8);
    const job = (await json(app.request("/api/tuning-jobs/served/training-jobs?limit=1"))).TrainingJobSummaries[0];
    const metrics = await json(app.request(`/api/training-jobs/${job.TrainingJobName}/metrics`));
    expect(metrics.map((m: { metric_name: string }) => m.metric_name)).toEqual(["loss", "loss"]);
  });

  it("reads a job's log from the store in pieces, from a cursor, and says when it is complete", async () => {
    const store = new MemoryStore();
    await store.createTrainingJob({ name: "logged", hyperparameters: {}, now: 0 });
    await store.appendLog("logged", 0, "line one\n", 1);
    await store.appendLog("logged", 0, "line two\n", 2);
    const app = createApp({ store });
    const first = await json(app.request("/api/training-jobs/logged/logs?limit=1"));
    expect(first).toMatchObject({ after: -1, next: 0, text: "line one\n", complete: false });
    const rest = await json(app.request(`/api/training-jobs/logged/logs?after=${first.next}`));
    expect(rest).toMatchObject({ next: 1, text: "line two\n", complete: false });
    await store.updateTrainingJob("logged", { status: "Completed", now: 3 });
    const end = await json(app.request(`/api/training-jobs/logged/logs?after=${rest.next}`));
    expect(end).toMatchObject({ next: 1, text: "", complete: true });
    const bad = await app.request("/api/training-jobs/logged/logs?after=x");
    expect(bad.status).toBe(400);
  });

  it("stops a job nobody runs, and says a finished one cannot be stopped", async () => {
    const store = await storeWithJobs();
    await store.createTuningJob({ name: "orphan", kind: "tuning-job", config: {}, seed: 1, now: 0 });
    const app = createApp({ store });
    const stopped = await app.request("/api/tuning-jobs/orphan/stop", { method: "POST" });
    expect(await json(stopped)).toMatchObject({ action: "stopped" });
    expect((await store.getTuningJob("orphan"))?.status).toBe("Stopped");
    const finished = await app.request("/api/tuning-jobs/served/stop", { method: "POST" });
    expect(finished.status).toBe(409);
  });

  it("requires the token on every request when one is set, including events", async () => {
    const app = createApp({ store: await storeWithJobs(), token: "s3cret" });
    expect((await app.request("/api/tuning-jobs")).status).toBe(401);
    expect((await app.request("/api/tuning-jobs", { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await app.request("/api/tuning-jobs", { headers: { authorization: "Bearer s3cret" } })).status).toBe(200);
    expect((await app.request("/api/events")).status).toBe(401);
    expect((await app.request("/")).status).toBe(401);
    expect((await app.request("/api/tuning-jobs/served?token=s3cret")).status).toBe(200);
  });

  it("sends an event when what a page shows changes", async () => {
    const store = await storeWithJobs();
    await store.createTuningJob({ name: "growing", kind: "tuning-job", config: {}, seed: 1, now: 0 });
    const app = createApp({ store, pollMs: 20 });
    const response = await app.request("/api/events?tuningJob=growing");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const events = async (n: number) => {
      let text = "";
      while ((text.match(/event: update/g) ?? []).length < n) text += decoder.decode((await reader.read()).value);
      return text;
    };
    const data = (text: string) => /data: (.*)/.exec(text)?.[1];
    const first = data(await events(1));
    // The pages' responses carry the same fingerprint as the event, so the page can tell it has drawn that state.
    const fingerprint = async (path: string) => (await app.request(path)).headers.get("x-tunekit-fingerprint");
    expect(await fingerprint("/api/tuning-jobs/growing")).toBe(first);
    expect(await fingerprint("/api/tuning-jobs/growing/charts")).toBe(first);
    expect(await fingerprint("/api/tuning-jobs/growing/training-jobs")).toBe(first);
    await store.createTrainingJob({
      name: "growing-001",
      tuningJobName: "growing",
      trialIndex: 0,
      hyperparameters: {},
      now: 1,
    });
    const second = await events(1);
    expect(second).toContain("id: 1");
    expect(data(second)).not.toBe(first);
    expect(await fingerprint("/api/tuning-jobs/growing")).toBe(data(second));
    await reader.cancel();
  });

  it("serves the console from the package, and only its own files", async () => {
    const app = createApp({ store: new MemoryStore() });
    const html = await (await app.request("/")).text();
    expect(html).toContain('<script type="module" src="/console/console.js">');
    expect(html).toContain('<script defer src="/console/uPlot.iife.min.js"></script>');
    // Every file the console's modules import is served, and the chart library comes from its package.
    const files = [...html.matchAll(/(?:src|href)="\/console\/([^"]+)"/g)].map((m) => m[1] as string);
    const seen = new Set<string>();
    while (files.length > 0) {
      const file = files.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      const response = await app.request(`/console/${file}`);
      expect(response.status, file).toBe(200);
      if (file.endsWith(".js")) {
        const code = await response.text();
        for (const m of code.matchAll(/(?:from |import\()"\.\/([^"]+)"/g)) files.push(m[1] as string);
      }
    }
    expect(seen).toContain("chart-scatter.js");
    expect(seen).toContain("page-training-jobs.js");
    expect((await (await app.request("/console/uPlot.iife.min.js")).text()).length).toBeGreaterThan(40_000);
    expect((await app.request("/console/echarts.min.js")).status).toBe(404);
    expect((await app.request("/console/..%2f..%2fpackage.json")).status).toBe(404);
    // Names an object inherits are not files either.
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const response = await app.request(`/console/${name}`);
      expect(response.status, name).toBe(404);
      expect((await json(response)).error.code).toBe("E_NOT_FOUND");
    }
  });
});
