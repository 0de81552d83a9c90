import {
  type CategoricalMask,
  dimensionDistance,
  matern52,
  matern52DerivativeR2,
  scaledSquaredDistance,
} from "./kernel.js";
import { minimize } from "./lbfgs.js";
import { choleskyInPlace, choleskySolve, inverseFromCholesky } from "./linalg.js";

/**
 * Kernel hyperparameters on the log scale, as the fit optimises them and as
 * they are stored with each trial to warm-start the next fit:
 * λ_d = exp(logLambda[d]) (inverse squared length scales), signal variance
 * exp(logScale), noise variance MIN_NOISE + exp(logNoise).
 */
export interface KernelFit {
  readonly logLambda: readonly number[];
  readonly logScale: number;
  readonly logNoise: number;
}

/**
 * The noise floor, as a fraction of the (standardised) outputs' variance. Low
 * enough that a deterministic objective can be refined to many digits (a floor
 * of 1e-6 stalled refinement on Branin in development runs); a noisy objective fits its own,
 * larger noise above it.
 */
export const MIN_NOISE = 1e-9;

/** Box bounds on the raw parameters, keeping the fit away from degenerate kernels. */
const LOG_LAMBDA_BOUNDS = [-10, 10] as const;
const LOG_SCALE_BOUNDS = [-7, 7] as const;
const LOG_NOISE_BOUNDS = [-20, 1] as const;

/** Observations in the model space: n points of dimension d, row-major. */
export interface TrainingData {
  readonly x: Float64Array;
  readonly n: number;
  readonly d: number;
  readonly y: Float64Array;
  readonly categorical: CategoricalMask;
}

export function defaultKernelFit(d: number): KernelFit {
  return { logLambda: new Array<number>(d).fill(0), logScale: 0, logNoise: Math.log(1e-2) };
}

function noiseOf(fit: KernelFit): number {
  return MIN_NOISE + Math.exp(fit.logNoise);
}

/**
 * Factorises K + noise·I, adding jitter on the (rare) occasions rounding makes
 * it indefinite. `exact` is false when jitter was needed.
 */
function factorise(k: Float64Array, n: number): { l: Float64Array; exact: boolean } {
  let jitter = 0;
  for (let attempt = 0; attempt < 10; attempt++) {
    const a = Float64Array.from(k);
    if (jitter > 0) for (let i = 0; i < n; i++) a[i * n + i] = (a[i * n + i] as number) + jitter;
    if (choleskyInPlace(a, n)) return { l: a, exact: jitter === 0 };
    jitter = jitter === 0 ? 1e-10 : jitter * 10;
  }
  throw new RangeError("kernel matrix is not positive definite even with jitter");
}

/**
 * Log prior of the hyperparameters and its gradient in the raw parameters.
 * Length scales: log p(λ) = −(0.1/λ + 0.1·λ), a broad prior centred on a length
 * scale of the whole unit interval; signal variance: Gamma(2, 1); noise:
 * Gamma(1.1, 30), which prefers small noise but lets noisy objectives fit it.
 */
function logPrior(fit: KernelFit, gradient: Float64Array): number {
  const d = fit.logLambda.length;
  let value = 0;
  for (let j = 0; j < d; j++) {
    const lambda = Math.exp(fit.logLambda[j] as number);
    value -= 0.1 / lambda + 0.1 * lambda;
    gradient[j] = 0.1 / lambda - 0.1 * lambda;
  }
  const scale = Math.exp(fit.logScale);
  value += Math.log(scale) - scale;
  gradient[d] = 1 - scale;
  const raw = Math.exp(fit.logNoise);
  const noise = MIN_NOISE + raw;
  value += 0.1 * Math.log(noise) - 30 * noise;
  gradient[d + 1] = (0.1 / noise - 30) * raw;
  return value;
}

function packFit(fit: KernelFit): Float64Array {
  return Float64Array.from([...fit.logLambda, fit.logScale, fit.logNoise]);
}

function unpackFit(raw: ArrayLike<number>, d: number): KernelFit {
  return {
    logLambda: Array.from({ length: d }, (_, j) => raw[j] as number),
    logScale: raw[d] as number,
    logNoise: raw[d + 1] as number,
  };
}

/**
 * The per-dimension distance terms δ_j of every pair (a > b), row by row:
 * fixed while the hyperparameters are fitted, so computed once per fit.
 */
export function pairDistances(data: TrainingData): Float64Array {
  const { x, n, d, categorical } = data;
  const out = new Float64Array(((n * (n - 1)) / 2) * d);
  let o = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < a; b++) {
      for (let j = 0; j < d; j++) {
        out[o++] = dimensionDistance(x[a * d + j] as number, x[b * d + j] as number, categorical[j] === 1);
      }
    }
  }
  return out;
}

