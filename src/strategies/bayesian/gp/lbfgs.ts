/**
 * A small limited-memory BFGS minimiser with box bounds, used both to fit the
 * kernel's hyperparameters and to refine the acquisition function.
 *
 * Bounds are handled by projection: coordinates sitting on a bound whose
 * gradient points outward are frozen for the step (the active set), the
 * quasi-Newton direction is computed on the rest, and trial points are
 * clipped back into the box before the Armijo test.
 */

/** Returns the objective at x and writes its gradient into `gradient`. */
export type ValueAndGradient = (x: Float64Array, gradient: Float64Array) => number;

export interface MinimizeOptions {
  readonly lower?: ArrayLike<number>;
  readonly upper?: ArrayLike<number>;
  /** Stop when the largest projected-gradient component falls below this. */
  readonly gradientTolerance?: number;
  readonly maxIterations?: number;
  /** Number of correction pairs kept. */
  readonly memory?: number;
}

export interface MinimizeResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly evaluations: number;
}

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 25;

function clip(x: Float64Array, lower?: ArrayLike<number>, upper?: ArrayLike<number>): Float64Array {
  if (lower) for (let i = 0; i < x.length; i++) x[i] = Math.max(x[i] as number, lower[i] as number);
  if (upper) for (let i = 0; i < x.length; i++) x[i] = Math.min(x[i] as number, upper[i] as number);
  return x;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

export function minimize(f: ValueAndGradient, start: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const { lower, upper, gradientTolerance = 1e-5, maxIterations = 100, memory = 10 } = options;
  const n = start.length;
  let x = clip(Float64Array.from(start), lower, upper);
  let g = new Float64Array(n);
  let value = f(x, g);
  let evaluations = 1;
  if (!Number.isFinite(value)) return { x, value, iterations: 0, evaluations };

  const sHistory: Float64Array[] = [];
  const yHistory: Float64Array[] = [];
  const rho: number[] = [];
  const free = new Uint8Array(n);
  const direction = new Float64Array(n);
  let iterations = 0;

  for (; iterations < maxIterations; iterations++) {
    let largest = 0;
    for (let i = 0; i < n; i++) {
      const gi = g[i] as number;
      const atLower = lower !== undefined && (x[i] as number) <= (lower[i] as number) && gi > 0;
      const atUpper = upper !== undefined && (x[i] as number) >= (upper[i] as number) && gi < 0;
      free[i] = atLower || atUpper ? 0 : 1;
      if (free[i]) largest = Math.max(largest, Math.abs(gi));
    }
    if (largest < gradientTolerance) break;

    // Two-loop recursion on the free coordinates.
    for (let i = 0; i < n; i++) direction[i] = free[i] ? -(g[i] as number) : 0;
    const alpha = new Array<number>(sHistory.length);
    for (let k = sHistory.length - 1; k >= 0; k--) {
      const a = (rho[k] as number) * dot(sHistory[k] as Float64Array, direction);
      alpha[k] = a;
      const yk = yHistory[k] as Float64Array;
      for (let i = 0; i < n; i++) if (free[i]) direction[i] = (direction[i] as number) - a * (yk[i] as number);
    }
    if (sHistory.length > 0) {
      const last = sHistory.length - 1;
      const gamma =
        dot(sHistory[last] as Float64Array, yHistory[last] as Float64Array) /
        dot(yHistory[last] as Float64Array, yHistory[last] as Float64Array);
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) * gamma;
    } else {
      // First step: no curvature known yet, so take a steepest-descent step of at most 0.1 in any coordinate.
      const scale = Math.min(1, 0.1 / largest);
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) * scale;
    }
    for (let k = 0; k < sHistory.length; k++) {
      const b = (rho[k] as number) * dot(yHistory[k] as Float64Array, direction);
      const sk = sHistory[k] as Float64Array;
      for (let i = 0; i < n; i++) {
        if (free[i]) direction[i] = (direction[i] as number) + ((alpha[k] as number) - b) * (sk[i] as number);
      }
    }
    let slope = 0;
    for (let i = 0; i < n; i++) slope += free[i] ? (g[i] as number) * (direction[i] as number) : 0;
    if (!(slope < 0)) {
      // Not a descent direction (curvature information went stale): restart from steepest descent.
      sHistory.length = 0;
      yHistory.length = 0;
      rho.length = 0;
      const scale = Math.min(1, 0.1 / largest);
      for (let i = 0; i < n; i++) direction[i] = free[i] ? -(g[i] as number) * scale : 0;
    }

    let step = 1;
    let accepted = false;
    const trial = new Float64Array(n);
    const trialGradient = new Float64Array(n);
    let trialValue = value;
    for (let b = 0; b < MAX_BACKTRACKS; b++) {
      for (let i = 0; i < n; i++) trial[i] = (x[i] as number) + step * (direction[i] as number);
      clip(trial, lower, upper);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += (g[i] as number) * ((trial[i] as number) - (x[i] as number));
      trialValue = f(trial, trialGradient);
      evaluations++;
      if (Number.isFinite(trialValue) && trialValue <= value + ARMIJO * decrease) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (trial[i] as number) - (x[i] as number);
      y[i] = (trialGradient[i] as number) - (g[i] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      sHistory.push(s);
      yHistory.push(y);
      rho.push(1 / sy);
      if (sHistory.length > memory) {
        sHistory.shift();
        yHistory.shift();
        rho.shift();
      }
    }
    const improvement = value - trialValue;
    x = trial;
    g = trialGradient;
    value = trialValue;
    if (improvement <= 1e-12 * Math.max(1, Math.abs(value))) {
      iterations++;
      break;
    }
  }
  return { x, value, iterations, evaluations };
}
