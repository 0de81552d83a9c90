import { describe, expect, it } from "vitest";
import { parseTuningJobRequest } from "../config/tuning-job-request.js";
import type { TunekitError } from "../errors.js";
import { SimulatedExecutor, type SimulatedObjective } from "../executors/simulated-executor.js";
import { describeTuningJob } from "../services/describe.js";
import type { Store } from "../store/index.js";
import { MemoryStore } from "../store/memory/memory-store.js";
import type { SuggestRequest } from "../strategies/suggest-request.js";
import { HyperbandRungs } from "./hyperband-rungs.js";
import { suggestInProcess } from "./in-process.js";
import { runTuningJob, type TuningEvent } from "./run-tuning-job.js";

/** The tuning controller in virtual time: every rule of a tuning job, decided on simulated learning curves. */

// biome-ignore lint/suspicious/noExplicitAny: tests build requests field by field, including invalid ones.
type Request = Record<string, any>;

function request(name: string, patch: (r: Request) => void = () => {}): Request {
  const r: Request = {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobConfig: {
      Strategy: "Random",
      RandomSeed: 11,
      HyperParameterTuningJobObjective: { Type: "Minimize", MetricName: "loss" },
      ResourceLimits: { MaxNumberOfTrainingJobs: 20, MaxParallelTrainingJobs: 3 },
      ParameterRanges: {
        ContinuousParameterRanges: [{ Name: "lr", MinValue: "0.00001", MaxValue: "0.1", ScalingType: "Logarithmic" }],
      },
    },
    TrainingJobDefinition: {
      AlgorithmSpecification: {
        TrainingImage: "local",
        TrainingInputMode: "File",
        MetricDefinitions: [{ Name: "loss", Regex: "loss=(\\S+)" }],
      },
      StaticHyperParameters: { epochs: "9" },
    },
  };
  patch(r);
  return r;
}

/** Loss falls with each epoch towards a floor set by the distance of log10(lr) from -3: an hour-long job of 9 epochs. */
const curve: SimulatedObjective = (hp) => {
  const floor = (Math.log10(hp.lr as number) + 3) ** 2;
  return { values: Array.from({ length: 9 }, (_, e) => floor + 1 / (e + 1)), epochSeconds: 400 };
};

async function tune(store: Store, r: Request, objective = curve, events: TuningEvent[] = []) {
  const executor = new SimulatedExecutor(store, "loss", objective);
  const record = await runTuningJob({
    store,
    job: parseTuningJobRequest(r),
    executor,
    suggest: suggestInProcess,
    onEvent: (e) => events.push(e),
  });
  return { record, executor, jobs: await store.listTrainingJobs({ tuningJobName: record.name }) };
}

/** How many jobs ran at once at the busiest moment. */
function peakParallel(jobs: { startedAt: number | null; endedAt: number | null }[]): number {
  const edges = jobs.flatMap((j) => [
    [j.startedAt as number, 1],
    [j.endedAt as number, -1],
  ]);
  edges.sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
  let now = 0;
  let peak = 0;
  for (const [, d] of edges) {
    now += d as number;
    peak = Math.max(peak, now);
  }
  return peak;
}