/**
 * Negative log posterior of the hyperparameters (negative log marginal
 * likelihood minus log prior, constants dropped) and its gradient:
 * ∂/∂θ = ½·tr((K⁻¹ − ααᵀ)·∂K/∂θ), α = K⁻¹y.
 */
export function negativeLogPosterior(
  data: TrainingData,
  fit: KernelFit,
  gradient: Float64Array,
  distances: Float64Array = pairDistances(data),
): number {
  const { n, d, y } = data;
  const lambda = fit.logLambda.map(Math.exp);
  const scale = Math.exp(fit.logScale);
  const noise = noiseOf(fit);
  const k = new Float64Array(n * n);
  const deriv = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    k[a * n + a] = scale + noise;
    for (let b = 0; b < a; b++) {
      const o = ((a * (a - 1)) / 2 + b) * d;
      let r2 = 0;
      for (let j = 0; j < d; j++) r2 += (lambda[j] as number) * (distances[o + j] as number);
      const v = scale * matern52(r2);
      k[a * n + b] = v;
      k[b * n + a] = v;
      deriv[a * n + b] = scale * matern52DerivativeR2(r2);
    }
  }
  const { l } = factorise(k, n);
  const alpha = choleskySolve(l, n, y);
  let value = 0;
  for (let i = 0; i < n; i++) value += 0.5 * (y[i] as number) * (alpha[i] as number) + Math.log(l[i * n + i] as number);

  const w = inverseFromCholesky(l, n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) w[a * n + b] = (w[a * n + b] as number) - (alpha[a] as number) * (alpha[b] as number);
  }
  gradient.fill(0);
  let trace = 0;
  for (let a = 0; a < n; a++) {
    trace += w[a * n + a] as number;
    // Diagonal: ∂K/∂logScale = scale, ∂K/∂λ = 0 (r = 0).
    gradient[d] = (gradient[d] as number) + 0.5 * (w[a * n + a] as number) * scale;
    for (let b = 0; b < a; b++) {
      const wab = w[a * n + b] as number; // symmetric: each off-diagonal pair counts twice, halved by ½.
      gradient[d] = (gradient[d] as number) + wab * (k[a * n + b] as number);
      const common = wab * (deriv[a * n + b] as number);
      const o = ((a * (a - 1)) / 2 + b) * d;
      for (let j = 0; j < d; j++) {
        gradient[j] = (gradient[j] as number) + common * (lambda[j] as number) * (distances[o + j] as number);
      }
    }
  }
  gradient[d + 1] = 0.5 * trace * Math.exp(fit.logNoise);

  const priorGradient = new Float64Array(d + 2);
  value -= logPrior(fit, priorGradient);
  for (let j = 0; j < d + 2; j++) gradient[j] = (gradient[j] as number) - (priorGradient[j] as number);
  return value;
}

export interface FitOptions {
  readonly maxIterations?: number;
}

/**
 * Maximum-a-posteriori kernel hyperparameters, by L-BFGS from `start` (the
 * previous fit, when there is one) and, if that start fails, from the default.
 */
export function fitKernel(data: TrainingData, start: KernelFit | undefined, options: FitOptions = {}): KernelFit {
  const d = data.d;
  const lower = [...new Array<number>(d).fill(LOG_LAMBDA_BOUNDS[0]), LOG_SCALE_BOUNDS[0], LOG_NOISE_BOUNDS[0]];
  const upper = [...new Array<number>(d).fill(LOG_LAMBDA_BOUNDS[1]), LOG_SCALE_BOUNDS[1], LOG_NOISE_BOUNDS[1]];
  const distances = pairDistances(data);
  const objective = (raw: Float64Array, gradient: Float64Array) => {
    try {
      return negativeLogPosterior(data, unpackFit(raw, d), gradient, distances);
    } catch {
      return Number.NaN;
    }
  };
  const starts = start && start.logLambda.length === d ? [start, defaultKernelFit(d)] : [defaultKernelFit(d)];
  let best: { fit: KernelFit; value: number } | undefined;
  for (const initial of starts) {
    const result = minimize(objective, packFit(initial), {
      lower,
      upper,
      gradientTolerance: 1e-2,
      maxIterations: options.maxIterations ?? 100,
    });
    if (Number.isFinite(result.value) && (!best || result.value < best.value)) {
      best = { fit: unpackFit(result.x, d), value: result.value };
    }
    if (best) break;
  }
  return best?.fit ?? defaultKernelFit(d);
}

