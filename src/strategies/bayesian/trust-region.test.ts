import { describe, expect, it } from "vitest";
import { createOptimizer } from "../../optimizer/index.js";
import { ContinuousParameter } from "../../space/index.js";
import type { KernelFit } from "./gp/regressor.js";
import { REPLICATE_STEP, replicateOf, replicateVerdict } from "./replicate.js";
import { minimumRegionLength, REGION_MIN, REGION_START, regionLength, trustRegion } from "./trust-region.js";

const kernelWith = (lengthScales: number[]): KernelFit => ({
  logLambda: lengthScales.map((l) => -2 * Math.log(l)),
  logScale: 0,
  logNoise: Math.log(1e-6),
});

describe("trust region", () => {
  it("doubles after 3 improvements in a row and halves after max(4, d) failures in a row", () => {
    // Two design values, then 3 improvements: 0.8 -> 1.6.
    expect(regionLength([1, 2, 3, 4, 5], 2, 2)).toBeCloseTo(2 * REGION_START, 12);
    // Then 4 failures (d = 2): back to 0.8; 4 more: 0.4.
    expect(regionLength([1, 2, 3, 4, 5, 0, 0, 0, 0], 2, 2)).toBeCloseTo(REGION_START, 12);
    expect(regionLength([1, 2, 3, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0], 2, 2)).toBeCloseTo(REGION_START / 2, 12);
    // In 6 dimensions 6 failures make one halving.
    expect(regionLength([1, 2, 0, 0, 0, 0, 0], 2, 6)).toBeCloseTo(REGION_START, 12);
    expect(regionLength([1, 2, 0, 0, 0, 0, 0, 0], 2, 6)).toBeCloseTo(REGION_START / 2, 12);
  });

  it("starts again when it falls below its minimum", () => {
    const failures = new Array<number>(4 * 7).fill(0);
    // 7 halvings from 0.8 reach 0.8 / 128 < 2^-7: restarted at 0.8.
    expect(regionLength([1, ...failures], 1, 2)).toBeCloseTo(REGION_START, 12);
    expect(regionLength([1, ...failures.slice(4)], 1, 2)).toBeCloseTo(REGION_START / 64, 12);
    expect(regionLength([1, ...failures.slice(4)], 1, 2, REGION_START / 32)).toBeCloseTo(REGION_START, 12);
  });

  it("is a box around the centre, wider along longer length scales, clipped to the unit cube", () => {
    const box = trustRegion(Float64Array.of(0.5, 0.95), 0.2, kernelWith([0.4, 0.1]), [true, true]);
    // Side 0.2 times length scale over the geometric mean (0.2): 0.4 and 0.1.
    expect(box.lower[0]).toBeCloseTo(0.3, 12);
    expect(box.upper[0]).toBeCloseTo(0.7, 12);
    expect(box.lower[1]).toBeCloseTo(0.9, 12);
    expect(box.upper[1]).toBe(1);
    const categorical = trustRegion(Float64Array.of(0.5, 2), 0.2, kernelWith([0.4, 0.1]), [true, false]);
    expect(categorical.upper[1]).toBe(Number.POSITIVE_INFINITY);
  });

  it("stops a noisy objective's box at a few near-repeat resolutions", () => {
    expect(minimumRegionLength(kernelWith([0.3, 0.3]), [1e-6, 1e-6], [true, true])).toBe(REGION_MIN);
    // Resolution 0.05 along the first dimension: its half-width must stay above 2 resolutions.
    const minimum = minimumRegionLength(kernelWith([0.3, 0.3]), [0.05, 0.01], [true, true]);
    expect(minimum).toBeCloseTo(0.2, 12);
  });
});

describe("replicates", () => {
  const a = Float64Array.of(0.3, 0.7);
  const b = replicateOf(a, [true, true]);

  it("sit a hair from the original, inwards, on continuous dimensions only", () => {
    expect(b[0]).toBeCloseTo(0.3 + REPLICATE_STEP, 15);
    expect(b[1]).toBeCloseTo(0.7 - REPLICATE_STEP, 15);
    expect(replicateOf(a, [true, false])[1]).toBe(0.7);
  });

  it("say deterministic when they agree, quantised when they agree exactly, noisy when any pair differs, untested without one", () => {
    const far = Float64Array.of(0.9, 0.1);
    expect(replicateVerdict([a, far], [0, 1])).toBe("untested");
    expect(replicateVerdict([a, far, b], [0.5, 1, 0.50001])).toBe("deterministic");
    expect(replicateVerdict([a, far, b], [0.5, 1, 0.6])).toBe("noisy");
    // The very same value: flat at the replicate's scale (a score on a fixed evaluation set), not refinable.
    expect(replicateVerdict([a, far, b], [0.5, 1, 0.5])).toBe("quantised");
  });
});

/** A bowl under ripples too fine for the GP to resolve from a few dozen points: it fits them as noise. */
const rippled = (x: number) => (x - 0.6) ** 2 + 0.02 * Math.cos(120 * x);

describe("Bayesian search on a rugged deterministic objective", () => {
  it("runs one replicate, finds the ripples deterministic, refines inside the near-repeat resolution and finds the best ripple", async () => {
    const opt = await createOptimizer({
      strategy: "Bayesian",
      objective: "Minimize",
      seed: 1,
      ranges: { x: new ContinuousParameter(0, 1, "Linear") },
    });
    await opt.optimize((hp) => rippled(hp.x as number), { maxTrials: 40 });
    const xs = (await opt.trials()).map((t) => t.hyperparameters.x as number);
    await opt.close();
    const near = (tolerance: number) =>
      xs.filter((x, i) => xs.slice(0, i).some((y) => Math.abs(x - y) <= tolerance)).length;
    // A replicate is an earlier point moved by REPLICATE_STEP exactly; refinement may later come closer still.
    const replicates = xs.filter((x, i) =>
      xs.slice(0, i).some((y) => Math.abs(Math.abs(x - y) - REPLICATE_STEP) < 1e-12),
    ).length;
    expect(replicates).toBe(1);
    // The deepest ripple, by 0.0025 the best of its neighbours: -0.01999 at x = 23 pi / 120.
    expect(Math.min(...xs.map(rippled))).toBeLessThan(-0.0195);
    // The GP fits the ripples as noise, with a resolution of several percent of the range: before the replicate
    // told it otherwise, the search kept every job 1% from the others (none of 40 on this seed) and never
    // refined a ripple's minimum.
    expect(near(0.01)).toBeGreaterThan(10);
  });
});
