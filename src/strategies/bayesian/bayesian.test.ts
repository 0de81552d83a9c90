import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createOptimizer } from "../../optimizer/index.js";
import { createRng } from "../../random.js";
import { CategoricalParameter, ContinuousParameter, IntegerParameter, SearchSpace } from "../../space/index.js";
import type { TrialView } from "../strategy.js";
import { runSuggestRequest, type SuggestRequest } from "../suggest-request.js";
import { SuggestionWorker } from "../suggestion-worker.js";
import { BayesianStrategy, initialDesignSize, PRIOR_MEAN_QUANTILE, quantile } from "./index.js";
import { transformOutputs, yeoJohnson } from "./output-transform.js";

const dir = mkdtempSync(join(tmpdir(), "tunekit-bayesian-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const branin = (x1: number, x2: number) =>
  (x2 - (5.1 / (4 * Math.PI ** 2)) * x1 ** 2 + (5 / Math.PI) * x1 - 6) ** 2 +
  10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) +
  10;
const braninRanges = () => ({
  x1: new ContinuousParameter(-5, 10, "Linear"),
  x2: new ContinuousParameter(0, 15, "Linear"),
});

async function minimiseBranin({
  trials,
  ...options
}: {
  seed: number;
  trials: number;
  storage?: string;
  name?: string;
}) {
  const opt = await createOptimizer({
    strategy: "Bayesian",
    ranges: braninRanges(),
    objective: "Minimize",
    ...options,
  });
  await opt.optimize((hp) => branin(hp.x1 as number, hp.x2 as number), { maxTrials: trials });
  const result = { best: (await opt.best())?.value as number, trials: await opt.trials() };
  await opt.close();
  return result;
}

describe("Bayesian strategy", () => {
  it("starts with a Sobol design whose size grows with the dimension", async () => {
    expect(initialDesignSize(1)).toBe(5);
    expect(initialDesignSize(4)).toBe(5);
    expect(initialDesignSize(6)).toBe(7);
    expect(initialDesignSize(20)).toBe(21);
  });

  it("puts the prior mean below most observed outputs, at one of them", async () => {
    const outputs = [0.9, -1.2, 0.1, 2.0, -0.4, 0.3, -2.5, 0.6, 1.1, -0.1];
    const prior = quantile(outputs, PRIOR_MEAN_QUANTILE);
    expect(outputs).toContain(prior);
    expect(outputs.filter((v) => v > prior).length / outputs.length).toBeGreaterThan(0.5);
    expect(quantile(outputs, 0)).toBe(-2.5);
    expect(quantile(outputs, 1)).toBe(2.0);
    expect(quantile([3], 0.35)).toBe(3);
  });

  it("finds Branin's minimum to within 1e-3 in 40 trials on most seeds", async () => {
    const regrets: number[] = [];
    for (let seed = 1; seed <= 5; seed++) {
      const { best } = await minimiseBranin({ seed, trials: 40 });
      regrets.push(best - 0.397887357729738);
    }
    // One seed is luck; the median of five is the strategy.
    expect(regrets.filter((r) => r < 1e-3).length).toBeGreaterThanOrEqual(3);
  });

  it("suggests the same sequence for the same seed and told values, also after a restart from the store", async () => {
    const uninterrupted = await minimiseBranin({ seed: 7, trials: 20 });
    const storage = join(dir, "restart.db");
    await minimiseBranin({ seed: 7, trials: 12, storage, name: "restart" });
    const resumed = await minimiseBranin({ seed: 7, trials: 20, storage, name: "restart" });
    expect(resumed.trials.map((t) => t.hyperparameters)).toEqual(uninterrupted.trials.map((t) => t.hyperparameters));
  });

  it("stores the kernel fit with each model-based trial, so the next fit warm-starts from it", async () => {
    const storage = join(dir, "state.db");
    await minimiseBranin({ seed: 3, trials: 10, storage, name: "state" });
    const { SqliteStore } = await import("../../store/index.js");
    const store = new SqliteStore(storage);
    const jobs = await store.listTrainingJobs({ tuningJobName: "state" });
    await store.close();
    expect(jobs.slice(0, initialDesignSize(2)).every((j) => j.strategyState === null)).toBe(true);
    const state = jobs[9]?.strategyState as { kernel: { logLambda: number[]; logScale: number; logNoise: number } };
    expect(state.kernel.logLambda).toHaveLength(2);
    expect(Number.isFinite(state.kernel.logScale) && Number.isFinite(state.kernel.logNoise)).toBe(true);
  });

  it("spreads three asks made in a row over distinct, separated points", async () => {
    const opt = await createOptimizer({ strategy: "Bayesian", ranges: braninRanges(), objective: "Minimize", seed: 5 });
    await opt.optimize((hp) => branin(hp.x1 as number, hp.x2 as number), { maxTrials: 15 });
    const asked = [await opt.ask(), await opt.ask(), await opt.ask()].map((t) => [
      ((t.hyperparameters.x1 as number) + 5) / 15,
      (t.hyperparameters.x2 as number) / 15,
    ]);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < i; j++) {
        const [a, b] = [asked[i] as number[], asked[j] as number[]];
        expect(Math.hypot((a[0] as number) - (b[0] as number), (a[1] as number) - (b[1] as number))).toBeGreaterThan(
          1e-3,
        );
      }
    }
    await opt.close();
  });

  it("never repeats an integer configuration and reports a finite space exhausted", async () => {
    const opt = await createOptimizer({
      strategy: "Bayesian",
      ranges: { a: new IntegerParameter(1, 4), b: new IntegerParameter(0, 2) },
      objective: "Maximize",
      seed: 2,
    });
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const t = await opt.ask();
      const key = JSON.stringify(t.hyperparameters);
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      await opt.tell(t.id, -(((t.hyperparameters.a as number) - 3) ** 2) - (t.hyperparameters.b as number));
    }
    await expect(opt.ask()).rejects.toMatchObject({ code: "E_SEARCH_EXHAUSTED" });
    await opt.close();
  });

  it("learns which categorical value is best instead of treating indices as distances", async () => {
    // The best value is in the middle of the list: a rounded continuous encoding would smear it into its neighbours.
    const cost: Record<string, number> = { a: 3, b: 2.5, c: 0, d: 2.5, e: 3 };
    const opt = await createOptimizer({
      strategy: "Bayesian",
      ranges: { kind: new CategoricalParameter(["a", "b", "c", "d", "e"]), x: new ContinuousParameter(0, 1, "Linear") },
      objective: "Minimize",
      seed: 4,
    });
    await opt.optimize((hp) => (cost[hp.kind as string] as number) + ((hp.x as number) - 0.3) ** 2, { maxTrials: 30 });
    const late = (await opt.trials()).slice(20);
    expect(late.filter((t) => t.hyperparameters.kind === "c").length).toBeGreaterThanOrEqual(6);
    expect((await opt.best())?.value).toBeLessThan(0.01);
    await opt.close();
  });

  it("learns to avoid a region where trials fail, and keeps going", async () => {
    const opt = await createOptimizer({
      strategy: "Bayesian",
      ranges: { x: new ContinuousParameter(0, 1, "Linear"), y: new ContinuousParameter(0, 1, "Linear") },
      objective: "Minimize",
      seed: 8,
    });
    await opt.optimize(
      (hp) => {
        if ((hp.x as number) > 0.6) throw new Error("diverged");
        return ((hp.x as number) - 0.5) ** 2 + ((hp.y as number) - 0.5) ** 2;
      },
      { maxTrials: 40 },
    );
    const modelled = (await opt.trials()).slice(initialDesignSize(2));
    const failures = modelled.filter((t) => t.state === "Failed").length;
    expect(failures).toBeLessThan(modelled.length / 4);
    expect((await opt.best())?.value).toBeLessThan(1e-3);
    await opt.close();
  });

  it("returns finite suggestions for extreme and constant objective values", async () => {
    const space = new SearchSpace({ x: new ContinuousParameter(0, 1, "Linear") });
    const strategy = new BayesianStrategy();
    for (const values of [
      [1e300, -1e300, 5e299, -2e299, 1e300, 0],
      [4, 4, 4, 4, 4, 4],
      [1e-300, 2e-300, 0, 1e-300, 3e-300, 0],
    ]) {
      const history: TrialView[] = values.map((value, i) => ({
        index: i,
        hyperparameters: { x: (i + 0.5) / values.length },
        state: "Completed",
        value,
      }));
      const s = strategy.suggest({
        space,
        objective: "Minimize",
        history,
        pending: [],
        trialIndex: 6,
        seed: 1,
        rng: createRng(1, "trial", 6),
      });
      expect(s).not.toBe("exhausted");
      if (s !== "exhausted") expect(Number.isFinite(s.hyperparameters.x as number)).toBe(true);
    }
  });
});