export interface Prediction {
  mean: number;
  variance: number;
}

/**
 * The lower triangle of K + noise·I, rows `from` to n − 1 (the Cholesky factorisation reads nothing else), into
 * `k`: a factor reused from an earlier GP needs only the new rows' kernel values, O(n) each instead of O(n²) in all.
 */
function kernelRows(
  data: TrainingData,
  lambda: Float64Array,
  scale: number,
  noise: number,
  k: Float64Array,
  from = 0,
): Float64Array {
  const { x, n, d, categorical } = data;
  for (let a = from; a < n; a++) {
    k[a * n + a] = scale + noise;
    for (let b = 0; b < a; b++) {
      k[a * n + b] = scale * matern52(scaledSquaredDistance(x, a * d, x, b * d, lambda, categorical));
    }
  }
  return k;
}

/**
 * The Cholesky factor of one GP's kernel matrix, kept so that the next GP
 * with the same hyperparameters and the same leading points can reuse its
 * rows: each row of the factor depends only on the rows above it, so
 * extending an exact (jitter-free) factor gives, bit for bit, what
 * factorising from scratch would.
 */
export interface Factorisation {
  readonly x: Float64Array;
  readonly n: number;
  readonly d: number;
  readonly fit: KernelFit;
  readonly l: Float64Array;
  readonly exact: boolean;
}

function sameFit(a: KernelFit, b: KernelFit): boolean {
  return (
    a.logScale === b.logScale &&
    a.logNoise === b.logNoise &&
    a.logLambda.length === b.logLambda.length &&
    a.logLambda.every((v, j) => v === b.logLambda[j])
  );
}

/** How many leading points `data` shares with the factorised ones. */
function sharedRows(previous: Factorisation, data: TrainingData): number {
  if (previous.d !== data.d) return 0;
  const limit = Math.min(previous.n, data.n) * data.d;
  let i = 0;
  while (i < limit && previous.x[i] === data.x[i]) i++;
  return Math.floor(i / data.d);
}

/**
 * The factor of K + noise·I: the rows shared with `previous` copied, the rest computed from their kernel rows
 * only; from scratch (with jitter if need be) when nothing is shared or the extension is not positive definite.
 */
function factoriseReusing(
  data: TrainingData,
  fit: KernelFit,
  lambda: Float64Array,
  scale: number,
  previous?: Factorisation,
): { l: Float64Array; exact: boolean } {
  const n = data.n;
  const noise = noiseOf(fit);
  const shared = previous?.exact && sameFit(previous.fit, fit) ? sharedRows(previous, data) : 0;
  if (previous && shared > 0) {
    const grown = new Float64Array(n * n);
    for (let i = 0; i < shared; i++) grown.set(previous.l.subarray(i * previous.n, i * previous.n + i + 1), i * n);
    if (choleskyInPlace(kernelRows(data, lambda, scale, noise, grown, shared), n, shared)) {
      return { l: grown, exact: true };
    }
  }
  return factorise(kernelRows(data, lambda, scale, noise, new Float64Array(n * n)), n);
}

/** A Gaussian process conditioned on training data with fixed hyperparameters. */
export class GaussianProcess {
  readonly n: number;
  readonly d: number;
  readonly fit: KernelFit;
  readonly factorisation: Factorisation;
  private readonly data: TrainingData;
  private readonly lambda: Float64Array;
  private readonly scale: number;
  private readonly l: Float64Array;
  private readonly alpha: Float64Array;
  /** Lᵀ, row-major, so the back substitution of the variance gradient walks contiguous memory; built on first use. */
  private lt: Float64Array | undefined;
  private readonly kStar: Float64Array;
  private readonly v: Float64Array;
  private readonly dR2: Float64Array;
  private readonly anyCategorical: boolean;

  /** `previous`: a factorisation whose leading rows may be reused (see Factorisation). */
  constructor(data: TrainingData, fit: KernelFit, previous?: Factorisation) {
    this.n = data.n;
    this.d = data.d;
    this.fit = fit;
    this.data = data;
    this.lambda = Float64Array.from(fit.logLambda, Math.exp);
    this.scale = Math.exp(fit.logScale);
    const { l, exact } = factoriseReusing(data, fit, this.lambda, this.scale, previous);
    this.l = l;
    this.factorisation = { x: data.x, n: data.n, d: data.d, fit, l, exact };
    this.alpha = choleskySolve(this.l, data.n, data.y);
    this.kStar = new Float64Array(data.n);
    this.v = new Float64Array(data.n);
    this.dR2 = new Float64Array(data.n);
    this.anyCategorical = data.categorical.some((c) => c === 1);
  }

