import type { Rng } from "../../../random.js";
import type { Acquisition } from "./acquisition.js";
import { minimize } from "./lbfgs.js";

/**
 * How the optimiser may move along one model-space dimension: freely in
 * [0, 1]; in [0, 1] but landing on an integer's slice centre; or among the
 * indices of a categorical range.
 */
export type ModelDimension =
  | { readonly kind: "continuous" }
  | { readonly kind: "integer"; readonly snap: (u: number) => number }
  | { readonly kind: "categorical"; readonly size: number };

export interface AcquisitionProblem {
  readonly acquisition: Acquisition;
  readonly dimensions: readonly ModelDimension[];
  /** Observed points, best first: local candidates are drawn around the first few. */
  readonly anchors: readonly Float64Array[];
  /** Whether a point must not be suggested: a configuration already observed or pending, or one next to a pending trial. */
  readonly isExcluded: (point: Float64Array) => boolean;
  /**
   * The spacing wanted from earlier points (see near-repeat.ts): `gap` measures a point's distance to the
   * nearest, `minimum` is the distance below which the model cannot tell them apart. The best candidate at
   * least `minimum` away is chosen; when none is (the earlier points already cover the space at that
   * resolution), the best at a quarter of it, and so on down, so a crowded space still gets the most distinct
   * useful point rather than none.
   */
  readonly spacing?: { readonly gap: (point: Float64Array) => number; readonly minimum: number };
  readonly rng: Rng;
  /** A box (a trust region) to search instead of the unit cube: candidates, refinement and snapping stay in it. */
  readonly region?: { readonly lower: Float64Array; readonly upper: Float64Array };
}

/** How many times the spacing is quartered before any allowed point will do. */
const SPACING_LEVELS = 8;

export interface AcquisitionOptions {
  /** Random candidates scored before refinement. */
  readonly candidates: number;
  /** How many of the best candidates are refined by L-BFGS. */
  readonly refinements: number;
  readonly maxIterations: number;
}

export interface AcquisitionChoice {
  readonly point: Float64Array;
  readonly value: number;
}

/** Standard deviations of the local perturbations around the best points: from fine tuning to a wider look. */
const LOCAL_SCALES = [0.005, 0.03, 0.15];
const LOCAL_ANCHORS = 3;

function snap(
  point: Float64Array,
  dimensions: readonly ModelDimension[],
  region?: AcquisitionProblem["region"],
): Float64Array {
  dimensions.forEach((dim, j) => {
    const u = Math.min(
      region ? (region.upper[j] as number) : 1,
      Math.max(region ? (region.lower[j] as number) : 0, point[j] as number),
    );
    if (dim.kind === "integer") point[j] = dim.snap(u);
    else if (dim.kind === "categorical") point[j] = Math.min(dim.size - 1, Math.max(0, Math.round(point[j] as number)));
    else point[j] = u;
  });
  return point;
}

function randomPoint(
  dimensions: readonly ModelDimension[],
  rng: Rng,
  region?: AcquisitionProblem["region"],
): Float64Array {
  return Float64Array.from(dimensions, (dim, j) =>
    dim.kind === "categorical"
      ? Math.floor(rng.next() * dim.size)
      : region
        ? (region.lower[j] as number) + ((region.upper[j] as number) - (region.lower[j] as number)) * rng.next()
        : rng.next(),
  );
}

function perturb(anchor: Float64Array, scale: number, dimensions: readonly ModelDimension[], rng: Rng) {
  const point = Float64Array.from(anchor);
  const flip = 1 / dimensions.length;
  dimensions.forEach((dim, j) => {
    if (dim.kind === "categorical") {
      if (rng.next() < flip) point[j] = Math.floor(rng.next() * dim.size);
    } else {
      point[j] = (point[j] as number) + scale * rng.normal();
    }
  });
  return point;
}

function score(problem: AcquisitionProblem, point: Float64Array): number {
  return problem.acquisition.evaluate(point);
}