describe("runTuningJob on the simulated executor", () => {
  it("runs MaxNumberOfTrainingJobs jobs, MaxParallelTrainingJobs at a time, in virtual time", async () => {
    const store = new MemoryStore();
    const { record, executor, jobs } = await tune(store, request("plain"));
    expect(record.status).toBe("Completed");
    expect(jobs).toHaveLength(20);
    expect(peakParallel(jobs)).toBe(3);
    // 20 one-hour jobs three at a time: seven rounds of an hour.
    expect(executor.clock.now()).toBe(7 * 3600_000);
    for (const job of jobs) {
      expect(job.status).toBe("Completed");
      // The objective is the last value emitted: epoch 9's.
      expect(job.objectiveValue).toBeCloseTo((Math.log10(job.hyperparameters.lr as number) + 3) ** 2 + 1 / 9, 12);
    }
    const best = await store.bestTrainingJob("plain", "Minimize");
    expect(best?.objectiveValue).toBe(Math.min(...jobs.map((j) => j.objectiveValue as number)));
  });

  it("fills every free slot with one request to the strategy, each trial asked for once", async () => {
    const store = new MemoryStore();
    const asked: { trialIndex: number; count: number; pending: number }[] = [];
    const r = request("batched", (q) => {
      q.HyperParameterTuningJobConfig.Strategy = "Bayesian";
      q.HyperParameterTuningJobConfig.ResourceLimits = { MaxNumberOfTrainingJobs: 14, MaxParallelTrainingJobs: 4 };
    });
    await runTuningJob({
      store,
      job: parseTuningJobRequest(r),
      executor: new SimulatedExecutor(store, "loss", curve),
      suggest: (q) => {
        asked.push({ trialIndex: q.trialIndex, count: q.count ?? 1, pending: q.pending.length });
        return suggestInProcess(q);
      },
    });
    expect(asked[0]).toEqual({ trialIndex: 0, count: 4, pending: 0 });
    // Consecutive requests cover consecutive trials, and a request's slots are the ones free beside the pending.
    asked.forEach((a, i) => {
      if (i > 0)
        expect(a.trialIndex).toBe((asked[i - 1] as (typeof asked)[number]).trialIndex + (asked[i - 1]?.count ?? 0));
      expect(a.pending + a.count).toBeLessThanOrEqual(4);
    });
    expect(asked.reduce((sum, a) => sum + a.count, 0)).toBe(14);
    const jobs = await store.listTrainingJobs({ tuningJobName: "batched" });
    expect(new Set(jobs.map((j) => JSON.stringify(j.hyperparameters))).size).toBe(14);
  });

  it("is reproducible with a RandomSeed", async () => {
    const a = await tune(new MemoryStore(), request("seeded"));
    const b = await tune(new MemoryStore(), request("seeded"));
    expect(a.jobs.map((j) => j.hyperparameters)).toEqual(b.jobs.map((j) => j.hyperparameters));
  });

  it("stops poor jobs early with the median rule (Auto), after five others reached the epoch", async () => {
    const store = new MemoryStore();
    const events: TuningEvent[] = [];
    const { jobs } = await tune(
      store,
      request("median", (r) => (r.HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType = "Auto")),
      curve,
      events,
    );
    expect(jobs).toHaveLength(20);
    const stopped = jobs.filter((j) => j.stopReason === "early-stopping");
    expect(stopped.length).toBeGreaterThan(3);
    for (const job of stopped) {
      expect(job.status).toBe("Stopped");
      // A stopped job keeps its last value as its objective, and was among the worse ones.
      expect(job.objectiveStatus).toBe("Succeeded");
      const points = await store.listMetricPoints(job.name, { metricName: "loss" });
      expect(points.length).toBeLessThan(9);
      expect(job.objectiveValue).toBe(points[points.length - 1]?.value);
      // Never decided before five other jobs had as many values.
      const epoch = points.length;
      const before = [];
      for (const o of jobs) {
        if (o === job) continue;
        const seen = (await store.listMetricPoints(o.name, { metricName: "loss" })).filter(
          (p) => p.timestamp <= (job.endedAt as number),
        );
        if (seen.length >= epoch) before.push(o);
      }
      expect(before.length).toBeGreaterThanOrEqual(5);
    }
    // The best job is never stopped, and the stopping saved time.
    expect((await store.bestTrainingJob("median", "Minimize"))?.status).toBe("Completed");
    expect(events.some((e) => e.kind === "stopping")).toBe(true);
  });

  it("runs Hyperband: jobs stop at rungs MinResource·3^k, and none runs past MaxResource", async () => {
    const store = new MemoryStore();
    const { record, jobs, executor } = await tune(
      store,
      request("hyperband", (r) => {
        r.HyperParameterTuningJobConfig.Strategy = "Hyperband";
        r.HyperParameterTuningJobConfig.StrategyConfig = {
          HyperbandStrategyConfig: { MinResource: 1, MaxResource: 6 },
        };
      }),
    );
    expect(record.status).toBe("Completed");
    expect(jobs).toHaveLength(20);
    for (const job of jobs) {
      const epochs = (await store.listMetricPoints(job.name, { metricName: "loss" })).length;
      expect(epochs).toBeLessThanOrEqual(6);
      if (job.stopReason === "hyperband-rung") expect([1, 3]).toContain(epochs);
      if (epochs === 6) expect(job.stopReason).toBe("hyperband-max-resource");
    }
    expect(jobs.filter((j) => j.stopReason === "hyperband-rung").length).toBeGreaterThan(10);
    // Far less than 20 full jobs' time.
    expect(executor.clock.now()).toBeLessThan(7 * 3600_000 * 0.5);
  });

  it("runs model-based Hyperband: the rungs as before, configurations from the GP on the rungs' values", async () => {
    const store = new MemoryStore();
    const { record, jobs } = await tune(
      store,
      request("hyperband-model", (r) => {
        r.HyperParameterTuningJobConfig.Strategy = "Hyperband";
        r.HyperParameterTuningJobConfig.StrategyConfig = {
          HyperbandStrategyConfig: { MinResource: 1, MaxResource: 9 },
          TunekitConfigurationSampler: "Model",
        };
        r.HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs = 30;
      }),
    );
    expect(record.status).toBe("Completed");
    expect(jobs).toHaveLength(30);
    // Rungs stop jobs as before (fewer than with random configurations: the model's are close to the best one).
    expect(jobs.filter((j) => j.stopReason === "hyperband-rung").length).toBeGreaterThan(5);
    // Once a rung has enough values, most configurations come from the model (a kernel fit stored with them) ...
    const fromModel = jobs.filter((j) => (j.strategyState as { kernel?: unknown } | null)?.kernel !== undefined);
    expect(fromModel.length).toBeGreaterThan(8);
    // ... and they are nearer the best learning rate (1e-3) than the random ones.
    const distance = (j: (typeof jobs)[number]) => Math.abs(Math.log10(j.hyperparameters.lr as number) + 3);
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
    const random = jobs.filter((j) => !fromModel.includes(j));
    expect(median(fromModel.map(distance))).toBeLessThan(median(random.map(distance)));
  });

  it("tells the model-based sampler where Hyperband will judge each trial it asks for", async () => {
    const store = new MemoryStore();
    const requests: SuggestRequest[] = [];
    const record = await runTuningJob({
      store,
      job: parseTuningJobRequest(
        request("hyperband-judged", (r) => {
          r.HyperParameterTuningJobConfig.Strategy = "Hyperband";
          r.HyperParameterTuningJobConfig.StrategyConfig = {
            HyperbandStrategyConfig: { MinResource: 1, MaxResource: 9 },
            TunekitConfigurationSampler: "Model",
          };
        }),
      ),
      executor: new SimulatedExecutor(store, "loss", curve),
      suggest: (r) => {
        requests.push(r);
        return suggestInProcess(r);
      },
    });
    const rungs = new HyperbandRungs(1, 9);
    expect(requests.length).toBeGreaterThan(5);
    for (const r of requests) {
      const indices = Array.from({ length: r.count ?? 1 }, (_, k) => r.trialIndex + k);
      expect(r.judgedAt).toEqual(Object.fromEntries(indices.map((i) => [i, rungs.judgedAt(i, record.seed)])));
    }
    // Some trials run unjudged to MaxResource (the last bracket), most are judged from epoch 1.
    const all = requests.flatMap((r) => Object.values(r.judgedAt ?? {}));
    expect(all.some((judged) => judged.length === 0)).toBe(true);
    expect(all.filter((judged) => judged[0] === 1).length).toBeGreaterThan(all.length / 3);
  });

  it("refuses TunekitConfigurationSampler outside Hyperband, naming the field", () => {
    expect(() =>
      parseTuningJobRequest(
        request("sampler-bayesian", (r) => {
          r.HyperParameterTuningJobConfig.StrategyConfig = { TunekitConfigurationSampler: "Model" };
        }),
      ),
    ).toThrow(/StrategyConfig\.TunekitConfigurationSampler.*only for the Hyperband strategy/);
    expect(() =>
      parseTuningJobRequest(
        request("sampler-typo", (r) => {
          r.HyperParameterTuningJobConfig.Strategy = "Hyperband";
          r.HyperParameterTuningJobConfig.StrategyConfig = { TunekitConfigurationSampler: "Tpe" };
        }),
      ),
    ).toThrow(/TunekitConfigurationSampler/);
  });

  it("infers Hyperband's MaxResource from the epochs static hyperparameter", async () => {
    const { jobs } = await tune(
      new MemoryStore(),
      request("hb-epochs", (r) => (r.HyperParameterTuningJobConfig.Strategy = "Hyperband")),
    );
    expect(jobs.some((j) => j.stopReason === "hyperband-max-resource")).toBe(false); // 9 epochs: jobs end at 9 by themselves
    expect(jobs.some((j) => j.stopReason === "hyperband-rung")).toBe(true);
  });

  it("completes early when the target objective is reached", async () => {
    const store = new MemoryStore();
    const { record, jobs } = await tune(
      store,
      request(
        "target",
        (r) => (r.HyperParameterTuningJobConfig.TuningJobCompletionCriteria = { TargetObjectiveMetricValue: 0.5 }),
      ),
    );
    expect(record.status).toBe("Completed");
    expect(record.completionReason).toMatch(/TargetObjectiveMetricValue/);
    expect(jobs.length).toBeLessThan(20);
    expect(jobs.some((j) => (j.objectiveValue ?? 9) <= 0.5)).toBe(true);
    // Jobs still running when it completed were stopped, not left running.
    expect(jobs.every((j) => j.status === "Completed" || j.status === "Stopped")).toBe(true);
  });

  it("completes when the best has not improved for N jobs", async () => {
    const { record, jobs } = await tune(
      new MemoryStore(),
      request("patience", (r) => {
        r.HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs = 60;
        r.HyperParameterTuningJobConfig.TuningJobCompletionCriteria = {
          BestObjectiveNotImproving: { MaxNumberOfTrainingJobsNotImproving: 3 },
        };
      }),
    );
    // Jobs finishing together can take the count past 3 at once.
    expect(record.completionReason).toMatch(/did not improve for [3-5] jobs/);
    expect(jobs.length).toBeLessThan(60);
  });

  it("stops at MaxRuntimeInSeconds, in virtual time", async () => {
    const { record, executor, jobs } = await tune(
      new MemoryStore(),
      request("runtime", (r) => (r.HyperParameterTuningJobConfig.ResourceLimits.MaxRuntimeInSeconds = 9000)),
    );
    expect(record.completionReason).toBe("MaxRuntimeInSeconds reached");
    expect(executor.clock.now()).toBe(9_000_000);
    expect(jobs.filter((j) => j.status === "Stopped")).toHaveLength(3);
    expect(jobs).toHaveLength(9);
  });

  it("gives up with a clear reason when the first jobs all fail, without burning the budget", async () => {
    const { record, jobs } = await tune(new MemoryStore(), request("failing"), () => ({
      values: [],
      epochSeconds: 10,
      fails: true,
    }));
    expect(record.status).toBe("Failed");
    expect(record.failureReason).toMatch(/first 3 training jobs all failed/);
    expect(jobs).toHaveLength(3);
  });

  it("does not count a job without the objective metric, or with only garbage in it, as a result", async () => {
    const store = new MemoryStore();
    const { record, jobs } = await tune(store, request("garbage"), (hp, { trialIndex }) =>
      trialIndex % 2 === 0 ? { values: new Array(9).fill(Number.NaN), epochSeconds: 400 } : curve(hp, { trialIndex }),
    );
    expect(record.status).toBe("Completed");
    expect(jobs.filter((j) => j.objectiveStatus === "Failed")).toHaveLength(10);
    expect(jobs.filter((j) => j.objectiveStatus === "Succeeded")).toHaveLength(10);
  });

  it("acts on a stop request written by another process", async () => {
    const store = new MemoryStore();
    const executor = new SimulatedExecutor(store, "loss", curve);
    const run = runTuningJob({
      store,
      job: parseTuningJobRequest(request("stopped")),
      executor,
      suggest: async (r) => {
        // The request that covers trial 5 (one request fills every free slot).
        if (r.trialIndex <= 5 && 5 < r.trialIndex + (r.count ?? 1)) {
          await store.requestStop("tuning-job", "stopped", executor.clock.now(), "user");
        }
        return suggestInProcess(r);
      },
    });
    const record = await run;
    expect(record.status).toBe("Stopped");
    const jobs = await store.listTrainingJobs({ tuningJobName: "stopped" });
    expect(jobs.length).toBeLessThan(20);
    expect(jobs.every((j) => j.status !== "InProgress")).toBe(true);
  });

  it("refuses the same name with another request (ResourceInUse), and reports a finished one again as it is", async () => {
    const store = new MemoryStore();
    const first = await tune(store, request("again"));
    await expect(
      tune(
        store,
        request("again", (r) => (r.HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs = 21)),
      ),
    ).rejects.toMatchObject({ code: "E_RESOURCE_IN_USE" });
    const second = await tune(store, request("again"));
    expect(second.record).toEqual(first.record);
    expect(second.jobs).toHaveLength(20);
  });

  it("tunes several training job definitions, splitting the jobs between them", async () => {
    const store = new MemoryStore();
    const r = request("multi");
    const base = r.TrainingJobDefinition;
    delete r.TrainingJobDefinition;
    const { HyperParameterTuningJobObjective, ParameterRanges } = r.HyperParameterTuningJobConfig;
    delete r.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective;
    delete r.HyperParameterTuningJobConfig.ParameterRanges;
    r.TrainingJobDefinitions = [
      {
        ...base,
        DefinitionName: "small",
        TuningObjective: HyperParameterTuningJobObjective,
        HyperParameterRanges: ParameterRanges,
      },
      {
        ...base,
        DefinitionName: "large",
        TuningObjective: HyperParameterTuningJobObjective,
        HyperParameterRanges: { IntegerParameterRanges: [{ Name: "layers", MinValue: "1", MaxValue: "4" }] },
      },
    ];
    const { jobs } = await tune(store, r, (hp) =>
      hp.lr === undefined ? { values: [hp.layers as number], epochSeconds: 60 } : curve(hp, { trialIndex: 0 }),
    );
    expect(jobs).toHaveLength(20);
    expect(jobs.filter((j) => j.definitionName === "small").every((j) => "lr" in j.hyperparameters)).toBe(true);
    expect(jobs.filter((j) => j.definitionName === "large").every((j) => "layers" in j.hyperparameters)).toBe(true);
    expect(jobs.filter((j) => j.definitionName === "large")).toHaveLength(10);
    expect((jobs[1] as { request: { HyperParameters: Record<string, string> } }).request.HyperParameters).toMatchObject(
      {
        epochs: "9",
        _tuning_objective_metric: "loss",
      },
    );
  });

  it("walks each definition's own grid: 2 definitions of 4 combinations run all 8 jobs", async () => {
    const grid = (name: string) => ({
      DefinitionName: name,
      TuningObjective: { Type: "Minimize", MetricName: "loss" },
      HyperParameterRanges: {
        CategoricalParameterRanges: [
          { Name: "opt", Values: ["adam", "sgd"] },
          { Name: "act", Values: ["relu", "tanh"] },
        ],
      },
    });
    const r = request("grids", (q) => {
      const base = q.TrainingJobDefinition;
      delete q.TrainingJobDefinition;
      delete q.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective;
      delete q.HyperParameterTuningJobConfig.ParameterRanges;
      q.HyperParameterTuningJobConfig.Strategy = "Grid";
      q.HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs = 8;
      q.TrainingJobDefinitions = [
        { ...base, ...grid("first") },
        { ...base, ...grid("second") },
      ];
    });
    const store = new MemoryStore();
    const { record, jobs } = await tune(store, r, () => ({ values: [1], epochSeconds: 60 }));
    expect(record).toMatchObject({ status: "Completed", completionReason: null });
    expect(jobs).toHaveLength(8);
    for (const name of ["first", "second"]) {
      const combos = jobs.filter((j) => j.definitionName === name).map((j) => JSON.stringify(j.hyperparameters));
      expect(new Set(combos).size).toBe(4);
    }
  });
});

