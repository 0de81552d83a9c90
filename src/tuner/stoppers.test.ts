import { describe, expect, it } from "vitest";
import { checkCompletion } from "./completion.js";
import { HyperbandRungs } from "./hyperband-rungs.js";
import { MedianRule } from "./median-rule.js";

describe("MedianRule", () => {
  const rule = new MedianRule();
  const others = [
    [1, 1],
    [2, 2],
    [3, 3],
    [4, 4],
    [5, 5],
  ];

  it("does nothing with fewer than five other jobs at the epoch", () => {
    expect(rule.decide([100], 1, others.slice(0, 4))).toBeUndefined();
    // Five others, but only four reached epoch 2.
    expect(rule.decide([100, 100], 2, [...others.slice(0, 4), [1]])).toBeUndefined();
  });

  it("stops a job strictly worse than the median of the others' running averages, not one equal to it", () => {
    expect(rule.decide([3.0001], 1, others)?.reason).toBe("early-stopping");
    expect(rule.decide([3], 1, others)).toBeUndefined();
    expect(rule.decide([2.9], 1, others)).toBeUndefined();
  });

  it("compares with running averages up to the epoch, not the others' latest values", () => {
    // Running averages at epoch 2: 5, 5, 5, 5, 5 (first 10 then 0): latest values (0) would stop a 1.
    const falling = Array.from({ length: 5 }, () => [10, 0]);
    expect(rule.decide([9, 1], 2, falling)).toBeUndefined();
    expect(rule.decide([9, 6], 2, falling)?.detail).toMatch(/epoch 2/);
  });
});

describe("HyperbandRungs", () => {
  it("puts rungs at MinResource·3^k below MaxResource", () => {
    expect(new HyperbandRungs(1, 27).rungs).toEqual([1, 3, 9]);
    expect(new HyperbandRungs(2, 20).rungs).toEqual([2, 6, 18]);
    expect(new HyperbandRungs(5, 5).rungs).toEqual([]);
  });

  it("keeps the best third of the jobs at a rung (at least one) and stops the rest", () => {
    const h = new HyperbandRungs(1, 27);
    expect(h.decide([5], 1, [])).toBeUndefined(); // alone at the rung: the best
    expect(h.decide([5], 1, [[4]])?.reason).toBe("hyperband-rung");
    expect(h.decide([3], 1, [[4]])).toBeUndefined();
    // Six at the rung: the best two continue.
    const five = [[1], [2], [3], [4], [5]];
    expect(h.decide([1.5], 1, five)).toBeUndefined();
    expect(h.decide([2.5], 1, five)?.reason).toBe("hyperband-rung");
  });

  it("spreads trials over Hyperband's brackets with its weights, reproducibly from the seed", () => {
    const h = new HyperbandRungs(1, 27);
    expect(h.bracketRungs).toEqual([[1, 3, 9], [3, 9], [9], []]);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4900; i++) counts[h.group(i, 7)] = (counts[h.group(i, 7)] as number) + 1;
    // Weights 27, 12, 6, 4 (of 49): most jobs in the most aggressive bracket, a few never judged.
    expect(counts.map((c) => Math.round((c / 4900) * 49))).toEqual([27, 12, 6, 4]);
    expect(h.group(5, 7)).toBe(h.group(5, 7));
    // Where a trial will be judged: its bracket's rungs.
    for (let i = 0; i < 20; i++) expect(h.judgedAt(i, 7)).toEqual(h.bracketRungs[h.group(i, 7)]);
    // A job of bracket 1 is not judged at epoch 1, and one of the last bracket only at MaxResource.
    expect(h.decide([9], 1, [[1]], 1)).toBeUndefined();
    expect(h.decide([9, 9, 9], 3, [[1, 1, 1]], 1)?.reason).toBe("hyperband-rung");
    expect(h.decide(new Array(9).fill(9), 9, [new Array(9).fill(1)], 3)).toBeUndefined();
    // ASHA: one bracket.
    expect(new HyperbandRungs(1, 27, 3, 1).bracketRungs).toEqual([[1, 3, 9]]);
  });

  it("decides only at rungs, and stops every job at MaxResource", () => {
    const h = new HyperbandRungs(1, 9);
    expect(h.decide([9, 9], 2, [[1, 1]])).toBeUndefined();
    expect(h.decide(new Array(9).fill(0), 9, [])?.reason).toBe("hyperband-max-resource");
  });
});

describe("checkCompletion", () => {
  const min = (v: number) => v;
  const max = (v: number) => -v;

  it("completes once the target is reached, in the objective's direction", () => {
    expect(checkCompletion([5, 3], { target: 3, convergence: false }, 30, min).reason).toMatch(/Target/);
    expect(checkCompletion([5, 3.1], { target: 3, convergence: false }, 30, min).reason).toBeUndefined();
    expect(checkCompletion([0.8, 0.91].map(max), { target: 0.9, convergence: false }, 30, max).reason).toMatch(
      /Target/,
    );
  });

  it("counts jobs that did not improve the best by more than 1% of max(|best|, 1e-12)", () => {
    // 100 → 99.5 is 0.5%: not an improvement; 100 → 98 is.
    expect(checkCompletion([100, 99.5, 99.2], { convergence: false }, 30, min).notImproving).toBe(2);
    expect(checkCompletion([100, 99.5, 98], { convergence: false }, 30, min).notImproving).toBe(0);
    expect(checkCompletion([100, 101, 102, 99.9], { notImproving: 3, convergence: false }, 30, min).reason).toMatch(
      /did not improve for 3 jobs/,
    );
    // Around zero the scale is 1e-12, so any real gain counts.
    expect(checkCompletion([0, -1e-9], { convergence: false }, 30, min).notImproving).toBe(0);
  });

  it("detects convergence when recent results keep landing at the best without moving it", () => {
    const converging = [10, 8, 5, 3, 2, 1, 1.005, 1.002, 1.009, 1.001, 1.004];
    expect(checkCompletion(converging, { convergence: true }, 30, min).reason).toBe("convergence detected");
    // Still improving by more than 0.1% within the window: not converged.
    const improving = [10, 8, 5, 3, 2, 1.5, 1.4, 1.3, 1.2, 1.1, 1.0];
    expect(checkCompletion(improving, { convergence: true }, 30, min).converged).toBe(false);
    // Random search scatter: results far from the best.
    const scattered = [1, 5, 3, 8, 2, 6, 4, 9, 7, 5, 6];
    expect(checkCompletion(scattered, { convergence: true }, 30, min).converged).toBe(false);
    // Too few results.
    expect(checkCompletion(converging.slice(0, 9), { convergence: true }, 30, min).converged).toBe(false);
  });
});