  /** This process with extra observations appended; the factor grows by the new rows only. */
  extend(points: Float64Array, values: Float64Array): GaussianProcess {
    const data: TrainingData = {
      x: concat(this.data.x, points),
      n: this.n + values.length,
      d: this.d,
      y: concat(this.data.y, values),
      categorical: this.data.categorical,
    };
    return new GaussianProcess(data, this.fit, this.factorisation);
  }

  /** The kernel's scaled squared distance r² between two points (see kernel.ts). */
  scaledSquaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
    return scaledSquaredDistance(a, 0, b, 0, this.lambda, this.data.categorical);
  }

  /** The posterior mean (noise-free) at `point`. */
  mean(point: ArrayLike<number>): number {
    const { x, d, lambda, scale, alpha } = this;
    const categorical = this.data.categorical;
    let mean = 0;
    for (let i = 0; i < this.n; i++) {
      mean += scale * matern52(scaledSquaredDistance(point, 0, x, i * d, lambda, categorical)) * (alpha[i] as number);
    }
    return mean;
  }

  private get x(): Float64Array {
    return this.data.x;
  }

  /** r² from `point` to every training point, into kStar (no categorical dimensions: the common, fast case). */
  private distances(point: ArrayLike<number>): void {
    const { n, d, x, lambda, kStar } = this;
    if (this.anyCategorical) {
      for (let i = 0; i < n; i++) kStar[i] = scaledSquaredDistance(point, 0, x, i * d, lambda, this.data.categorical);
      return;
    }
    for (let i = 0; i < n; i++) {
      let r2 = 0;
      const o = i * d;
      for (let j = 0; j < d; j++) {
        const delta = (point[j] as number) - (x[o + j] as number);
        r2 += (lambda[j] as number) * delta * delta;
      }
      kStar[i] = r2;
    }
  }

  /**
   * Posterior mean and variance of the latent function at `point`. With
   * `gradient`, also writes ∂mean/∂x into gradient.mean and ∂variance/∂x into
   * gradient.variance (zero on categorical dimensions, which are not differentiable).
   */
  predict(point: ArrayLike<number>, gradient?: { mean: Float64Array; variance: Float64Array }): Prediction {
    const { n, d, x, lambda, scale, l, alpha, kStar, v, dR2 } = this;
    this.distances(point);
    let mean = 0;
    for (let i = 0; i < n; i++) {
      const r2 = kStar[i] as number;
      const s = Math.sqrt(5 * r2);
      const e = Math.exp(-s);
      const k = scale * (1 + s + (5 / 3) * r2) * e;
      if (gradient) dR2[i] = scale * (-5 / 6) * (1 + s) * e;
      kStar[i] = k;
      mean += k * (alpha[i] as number);
    }
    // v = L⁻¹k*, variance = k(x, x) − |v|².
    let explained = 0;
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      let s = kStar[i] as number;
      for (let k = 0; k < i; k++) s -= (l[ri + k] as number) * (v[k] as number);
      const vi = s / (l[ri + i] as number);
      v[i] = vi;
      explained += vi * vi;
    }
    const variance = Math.max(scale - explained, 0);
    if (gradient) {
      // ∂k_i/∂x_j = k'(r²)·λ_j·2(x_j − X_ij); ∂var/∂x = −2·Σ_i w_i ∂k_i/∂x with w = K⁻¹k* = L⁻ᵀv.
      if (!this.lt) this.lt = transpose(l, n);
      const lt = this.lt;
      const w = v; // solved in place: v is not needed after this.
      for (let i = n - 1; i >= 0; i--) {
        const ri = i * n;
        let s = w[i] as number;
        for (let k = i + 1; k < n; k++) s -= (lt[ri + k] as number) * (w[k] as number);
        w[i] = s / (lt[ri + i] as number);
      }
      const categorical = this.data.categorical;
      gradient.mean.fill(0);
      gradient.variance.fill(0);
      for (let i = 0; i < n; i++) {
        const base = dR2[i] as number;
        const a = (alpha[i] as number) * base;
        const b = -2 * (w[i] as number) * base;
        for (let j = 0; j < d; j++) {
          if (categorical[j] === 1) continue;
          const dr2 = (lambda[j] as number) * 2 * ((point[j] as number) - (x[i * d + j] as number));
          gradient.mean[j] = (gradient.mean[j] as number) + a * dr2;
          gradient.variance[j] = (gradient.variance[j] as number) + b * dr2;
        }
      }
    }
    return { mean, variance };
  }
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function transpose(a: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j] as number;
  return t;
}
