import { describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { parseTuningJobRequest } from "../config/tuning-job-request.js";
import { SimulatedExecutor } from "../executors/index.js";
import { createRng } from "../random.js";
import { reportHtml } from "../report/html.js";
import { reportData } from "../report/report-data.js";
import { MemoryStore } from "../store/memory/memory-store.js";
import { runTuningJob, suggestInProcess } from "../tuner/index.js";
import { describeTuningJob } from "./describe.js";

/** A tuning job on a noisy objective whose true F1 peaks at a learning rate of 1e-3. */
async function tuned(strategy: string) {
  const store = new MemoryStore();
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 9));
  const noise = createRng(5, "describe-noise");
  const executor = new SimulatedExecutor(
    store,
    "f1",
    (hp) => {
      const top = 0.9 - 0.02 * (Math.log10(hp.learning_rate as number) + 3) ** 2 + 0.01 * noise.normal();
      return { values: [top], epochSeconds: 60 };
    },
    clock,
  );
  const job = await runTuningJob({
    store,
    job: parseTuningJobRequest({
      HyperParameterTuningJobName: `recommended-${strategy.toLowerCase()}`,
      HyperParameterTuningJobConfig: {
        Strategy: strategy,
        RandomSeed: 3,
        HyperParameterTuningJobObjective: { Type: "Maximize", MetricName: "f1" },
        ResourceLimits: { MaxNumberOfTrainingJobs: 20, MaxParallelTrainingJobs: 2 },
        ParameterRanges: {
          ContinuousParameterRanges: [
            { Name: "learning_rate", MinValue: "1e-5", MaxValue: "1e-1", ScalingType: "Logarithmic" },
          ],
        },
      },
      TrainingJobDefinition: {
        AlgorithmSpecification: {
          TrainingImage: "x",
          TrainingInputMode: "File",
          MetricDefinitions: [{ Name: "f1", Regex: "f1=(\\S+)" }],
        },
      },
    }),
    executor,
    suggest: suggestInProcess,
  });
  return { store, job: (await store.getTuningJob(job.name)) ?? job };
}

describe("Describe's RecommendedTrainingJob", () => {
  it("names a completed job with the model's estimate beside SageMaker's BestTrainingJob", async () => {
    const { store, job } = await tuned("Bayesian");
    const d = await describeTuningJob(store, job);
    const recommended = d.RecommendedTrainingJob;
    expect(d.BestTrainingJob).toBeDefined();
    expect(recommended?.TrainingJobStatus).toBe("Completed");
    expect(recommended?.ObjectiveStatus).toBe("Succeeded");
    expect(recommended?.ObservationsModelled).toBe(20);
    expect(Number.isFinite(recommended?.EstimatedObjectiveValue)).toBe(true);
    // The estimate pools neighbours: never above the best observed value, the luckiest draw.
    expect(recommended?.EstimatedObjectiveValue).toBeLessThanOrEqual(
      (d.BestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric?.Value as number) + 1e-9,
    );
    const lr = recommended?.TunedHyperParameters.learning_rate as number;
    expect(Math.abs(Math.log10(lr) + 3)).toBeLessThan(0.5);
  });

  it("is shown in the report and on the console's tuning job page", async () => {
    const { store, job } = await tuned("Bayesian");
    const data = await reportData(store, job);
    const name = data.description.RecommendedTrainingJob?.TrainingJobName as string;
    const html = reportHtml(data, [], undefined);
    expect(html).toContain("<h2>Recommended training job</h2>");
    expect(html).toContain(name);
    // The console's own browser module, loaded as the page loads it (plain JavaScript, no declarations).
    const panels = "../console/panels.js";
    const { summaryHtml } = (await import(panels)) as { summaryHtml: (d: unknown) => string };
    const page = summaryHtml(data.description);
    expect(page).toContain('data-test="recommended"');
    if (name !== data.description.BestTrainingJob?.TrainingJobName) expect(page).toContain(name);
  });

  it("is absent where there is no model: Random search", async () => {
    const { store, job } = await tuned("Random");
    const d = await describeTuningJob(store, job);
    expect(d.BestTrainingJob).toBeDefined();
    expect(d.RecommendedTrainingJob).toBeUndefined();
  });
});