describe("output transform", () => {
  it("is the identity-like power transform at λ = 1 and a log at λ = 0", async () => {
    expect(yeoJohnson(2, 1)).toBeCloseTo(2, 12);
    expect(yeoJohnson(-2, 1)).toBeCloseTo(-2, 12);
    expect(yeoJohnson(Math.E - 1, 0)).toBeCloseTo(1, 12);
  });

  it("standardises, keeps the order, and compresses a heavy tail of bad values", async () => {
    const values = [0.1, 0.2, 0.3, 0.5, 1, 3, 10, 100, 1000, 10000];
    const out = transformOutputs(values, -1);
    const mean = out.reduce((a, b) => a + b, 0) / out.length;
    const variance = out.reduce((a, b) => a + (b - mean) ** 2, 0) / out.length;
    expect(mean).toBeCloseTo(0, 9);
    expect(variance).toBeCloseTo(1, 9);
    for (let i = 1; i < out.length; i++) expect(out[i] as number).toBeLessThan(out[i - 1] as number);
    // The best values stay distinguishable: standardisation alone would squeeze 0.1..1 into 1e-4 of the range.
    expect((out[0] as number) - (out[4] as number)).toBeGreaterThan(0.1);
  });
});

describe("suggestions in a worker thread", () => {
  const space = new SearchSpace({
    lr: new ContinuousParameter(1e-5, 1e-1, "Logarithmic"),
    layers: new IntegerParameter(1, 8),
    act: new CategoricalParameter(["relu", "tanh", "gelu"]),
  });

  function request(n: number): SuggestRequest {
    const rng = createRng(3, "history");
    const history: TrialView[] = Array.from({ length: n }, (_, i) => {
      const hyperparameters = space.decode([rng.next(), rng.next(), rng.next()]);
      return { index: i, hyperparameters, state: "Completed", value: Math.log10(hyperparameters.lr as number) ** 2 };
    });
    return {
      strategy: "Bayesian",
      ranges: space.specs(),
      objective: "Minimize",
      history,
      pending: [],
      trialIndex: n,
      seed: 3,
    };
  }

  it("gives exactly the main thread's suggestion, and leaves the event loop free meanwhile", async () => {
    const worker = new SuggestionWorker();
    try {
      const large = request(400);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const fromWorker = await worker.suggest(large);
      clearInterval(timer);
      expect(ticks).toBeGreaterThan(2);
      expect(fromWorker).toEqual(runSuggestRequest(new BayesianStrategy(), large));
    } finally {
      await worker.close();
    }
  });

  it("reports a strategy's error as a typed error", async () => {
    const worker = new SuggestionWorker();
    try {
      await expect(worker.suggest({ ...request(3), strategy: "Nope" as "Random" })).rejects.toMatchObject({
        code: "E_UNKNOWN_STRATEGY",
      });
    } finally {
      await worker.close();
    }
  });
});
