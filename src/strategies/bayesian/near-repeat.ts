import { matern52 } from "./gp/kernel.js";
import { type KernelFit, MIN_NOISE } from "./gp/regressor.js";

/**
 * Near-repeats on noisy objectives. A suggestion is worth a job only if its result can tell the model something
 * an existing observation has not: where the objective is noisy, two points so close that the function can
 * differ between them by less than the noise does between two runs of one point are the same experiment, and a
 * job there spends the budget on another draw of the noise (and gives it another chance to crown a lucky one).
 * Where the objective is nearly deterministic, the same closeness is what refinement to many digits needs.
 *
 * The fitted kernel tells the two apart. Under the GP prior, f(x) − f(x') has variance 2s²(1 − k(r)) for signal
 * variance s² and correlation k(r) at scaled distance r; two observations of one point differ by noise of
 * variance 2σ². A point is a near-repeat of an observed one when 1 − k(r) < σ²/s²: the model expects the
 * function to change less between them than the noise. For Matérn-5/2, 1 − k(r) ≈ (5/6)r² near 0, so along
 * dimension j alone the resolution is √(1.2·σ²/s² / λ_j) on the unit cube (the range's own scale): a 1-D
 * objective with noise 5% of its signal's standard deviation and a length scale of 0.3 gets a resolution of
 * 0.016, while a deterministic one (σ²/s² near the fit's floor of 1e-9) gets 1e-5 and keeps refining.
 */

/** The fitted noise variance over the signal variance (σ²/s²). */
export function noiseToSignal(fit: KernelFit): number {
  return (MIN_NOISE + Math.exp(fit.logNoise)) / Math.exp(fit.logScale);
}

/**
 * The scaled squared distance r² below which a point cannot be told apart from an observation: where
 * 1 − k(r) = σ²/s², solved by bisection on the kernel's own correlation (monotone in r²). Infinite when the noise
 * is at least the signal: then no two points can be told apart by one job each, and the caller keeps what EI
 * chooses rather than excluding everything.
 */
export function indistinguishableRadius2(fit: KernelFit): number {
  const ratio = noiseToSignal(fit);
  if (ratio >= 1) return Number.POSITIVE_INFINITY;
  let lo = 0;
  let hi = 1;
  while (1 - matern52(hi) < ratio) hi *= 2;
  for (let i = 0; i < 60; i++) {
    const mid = 0.5 * (lo + hi);
    if (1 - matern52(mid) < ratio) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The resolution along each dimension alone, on the unit cube (the search scale): √(r²/λ_j). */
export function resolutionPerDimension(fit: KernelFit): number[] {
  const r2 = indistinguishableRadius2(fit);
  return fit.logLambda.map((logLambda) => Math.sqrt(r2 / Math.exp(logLambda)));
}

/**
 * The spacing suggestions keep from `earlier` points (observed or pending) under `fit`: the smallest scaled
 * squared distance to any of them, and the distance below which the model cannot tell two points apart.
 * Undefined when nothing would be kept apart (r² of 0) or everything would (noise above signal).
 */
export function nearRepeatSpacing(
  fit: KernelFit,
  earlier: readonly Float64Array[],
  distance: (a: Float64Array, b: Float64Array) => number,
): { gap: (point: Float64Array) => number; minimum: number } | undefined {
  const minimum = indistinguishableRadius2(fit);
  if (!(minimum > 0) || !Number.isFinite(minimum)) return undefined;
  return {
    minimum,
    gap: (point) => {
      let gap = Number.POSITIVE_INFINITY;
      for (const q of earlier) gap = Math.min(gap, distance(point, q));
      return gap;
    },
  };
}
