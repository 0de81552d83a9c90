import { describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { parseTuningJobRequest } from "../config/tuning-job-request.js";
import { SimulatedExecutor } from "../executors/index.js";
import { MemoryStore } from "../store/memory/memory-store.js";
import { runTuningJob, suggestInProcess } from "../tuner/index.js";
import { modelView } from "./model-view.js";

function request(name: string, strategy: string, ranges: object) {
  return {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobConfig: {
      Strategy: strategy,
      RandomSeed: 11,
      HyperParameterTuningJobObjective: { Type: "Maximize", MetricName: "f1" },
      ResourceLimits: { MaxNumberOfTrainingJobs: 14, MaxParallelTrainingJobs: 2 },
      ParameterRanges: ranges,
    },
    TrainingJobDefinition: {
      AlgorithmSpecification: {
        TrainingImage: "x",
        TrainingInputMode: "File",
        MetricDefinitions: [{ Name: "f1", Regex: "f1=(\\S+)" }],
      },
    },
  };
}

const LR = { Name: "learning_rate", MinValue: "1e-5", MaxValue: "1e-1", ScalingType: "Logarithmic" };

async function tuned(strategy: string, ranges: object) {
  const store = new MemoryStore();
  const clock = new ManualClock(Date.UTC(2026, 10, 29, 9));
  const executor = new SimulatedExecutor(
    store,
    "f1",
    (hp) => {
      const lr = Math.log10(hp.learning_rate as number);
      const wd = hp.weight_decay === undefined ? 0 : 0.02 * Math.log10(hp.weight_decay as number);
      const top = 0.95 - 0.03 * (lr + 3.3) ** 2 + wd;
      // Jobs of different lengths, so suggestions are made with jobs still running.
      return { values: [0.8, 1].map((f) => top * f), epochSeconds: 300 + 97 * Math.abs(lr) };
    },
    clock,
  );
  const job = await runTuningJob({
    store,
    job: parseTuningJobRequest(request(`model-${strategy.toLowerCase()}`, strategy, ranges)),
    executor,
    suggest: suggestInProcess,
  });
  return { store, job };
}

describe("the model view", () => {
  it("recomputes each suggestion's acquisition so that its peak along the slice is the suggestion", async () => {
    const { store, job } = await tuned("Bayesian", { ContinuousParameterRanges: [LR] });
    const jobs = await store.listTrainingJobPoints(job.name);
    let explained = 0;
    for (const point of jobs) {
      const view = await modelView(store, job, point.name);
      if (!view.available) {
        expect(view.reason).toMatch(/initial design/);
        continue;
      }
      explained++;
      const slice = view.slices[0];
      if (!slice) throw new Error("no slice");
      expect(slice.name).toBe("learning_rate");
      expect(slice.values).toHaveLength(120);
      // The acquisition optimiser maximised this function: no point of the slice does better than the suggestion,
      // but for points next to a running job, which the strategy excludes (they repeat its experiment), and
      // points the model cannot tell apart from an observed or running one (within the near-repeat resolution).
      const unit = (v: number) => (Math.log10(v) + 5) / 4;
      const running = view.running.map((r) => unit(r.hyperparameters.learning_rate as number));
      const earlier = [...view.points, ...view.running].map((p) => unit(p.hyperparameters.learning_rate as number));
      expect(slice.nearRepeatResolution).toBeGreaterThanOrEqual(0);
      // ... and points outside the trust region the acquisition was maximised in.
      const [lo, hi] = slice.searchRegion;
      const allowed = slice.logEi.filter(
        (_, k) =>
          unit(slice.values[k] as number) >= lo &&
          unit(slice.values[k] as number) <= hi &&
          running.every((u) => Math.abs(unit(slice.values[k] as number) - u) > 0.02) &&
          earlier.every((u) => Math.abs(unit(slice.values[k] as number) - u) >= slice.nearRepeatResolution),
      );
      expect(Math.max(...allowed)).toBeLessThanOrEqual(slice.suggestedLogEi + 1e-3);
      expect(view.observed + view.pending).toBe((view.trial as number) - 1);
      for (let k = 0; k < slice.values.length; k++) {
        expect(slice.lower[k]).toBeLessThanOrEqual(slice.mean[k] as number);
        expect(slice.upper[k]).toBeGreaterThanOrEqual(slice.mean[k] as number);
      }
    }
    // 14 jobs, 5 of them the initial design.
    expect(explained).toBe(9);
    // The latest model suggestion is the default.
    const latest = await modelView(store, job);
    expect(latest.available && latest.job).toBe(jobs[jobs.length - 1]?.name);
    // Some suggestion was made while another job was running: the believer's pending trials are part of it.
    const views = await Promise.all(jobs.map((j) => modelView(store, job, j.name)));
    expect(views.some((v) => v.available && v.pending > 0)).toBe(true);
  });

  it("slices the two hyperparameters that mattered most, in the objective's units around the observed results", async () => {
    const { store, job } = await tuned("Bayesian", {
      ContinuousParameterRanges: [
        LR,
        { Name: "weight_decay", MinValue: "1e-6", MaxValue: "1", ScalingType: "Logarithmic" },
      ],
      IntegerParameterRanges: [{ Name: "layers", MinValue: "1", MaxValue: "4" }],
    });
    const view = await modelView(store, job);
    if (!view.available) throw new Error(view.reason);
    expect(view.slices.map((s) => s.name)).toEqual(
      [...view.importance]
        .sort((a, b) => b.importance - a.importance)
        .slice(0, 2)
        .map((i) => i.name),
    );
    const objectives = view.points.map((p) => p.objective);
    const mean = view.slices[0]?.mean ?? [];
    // The model's mean stays on the scale of the results it was fitted to.
    expect(Math.max(...mean)).toBeLessThan(Math.max(...objectives) + 0.2);
    expect(Math.min(...mean)).toBeGreaterThan(Math.min(...objectives) - 0.5);
  });

  it("says why there is nothing to show for other strategies", async () => {
    const { store, job } = await tuned("Random", { ContinuousParameterRanges: [LR] });
    expect(await modelView(store, job)).toEqual({
      available: false,
      reason: "Random search has no model of the objective: only Bayesian search does",
    });
    await expect(modelView(store, job, "nobody")).resolves.toMatchObject({ available: false });
  });
});