describe("warm start", () => {
  it("seeds the strategy with the parents' results that fit the new ranges", async () => {
    const store = new MemoryStore();
    await tune(store, request("parent-a"));
    const seen: number[] = [];
    const executor = new SimulatedExecutor(store, "loss", curve);
    const child = request("child", (r) => {
      r.HyperParameterTuningJobConfig.Strategy = "Bayesian";
      r.HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs = 4;
      // Narrower: the parent's points outside 1e-4..1e-2 are left out.
      r.HyperParameterTuningJobConfig.ParameterRanges.ContinuousParameterRanges[0].MinValue = "0.0001";
      r.HyperParameterTuningJobConfig.ParameterRanges.ContinuousParameterRanges[0].MaxValue = "0.01";
      r.WarmStartConfig = {
        ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: "parent-a" }],
        WarmStartType: "TransferLearning",
      };
    });
    await runTuningJob({
      store,
      job: parseTuningJobRequest(child),
      executor,
      suggest: (r) => {
        // One entry per trial the request suggests for.
        for (let i = 0; i < (r.count ?? 1); i++) seen.push(r.history.filter((h) => h.index < 0).length);
        return suggestInProcess(r);
      },
    });
    const inside = (await store.listTrainingJobs({ tuningJobName: "parent-a" })).filter(
      (j) => (j.hyperparameters.lr as number) >= 1e-4 && (j.hyperparameters.lr as number) <= 1e-2,
    ).length;
    expect(inside).toBeGreaterThan(0);
    expect(inside).toBeLessThan(20);
    expect(seen).toEqual([inside, inside, inside, inside]);
  });

  it("reports the best of the job and its parents as OverallBestTrainingJob with IdenticalDataAndAlgorithm", async () => {
    const store = new MemoryStore();
    await tune(store, request("parent-b"));
    const child = request("identical", (r) => {
      r.HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs = 3;
      r.WarmStartConfig = {
        ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: "parent-b" }],
        WarmStartType: "IdenticalDataAndAlgorithm",
      };
    });
    const { record } = await tune(store, child);
    const view = await describeTuningJob(store, record);
    const all = [
      ...(await store.listTrainingJobs({ tuningJobName: "parent-b" })),
      ...(await store.listTrainingJobs({ tuningJobName: "identical" })),
    ];
    const best = Math.min(...all.map((j) => j.objectiveValue as number));
    expect(view.OverallBestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric?.Value).toBe(best);
    expect(view.BestTrainingJob?.TrainingJobName).toMatch(/^identical-/);
  });

  it("refuses a parent that does not exist or has not ended, before creating anything", async () => {
    const store = new MemoryStore();
    const child = request("orphan", (r) => {
      r.WarmStartConfig = {
        ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: "nobody" }],
        WarmStartType: "IdenticalDataAndAlgorithm",
      };
    });
    const error = await tune(store, child).catch((e: TunekitError) => e);
    expect(error).toMatchObject({
      field: "WarmStartConfig.ParentHyperParameterTuningJobs[0].HyperParameterTuningJobName",
    });
    expect((error as Error).message).toMatch(/no tuning job is named nobody/);
    expect(await store.listTuningJobs()).toEqual([]);

    await store.createTuningJob({ name: "busy", kind: "tuning-job", config: request("busy"), seed: 1, now: 0 });
    child.WarmStartConfig.ParentHyperParameterTuningJobs[0].HyperParameterTuningJobName = "busy";
    await expect(tune(store, child)).rejects.toThrow(/busy is InProgress; a parent must have ended/);
    expect(await store.getTuningJob("orphan")).toBeUndefined();
  });
});
