/**
 * Log expected improvement (Ament et al., 2023, "Unexpected Improvements to
 * Expected Improvement"): EI = σ·h(z), z = (μ − best)/σ, h(z) = φ(z) + z·Φ(z),
 * computed in log space so that it stays finite and informative when the
 * improvement is tiny (z ≪ 0), where plain EI underflows to a flat zero and
 * gives the optimiser nothing to climb.
 *
 * We maximise: the strategy negates objectives that are minimised.
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
/** Below this z, h(z) is computed through the Mills ratio instead of φ + zΦ (which cancels). */
const MILLS_SWITCH = -5;
/** Below this z, 1 − x·R(x) is taken from its asymptotic series (the continued fraction cancels too). */
const SERIES_SWITCH = -30;

/**
 * Complementary error function, to a relative accuracy of about 1.2e-7 for
 * every argument (Chebyshev fit from Numerical Recipes, 2nd ed., §6.2).
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal cumulative distribution. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

export function normalLogPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** Mills ratio R(x) = Φ(−x)/φ(x) for x ≥ 5, by Laplace's continued fraction. */
function millsRatio(x: number): number {
  let t = x;
  for (let k = 60; k >= 1; k--) t = x + k / t;
  return 1 / t;
}

/**
 * log h(z), its slope d log h / dz = Φ(z)/h(z), and φ(z)/h(z), with
 * h(z) = φ(z) + z·Φ(z), accurate for every finite z.
 */
export function logH(z: number): { value: number; slope: number; pdfRatio: number } {
  if (z >= MILLS_SWITCH) {
    const pdf = Math.exp(normalLogPdf(z));
    const cdf = normalCdf(z);
    const h = pdf + z * cdf;
    return { value: Math.log(h), slope: cdf / h, pdfRatio: pdf / h };
  }
  // h = φ(z)·(1 − x·R(x)) with x = −z; Φ(z)/h = R/(1 − x·R).
  const x = -z;
  let tail: number; // 1 − x·R(x)
  let ratio: number; // R(x)
  if (z >= SERIES_SWITCH) {
    ratio = millsRatio(x);
    tail = 1 - x * ratio;
  } else {
    const u = 1 / (x * x);
    tail = u * (1 - 3 * u * (1 - 5 * u * (1 - 7 * u * (1 - 9 * u))));
    ratio = (1 - tail) / x;
  }
  return { value: normalLogPdf(z) + Math.log(tail), slope: ratio / tail, pdfRatio: 1 / tail };
}

export interface LogEiValue {
  readonly value: number;
  /** ∂ log EI / ∂μ */
  readonly dMean: number;
  /** ∂ log EI / ∂σ² */
  readonly dVariance: number;
}

/** The smallest predictive variance used, so σ never divides by zero at an observed point. */
const MIN_VARIANCE = 1e-12;

/** log EI of improving on `best` for a Gaussian N(mean, variance), with its partial derivatives. */
export function logExpectedImprovement(mean: number, variance: number, best: number): LogEiValue {
  const v = Math.max(variance, MIN_VARIANCE);
  const sigma = Math.sqrt(v);
  const z = (mean - best) / sigma;
  const { value, slope, pdfRatio } = logH(z);
  // ∂/∂μ = (Φ/h)/σ;  ∂/∂σ = (1 − z·Φ/h)/σ = (φ/h)/σ;  ∂σ/∂σ² = 1/(2σ).
  const dSigma = pdfRatio / sigma;
  return {
    value: value + Math.log(sigma),
    dMean: slope / sigma,
    dVariance: variance > MIN_VARIANCE ? dSigma / (2 * sigma) : 0,
  };
}

/** What the acquisition optimiser maximises: a value per point and, on request, its gradient (numeric dimensions). */
export interface Acquisition {
  evaluate(point: Float64Array, gradient?: Float64Array): number;
}

interface PosteriorModel {
  readonly d: number;
  predict(
    point: ArrayLike<number>,
    gradient?: { mean: Float64Array; variance: Float64Array },
  ): { mean: number; variance: number };
}

/** log EI of improving on `best` under the model's posterior. */
export function logEiAcquisition(model: PosteriorModel, best: number): Acquisition {
  const grad = { mean: new Float64Array(model.d), variance: new Float64Array(model.d) };
  return {
    evaluate(point, gradient) {
      const { mean, variance } = model.predict(point, gradient ? grad : undefined);
      const ei = logExpectedImprovement(mean, variance, best);
      if (gradient) {
        for (let j = 0; j < model.d; j++) {
          gradient[j] = ei.dMean * (grad.mean[j] as number) + ei.dVariance * (grad.variance[j] as number);
        }
      }
      return ei.value;
    },
  };
}
