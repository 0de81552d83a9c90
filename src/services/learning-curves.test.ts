import { describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { parseTuningJobRequest } from "../config/tuning-job-request.js";
import { SimulatedExecutor } from "../executors/index.js";
import { MemoryStore } from "../store/memory/memory-store.js";
import { runTuningJob, suggestInProcess, type TuningEvent } from "../tuner/index.js";
import { CURVES_MAX, learningCurves } from "./learning-curves.js";

function request(jobs: number, earlyStopping: "Auto" | "Off") {
  return {
    HyperParameterTuningJobName: `curves-${jobs}`,
    HyperParameterTuningJobConfig: {
      Strategy: "Random",
      RandomSeed: 5,
      HyperParameterTuningJobObjective: { Type: "Maximize", MetricName: "f1" },
      ResourceLimits: { MaxNumberOfTrainingJobs: jobs, MaxParallelTrainingJobs: 3 },
      ParameterRanges: {
        ContinuousParameterRanges: [{ Name: "lr", MinValue: "1e-5", MaxValue: "1e-1", ScalingType: "Logarithmic" }],
      },
      TrainingJobEarlyStoppingType: earlyStopping,
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

async function tuned(jobs: number, earlyStopping: "Auto" | "Off") {
  const store = new MemoryStore();
  const events: TuningEvent[] = [];
  const executor = new SimulatedExecutor(
    store,
    "f1",
    (hp) => {
      const top = 0.95 - 0.04 * (Math.log10(hp.lr as number) + 3) ** 2;
      return { values: [0.5, 0.7, 0.85, 0.95, 1].map((f) => top * f), epochSeconds: 120 };
    },
    new ManualClock(Date.UTC(2026, 10, 29, 9)),
  );
  const job = await runTuningJob({
    store,
    job: parseTuningJobRequest(request(jobs, earlyStopping)),
    executor,
    suggest: suggestInProcess,
    onEvent: (e) => events.push(e),
  });
  return { store, job, events };
}

describe("learning curves", () => {
  it("gives every job's curve, and each early-stopped job the median rule's verdict as the tuner gave it", async () => {
    const { store, job, events } = await tuned(24, "Auto");
    const curves = await learningCurves(store, job);
    expect(curves).toMatchObject({ metric: "f1", type: "Maximize", rule: "median", total: 24 });
    expect(curves.curves).toHaveLength(24);
    const stops = new Map(events.flatMap((e) => (e.kind === "stopping" ? [[e.job, e.decision.detail] as const] : [])));
    expect(stops.size).toBeGreaterThan(2);
    for (const curve of curves.curves) {
      expect(curve.values.length).toBe(curve.seconds.length);
      const detail = stops.get(curve.name);
      if (detail === undefined) {
        expect(curve.judged).toBeUndefined();
        continue;
      }
      // The recomputed verdict is the one the tuner printed, at the epoch the job ended on.
      expect(curve.judged?.detail).toBe(detail);
      expect(curve.judged?.epoch).toBe(curve.values.length);
      expect(curve.reason).toBe("stopped early by the median rule");
      expect(curve.group).toBe(1);
      // Maximising: the value was below the threshold.
      expect(curve.judged?.value).toBeLessThan(curve.judged?.threshold as number);
      expect(curve.judged?.value).toBe(curve.values[curve.values.length - 1]);
    }
  });

  it("without early stopping, sends the curves alone; above CURVES_MAX jobs, a fair sample of them", {
    timeout: 120_000,
  }, async () => {
    const { store, job } = await tuned(CURVES_MAX + 30, "Off");
    const curves = await learningCurves(store, job);
    expect(curves.rule).toBeNull();
    expect(curves.total).toBe(CURVES_MAX + 30);
    expect(curves.curves).toHaveLength(CURVES_MAX);
    expect(curves.curves.every((c) => c.judged === undefined && c.values.length === 5)).toBe(true);
    // The best job's curve is always among them.
    const best = (await store.bestTrainingJob(job.name, "Maximize"))?.name;
    expect(curves.curves.some((c) => c.name === best)).toBe(true);
  });
});
