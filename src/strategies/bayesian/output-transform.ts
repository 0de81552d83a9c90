/**
 * Maps observed objective values to the outputs the GP models: oriented so
 * that larger is better, warped with a Yeo-Johnson power transform whose
 * exponent maximises the Gaussian likelihood of the result (so a heavy tail
 * of very bad values, as on Rosenbrock, is compressed instead of flattening
 * everything near the optimum), then standardised to mean 0 and variance 1.
 */

/** Yeo-Johnson transform of one value (Yeo & Johnson, 2000). */
export function yeoJohnson(x: number, lambda: number): number {
  if (x >= 0) return Math.abs(lambda) < 1e-8 ? Math.log1p(x) : ((1 + x) ** lambda - 1) / lambda;
  const mu = 2 - lambda;
  return Math.abs(mu) < 1e-8 ? -Math.log1p(-x) : -((1 - x) ** mu - 1) / mu;
}

function meanAndStd(values: ArrayLike<number>): { mean: number; std: number } {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i] as number;
  mean /= values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += ((values[i] as number) - mean) ** 2;
  const std = Math.sqrt(ss / values.length);
  return { mean, std: std > 1e-12 * Math.max(1, Math.abs(mean)) ? std : 1 };
}

/** Mean 0 and variance 1; values are first divided by their largest magnitude so sums of squares cannot overflow. */
function standardise(values: ArrayLike<number>): Float64Array {
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i] as number));
  const unit = largest > 0 ? Float64Array.from(values, (v) => v / largest) : Float64Array.from(values);
  const { mean, std } = meanAndStd(unit);
  return unit.map((v) => (v - mean) / std);
}

/** Profile log-likelihood of λ: a Gaussian fit to the transformed values plus the transform's Jacobian. */
function profileLogLikelihood(x: Float64Array, lambda: number): number {
  const transformed = Float64Array.from(x, (v) => yeoJohnson(v, lambda));
  const { std } = meanAndStd(transformed);
  let jacobian = 0;
  for (const v of x) jacobian += Math.sign(v) * Math.log1p(Math.abs(v));
  return -x.length * Math.log(std) + (lambda - 1) * jacobian;
}

const LAMBDA_RANGE = [-2, 4] as const;

/** The likelihood-maximising λ by golden-section search (the profile likelihood is unimodal in practice). */
export function fitYeoJohnson(x: Float64Array): number {
  const phi = (Math.sqrt(5) - 1) / 2;
  let [a, b] = LAMBDA_RANGE as readonly [number, number];
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = profileLogLikelihood(x, c);
  let fd = profileLogLikelihood(x, d);
  for (let i = 0; i < 40; i++) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = profileLogLikelihood(x, c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = profileLogLikelihood(x, d);
    }
  }
  return (a + b) / 2;
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The GP's outputs for `values` (larger is better after `sign`). Values are
 * centred on their median and scaled by their median absolute deviation, so a
 * few very bad values do not set the scale; the Yeo-Johnson warp then pulls
 * such a tail in, and the result is standardised. Every output is finite.
 */
export function transformOutputs(values: readonly number[], sign: 1 | -1): Float64Array {
  const oriented = standardise(values.map((v) => sign * v));
  if (oriented.length < 3) return oriented;
  const centre = median(oriented);
  const spread = median(oriented.map((v) => Math.abs(v - centre)));
  const robust = spread > 1e-12 ? oriented.map((v) => (v - centre) / spread) : oriented;
  const lambda = fitYeoJohnson(robust);
  return standardise(robust.map((v) => yeoJohnson(v, lambda)));
}
