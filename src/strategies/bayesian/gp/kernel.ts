/**
 * The Matérn-5/2 kernel with automatic relevance determination (one length
 * scale per input dimension). Inputs live in the model space: numeric
 * coordinates in [0, 1], categorical dimensions as the index of the value.
 * Categorical dimensions contribute the Hamming distance (0 when equal, 1
 * otherwise) instead of a squared difference, so no order is imposed on
 * unordered values.
 *
 * Everything is written in terms of the scaled squared distance
 * r² = Σ_d λ_d·δ_d(x, x'), λ_d = 1 / ℓ_d², because the kernel's derivative
 * with respect to r² is finite at r = 0 (its derivative in r is not).
 */

const SQRT5 = Math.sqrt(5);

/** Which input dimensions are categorical (1) or numeric (0). */
export type CategoricalMask = Uint8Array;

/** The per-dimension distance term δ_d: squared difference, or Hamming for categorical dimensions. */
export function dimensionDistance(a: number, b: number, categorical: boolean): number {
  if (categorical) return a === b ? 0 : 1;
  const d = a - b;
  return d * d;
}

/** r² between two points given the inverse squared length scales λ. */
export function scaledSquaredDistance(
  a: ArrayLike<number>,
  aOffset: number,
  b: ArrayLike<number>,
  bOffset: number,
  lambda: ArrayLike<number>,
  categorical: CategoricalMask,
): number {
  let r2 = 0;
  for (let d = 0; d < lambda.length; d++) {
    r2 +=
      (lambda[d] as number) *
      dimensionDistance(a[aOffset + d] as number, b[bOffset + d] as number, categorical[d] === 1);
  }
  return r2;
}

/** Matérn-5/2 correlation at scaled squared distance r²: (1 + √5·r + 5r²/3)·exp(−√5·r). */
export function matern52(r2: number): number {
  const s = SQRT5 * Math.sqrt(r2);
  return (1 + s + (5 / 3) * r2) * Math.exp(-s);
}

/** d matern52 / d r² = −(5/6)(1 + √5·r)·exp(−√5·r). */
export function matern52DerivativeR2(r2: number): number {
  const s = SQRT5 * Math.sqrt(r2);
  return (-5 / 6) * (1 + s) * Math.exp(-s);
}
