import { describe, expect, it } from "vitest";
import { MRPC_LR_RANGE, mrpcObservedF1, nearRepeats } from "../../../bench/mrpc-curve.js";
import { createOptimizer } from "../../optimizer/index.js";
import { createRng } from "../../random.js";
import { ContinuousParameter } from "../../space/index.js";
import { maximizeAcquisition } from "./gp/acquisition-optimizer.js";
import { matern52 } from "./gp/kernel.js";
import type { KernelFit } from "./gp/regressor.js";
import { indistinguishableRadius2, nearRepeatSpacing, noiseToSignal, resolutionPerDimension } from "./near-repeat.js";

/** A 1-D fit with the given length scale and noise standard deviation as a fraction of the signal's. */
const fit1d = (lengthScale: number, noiseSd: number): KernelFit => ({
  logLambda: [-2 * Math.log(lengthScale)],
  logScale: 0,
  logNoise: Math.log(noiseSd * noiseSd),
});

describe("near-repeat resolution", () => {
  it("is where the kernel's correlation has fallen by the noise-to-signal ratio", () => {
    const fit = fit1d(0.3, 0.05);
    const r2 = indistinguishableRadius2(fit);
    expect(1 - matern52(r2)).toBeCloseTo(noiseToSignal(fit), 9);
    // Noise 5% of the signal and a length scale of 0.3: about 1.6% of the range.
    expect(resolutionPerDimension(fit)[0]).toBeGreaterThan(0.014);
    expect(resolutionPerDimension(fit)[0]).toBeLessThan(0.018);
  });

  it("shrinks to nothing on a deterministic objective, so refinement goes on", () => {
    const deterministic: KernelFit = { logLambda: [Math.log(10), Math.log(100)], logScale: 0, logNoise: -20 };
    const [a, b] = resolutionPerDimension(deterministic) as [number, number];
    expect(a).toBeLessThan(1e-4);
    expect(b).toBeLessThan(a); // a shorter length scale resolves finer
  });

  it("keeps nothing apart when the noise is as large as the signal", () => {
    const fit = fit1d(0.3, 1.5);
    expect(indistinguishableRadius2(fit)).toBe(Number.POSITIVE_INFINITY);
    expect(nearRepeatSpacing(fit, [Float64Array.of(0.5)], () => 0)).toBeUndefined();
  });

  it("chooses the best candidate at the widest spacing any candidate keeps", () => {
    // log EI peaks at 0.5, where an observation already is; the minimum spacing is 0.1 on this (unscaled) line.
    const observed = Float64Array.of(0.5);
    const problem = (minimum: number) => ({
      acquisition: { evaluate: (p: Float64Array) => -Math.abs((p[0] as number) - 0.5) },
      dimensions: [{ kind: "continuous" as const }],
      anchors: [observed],
      isExcluded: () => false,
      spacing: { minimum, gap: (p: Float64Array) => ((p[0] as number) - 0.5) ** 2 },
      rng: createRng(1, "spacing"),
    });
    const options = { candidates: 400, refinements: 3, maxIterations: 20 };
    const spaced = maximizeAcquisition(problem(0.01), options);
    expect(Math.abs((spaced?.point[0] as number) - 0.5)).toBeGreaterThanOrEqual(0.1);
    expect(Math.abs((spaced?.point[0] as number) - 0.5)).toBeLessThan(0.12);
    // Spacing wider than the whole line: the best point at a quarter of it, then a sixteenth, ...
    const crowded = maximizeAcquisition(problem(4), options);
    expect(Math.abs((crowded?.point[0] as number) - 0.5)).toBeGreaterThanOrEqual(0.25);
    expect(Math.abs((crowded?.point[0] as number) - 0.5)).toBeLessThan(0.5);
  });
});

/** Tunes the learning rate of the MRPC-shaped objective as the seed's tuning job does (30 jobs, `width` at a time). */
async function tuneMrpcShaped(seed: number, width: number): Promise<number[]> {
  const opt = await createOptimizer({
    strategy: "Bayesian",
    objective: "Maximize",
    seed,
    ranges: { learning_rate: new ContinuousParameter(MRPC_LR_RANGE.min, MRPC_LR_RANGE.max, "Logarithmic") },
  });
  const noise = createRng(seed, "mrpc-noise");
  const pending: { id: number; learningRate: number }[] = [];
  const run: number[] = [];
  const tellOldest = async () => {
    const trial = pending.shift() as { id: number; learningRate: number };
    run.push(trial.learningRate);
    await opt.tell(trial.id, mrpcObservedF1(trial.learningRate, noise));
  };
  for (let i = 0; i < 30; i++) {
    const trial = await opt.ask();
    pending.push({ id: trial.id, learningRate: trial.hyperparameters.learning_rate as number });
    if (pending.length >= width) await tellOldest();
  }
  while (pending.length > 0) await tellOldest();
  await opt.close();
  return run;
}

describe("Bayesian search on a noisy objective", () => {
  it("runs at most 3 of 30 jobs within 1% of the search scale of an earlier one (MRPC-shaped learning rate)", async () => {
    for (const [seed, width] of [
      [1, 1],
      [2, 1],
      [3, 3],
      [4, 3],
    ] as const) {
      const learningRates = await tuneMrpcShaped(seed, width);
      expect(learningRates).toHaveLength(30);
      expect(nearRepeats(learningRates, 0.01), `seed ${seed}, ${width} at a time`).toBeLessThanOrEqual(3);
      // ... and still finds the top of the range, where the best learning rates are.
      expect(Math.max(...learningRates)).toBeGreaterThan(4e-4);
    }
  });
});

describe("Bayesian search on a deterministic objective", () => {
  it("still refines to the optimum in steps far finer than 1% of the range", async () => {
    const optimum = 0.731234;
    const opt = await createOptimizer({
      strategy: "Bayesian",
      objective: "Minimize",
      seed: 3,
      ranges: { x: new ContinuousParameter(0, 1, "Linear") },
    });
    await opt.optimize((hp) => ((hp.x as number) - optimum) ** 2 + 0.1 * Math.sin(9 * (hp.x as number)), {
      maxTrials: 25,
    });
    const trials = await opt.trials();
    const best = await opt.best();
    await opt.close();
    // The minimum of (x − 0.731234)² + 0.1·sin(9x) on [0, 1], found by a fine grid.
    let argmin = 0;
    for (let k = 0; k <= 1e6; k++) {
      const x = k / 1e6;
      if ((x - optimum) ** 2 + 0.1 * Math.sin(9 * x) < (argmin - optimum) ** 2 + 0.1 * Math.sin(9 * argmin)) argmin = x;
    }
    expect(Math.abs((best?.hyperparameters.x as number) - argmin)).toBeLessThan(1e-4);
    const xs = trials.map((t) => t.hyperparameters.x as number);
    expect(xs.filter((x, i) => xs.slice(0, i).some((y) => Math.abs(x - y) < 0.01)).length).toBeGreaterThan(3);
  });
});