/** L-BFGS on the numeric coordinates of `start` (categorical ones held fixed), then snapped. */
function refine(problem: AcquisitionProblem, start: Float64Array, maxIterations: number): Float64Array {
  const { dimensions, acquisition } = problem;
  const numeric = dimensions.flatMap((dim, j) => (dim.kind === "categorical" ? [] : [j]));
  if (numeric.length === 0) return start;
  const point = Float64Array.from(start);
  const gradient = new Float64Array(dimensions.length);
  const objective = (coords: Float64Array, out: Float64Array) => {
    numeric.forEach((j, i) => {
      point[j] = coords[i] as number;
    });
    const value = acquisition.evaluate(point, gradient);
    numeric.forEach((j, i) => {
      out[i] = -(gradient[j] as number);
    });
    return -value;
  };
  const result = minimize(
    objective,
    numeric.map((j) => start[j] as number),
    {
      lower: numeric.map((j) => (problem.region ? (problem.region.lower[j] as number) : 0)),
      upper: numeric.map((j) => (problem.region ? (problem.region.upper[j] as number) : 1)),
      maxIterations,
      gradientTolerance: 1e-6,
    },
  );
  numeric.forEach((j, i) => {
    point[j] = result.x[i] as number;
  });
  return snap(point, dimensions, problem.region);
}

/** One pass over each categorical dimension, keeping the value with the highest acquisition. */
function sweepCategorical(problem: AcquisitionProblem, start: Float64Array, startValue: number) {
  let point = start;
  let value = startValue;
  problem.dimensions.forEach((dim, j) => {
    if (dim.kind !== "categorical") return;
    for (let c = 0; c < dim.size; c++) {
      if (c === point[j]) continue;
      const trial = Float64Array.from(point);
      trial[j] = c;
      const v = score(problem, trial);
      if (v > value) {
        point = trial;
        value = v;
      }
    }
  });
  return { point, value };
}

/**
 * Maximises the (log) acquisition: scores many random and local candidates cheaply (one
 * posterior each), refines the best few with gradients, and returns the best
 * point that is not excluded.
 */
export function maximizeAcquisition(
  problem: AcquisitionProblem,
  options: AcquisitionOptions,
): AcquisitionChoice | undefined {
  const { dimensions, rng } = problem;
  const pool: AcquisitionChoice[] = [];
  const add = (point: Float64Array) => {
    snap(point, dimensions, problem.region);
    const value = score(problem, point);
    if (Number.isFinite(value)) pool.push({ point, value });
  };
  const anchors = problem.anchors.slice(0, LOCAL_ANCHORS);
  const local = anchors.length === 0 ? 0 : Math.floor(options.candidates / 4);
  for (let i = 0; i < options.candidates - local; i++) add(randomPoint(dimensions, rng, problem.region));
  for (let i = 0; i < local; i++) {
    const anchor = anchors[i % anchors.length] as Float64Array;
    add(perturb(anchor, LOCAL_SCALES[i % LOCAL_SCALES.length] as number, dimensions, rng));
  }
  pool.sort((a, b) => b.value - a.value);

  const refined: AcquisitionChoice[] = [];
  for (const start of pool.slice(0, options.refinements)) {
    const point = refine(problem, start.point, options.maxIterations);
    const swept = sweepCategorical(problem, point, score(problem, point));
    refined.push(swept.value >= start.value ? swept : start);
  }
  const ranked = [...refined, ...pool].sort((a, b) => b.value - a.value);
  return choose(problem, ranked);
}

/** The best allowed choice at the widest spacing some candidate achieves (`ranked` is best first). */
function choose(problem: AcquisitionProblem, ranked: readonly AcquisitionChoice[]): AcquisitionChoice | undefined {
  const { spacing } = problem;
  // bestAt[k]: the best allowed candidate at least minimum / 4^k from every earlier point; the last: any.
  const bestAt: (AcquisitionChoice | undefined)[] = new Array(SPACING_LEVELS + 2).fill(undefined);
  for (const choice of ranked) {
    if (problem.isExcluded(choice.point)) continue;
    if (!spacing) return choice;
    const gap = spacing.gap(choice.point);
    if (gap >= spacing.minimum) return choice;
    bestAt[SPACING_LEVELS + 1] ??= choice;
    for (let k = 1, level = spacing.minimum / 4; k <= SPACING_LEVELS; k++, level /= 4) {
      if (gap >= level) {
        bestAt[k] ??= choice;
        break;
      }
    }
  }
  return bestAt.find((choice) => choice !== undefined);
}
