import { describe, expect, it } from "vitest";
import { parseTuningJobRequest } from "../../config/tuning-job-request.js";
import { SimulatedExecutor } from "../../executors/index.js";
import { MemoryStore } from "../../store/memory/memory-store.js";
import { runTuningJob, suggestInProcess } from "../../tuner/index.js";
import { createApp } from "./app.js";

// biome-ignore lint/suspicious/noExplicitAny: responses are JSON whose shape each test asserts.
type Json = any;
const json = async (response: Response | Promise<Response>): Promise<Json> => (await response).json();

async function tuned() {
  const store = new MemoryStore();
  const request = {
    HyperParameterTuningJobName: "views",
    HyperParameterTuningJobConfig: {
      Strategy: "Bayesian",
      RandomSeed: 2,
      HyperParameterTuningJobObjective: { Type: "Maximize", MetricName: "f1" },
      ResourceLimits: { MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 2 },
      ParameterRanges: {
        ContinuousParameterRanges: [{ Name: "lr", MinValue: "1e-5", MaxValue: "1e-1", ScalingType: "Logarithmic" }],
      },
      TrainingJobEarlyStoppingType: "Auto",
    },
    TrainingJobDefinition: {
      AlgorithmSpecification: {
        TrainingImage: "x",
        TrainingInputMode: "File",
        MetricDefinitions: [{ Name: "f1", Regex: "f1=(\\S+)" }],
      },
    },
  };
  const executor = new SimulatedExecutor(store, "f1", (hp) => ({
    values: [0.6, 0.9].map((f) => f * (0.95 - 0.03 * (Math.log10(hp.lr as number) + 3) ** 2)),
    epochSeconds: 120,
  }));
  await runTuningJob({ store, job: parseTuningJobRequest(request), executor, suggest: suggestInProcess });
  await store.createTrainingJob({ name: "alone", hyperparameters: {}, request: { TrainingJobName: "alone" }, now: 5 });
  return store;
}

describe("the console's views over HTTP", () => {
  it("gives learning curves, the model's view of a suggestion, the findings and the report", async () => {
    const app = createApp({ store: await tuned() });
    const curves = await json(app.request("/api/tuning-jobs/views/learning-curves"));
    expect(curves).toMatchObject({ metric: "f1", type: "Maximize", rule: "median", total: 10 });
    expect(curves.curves[0].values).toHaveLength(2);
    const model = await json(app.request("/api/tuning-jobs/views/model"));
    expect(model).toMatchObject({ available: true, trial: 10 });
    expect(model.slices[0]).toMatchObject({ name: "lr", scale: "log" });
    const first = await json(app.request(`/api/tuning-jobs/views/model?job=${curves.curves[0].name}`));
    expect(first.available).toBe(false);
    expect((await app.request("/api/tuning-jobs/views/model?job=views-999")).status).toBe(404);
    const findings = await json(app.request("/api/tuning-jobs/views/findings"));
    expect(findings.findings.jobsRun).toBe(10);
    expect(findings.sentences[0]).toMatch(/^The best job, views-\d+/);
    const report = await app.request("/api/tuning-jobs/views/report");
    expect(report.headers.get("content-type")).toContain("text/html");
    expect(await report.text()).toMatch(/^<!doctype html>[\s\S]*views/);
    expect((await json(app.request("/api/tuning-jobs/views/running"))).RunningJobs).toEqual([]);
    expect((await app.request("/api/tuning-jobs/nobody/learning-curves")).status).toBe(404);
  });

  it("lists the training jobs that belong to no tuning job", async () => {
    const app = createApp({ store: await tuned() });
    const page = await json(app.request("/api/training-jobs"));
    expect(page.Total).toBe(1);
    expect(page.TrainingJobSummaries.map((j: { TrainingJobName: string }) => j.TrainingJobName)).toEqual(["alone"]);
    const bad = await app.request("/api/training-jobs?status=Done");
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatchObject({ code: "E_QUERY", field: "status" });
  });
});
