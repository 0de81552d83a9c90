import { createRng } from "../random.js";
import { CategoricalParameter, type Hyperparameters, type SearchSpace } from "../space/index.js";
import { fitKernel, GaussianProcess } from "../strategies/bayesian/gp/regressor.js";
import { ModelSpace } from "../strategies/bayesian/model-space.js";
import { SobolSequence } from "../strategies/sobol/index.js";

/** How much of the objective's variation one hyperparameter explains on its own. */
export interface Importance {
  readonly name: string;
  /** Its main effect's share of the total variance, 0..1; the shares sum to at most 1 (the rest is interactions). */
  readonly importance: number;
}

export interface ImportanceOptions {
  /** Points the other hyperparameters are averaged over (default 1024). */
  readonly samples?: number;
  /** Values at which a continuous or integer hyperparameter's main effect is taken (default 16). */
  readonly grid?: number;
  readonly seed?: number;
}

/**
 * Hyperparameter importance as a functional ANOVA of a Gaussian process
 * fitted to the results (the strategy's own GP: Matérn-5/2 ARD, MAP kernel,
 * on the standardised objective, so no warping distorts the variances).
 *
 * For each hyperparameter j, its main effect f_j(v) is the GP's mean with
 * x_j = v averaged over `samples` scrambled Sobol points of the search space
 * (each range on its own scale, so a logarithmic range is uniform in its
 * logarithm); its importance is Var_v f_j(v) / Var_x f(x), with v on an even
 * grid of the range (every value of a categorical). For f = 3·x1 + x2 on the
 * unit square the answer is 0.9 and 0.1. Above IMPORTANCE_MAX_RESULTS results the GP is fitted on a
 * seeded uniform draw of them.
 */
export function hyperparameterImportance(
  space: SearchSpace,
  results: readonly { readonly hyperparameters: Hyperparameters; readonly value: number }[],
  options: ImportanceOptions = {},
): Importance[] {
  const names = space.names;
  const usable = subsample(
    results.filter((r) => Number.isFinite(r.value)),
    createRng(options.seed ?? 0, "importance-subsample"),
  );
  if (usable.length < 3) return names.map((name) => ({ name, importance: 0 }));
  const model = new ModelSpace(space);
  const d = model.dimension;
  const values = usable.map((r) => r.value);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) || 1;
  const x = new Float64Array(usable.length * d);
  usable.forEach((r, i) => {
    x.set(model.toModel(r.hyperparameters), i * d);
  });
  const data = {
    x,
    n: usable.length,
    d,
    y: Float64Array.from(values, (v) => (v - mean) / sd),
    categorical: model.categorical,
  };
  const gp = new GaussianProcess(data, fitKernel(data, undefined, { maxIterations: 100 }));

  // A scrambled Sobol sample: far less sampling noise in the variances than as many random points.
  const sobol = new SobolSequence(space.dimension, createRng(options.seed ?? 0, "importance"));
  const samples = Array.from({ length: options.samples ?? 1024 }, (_, i) =>
    model.toModel(space.decode(sobol.point(i))),
  );
  const variance = (xs: readonly number[]) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
  };
  const total = variance(samples.map((p) => gp.mean(p)));
  if (!(total > 0)) return names.map((name) => ({ name, importance: 0 }));
  const gridSize = options.grid ?? 16;
  return space.ranges().map(([name, range], j) => {
    const levels =
      range instanceof CategoricalParameter
        ? range.values.map((_, k) => k)
        : Array.from(
            { length: gridSize },
            (_, k) => model.toModel(space.decode(unitWith(space, j, (k + 0.5) / gridSize)))[j] as number,
          );
    const effects = levels.map((level) => {
      let sum = 0;
      for (const p of samples) {
        const q = Float64Array.from(p);
        q[j] = level;
        sum += gp.mean(q);
      }
      return sum / samples.length;
    });
    return { name, importance: Math.min(1, variance(effects) / total) };
  });
}

/** A unit-cube point with coordinate j at u (the others at the centre: only j is read back). */
function unitWith(space: SearchSpace, j: number, u: number): Float64Array {
  const point = new Float64Array(space.dimension).fill(0.5);
  point[j] = u;
  return point;
}

/** The GP is fitted on at most this many results: the fit is cubic in their number. */
export const IMPORTANCE_MAX_RESULTS = 400;

/** Above IMPORTANCE_MAX_RESULTS, a seeded uniform draw of them (so the variances stay those of the whole search). */
function subsample<T>(results: readonly T[], rng: { int(n: number): number }): readonly T[] {
  if (results.length <= IMPORTANCE_MAX_RESULTS) return results;
  const pool = [...results];
  for (let i = 0; i < IMPORTANCE_MAX_RESULTS; i++) {
    const j = i + rng.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, IMPORTANCE_MAX_RESULTS);
}
