import type { KernelFit } from "./gp/regressor.js";

/**
 * A trust region, as in TuRBO (Eriksson et al., 2019, "Scalable Global Optimization via Local Bayesian
 * Optimization"): the acquisition is maximised in a box around the best observed point, not over the whole
 * space. A GP fitted to a function with many local minima (Rastrigin, Ackley, Schwefel) is smooth where the
 * function is not, and its expected improvement is highest where its variance is, at the edges and corners of
 * the space: in development runs half the suggestions on 5-D Rastrigin after 40 trials went to corners. The box
 * keeps the search on the basin it has found, and its side follows the results: doubled after 3 improvements in
 * a row, halved after max(4, d) failures in a row, back to the start once it falls below its minimum. It is
 * replayed from the results in the order told, so the strategy stays a pure function of the history.
 */

/** A box in the model space: lower and upper bounds per dimension (unbounded on categorical ones). */
export interface Region {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/** The box's side at the start and after a restart, and its bounds, before scaling by the length scales. */
export const REGION_START = 0.8;
export const REGION_MIN = 2 ** -7;
const REGION_MAX = 1.6;
const SUCCESSES_TO_GROW = 3;
/** An improvement must beat the best by this fraction of its magnitude to count as one. */
const IMPROVEMENT = 1e-3;
/** The smallest box a noisy objective gets, in near-repeat resolutions on each side of its centre. */
const RESOLUTIONS = 2;

/** The box's side after the told values (to maximise, in trial order), the first `designSize` not counted. */
export function regionLength(values: readonly number[], designSize: number, d: number, minimum = REGION_MIN): number {
  const failuresToShrink = Math.max(4, d);
  let best = Number.NEGATIVE_INFINITY;
  let length = REGION_START;
  let successes = 0;
  let failures = 0;
  values.forEach((v, i) => {
    const improved = v > best + IMPROVEMENT * Math.abs(best);
    best = Math.max(best, v);
    if (i < designSize) return;
    successes = improved ? successes + 1 : 0;
    failures = improved ? 0 : failures + 1;
    if (successes >= SUCCESSES_TO_GROW) {
      length = Math.min(REGION_MAX, 2 * length);
      successes = 0;
    } else if (failures >= failuresToShrink) {
      length /= 2;
      failures = 0;
    }
    if (length < minimum) length = REGION_START;
  });
  return length;
}

/** Each dimension's share of the side: its length scale over the geometric mean of them all. */
function sideScales(fit: KernelFit): number[] {
  const logScales = fit.logLambda.map((l) => -l / 2);
  const logMean = logScales.reduce((a, v) => a + v, 0) / logScales.length;
  return logScales.map((v) => Math.exp(v - logMean));
}

/**
 * The smallest side worth searching on a noisy objective: below it some numeric dimension's half-width is under
 * RESOLUTIONS near-repeat resolutions (near-repeat.ts), where the model has nothing left to tell apart.
 */
export function minimumRegionLength(fit: KernelFit, resolution: readonly number[], numeric: readonly boolean[]) {
  const scales = sideScales(fit);
  let minimum = REGION_MIN;
  resolution.forEach((r, j) => {
    if (numeric[j]) minimum = Math.max(minimum, (2 * RESOLUTIONS * r) / (scales[j] as number));
  });
  return minimum;
}

/** The box of side `length` around `centre`, each side scaled by its length scale, within the unit cube. */
export function trustRegion(centre: Float64Array, length: number, fit: KernelFit, numeric: readonly boolean[]): Region {
  const scales = sideScales(fit);
  const lower = new Float64Array(centre.length);
  const upper = new Float64Array(centre.length);
  for (let j = 0; j < centre.length; j++) {
    const half = numeric[j] ? Math.min(1, (length * (scales[j] as number)) / 2) : Number.POSITIVE_INFINITY;
    lower[j] = Math.max(numeric[j] ? 0 : Number.NEGATIVE_INFINITY, (centre[j] as number) - half);
    upper[j] = Math.min(numeric[j] ? 1 : Number.POSITIVE_INFINITY, (centre[j] as number) + half);
  }
  return { lower, upper };
}
