import { createRng } from "../../random.js";
import { CategoricalParameter, type Hyperparameters, type SearchSpace } from "../../space/index.js";
import type { ObjectiveType, TrialView } from "../strategy.js";
import { initialDesignSize } from "./design.js";
import { logEiAcquisition } from "./gp/acquisition.js";
import { fitKernel, GaussianProcess, type KernelFit, type TrainingData } from "./gp/regressor.js";
import { ModelSpace } from "./model-space.js";
import { nearRepeatSpacing, resolutionPerDimension } from "./near-repeat.js";
import { transformOutputs } from "./output-transform.js";
import { replicateVerdict } from "./replicate.js";
import { bestObservedIndex, searchRegion } from "./search-region.js";
import { modelData, PRIOR_MEAN_QUANTILE, quantile } from "./training-data.js";
import type { Region } from "./trust-region.js";

/**
 * What the Bayesian strategy's model thought when it made one suggestion, recomputed from the history: the
 * GP's posterior mean and uncertainty, and the acquisition it maximised, along one hyperparameter at a time,
 * through the suggested point (the other hyperparameters held at their suggested values). The data, output
 * transform, prior mean, kernel fit (the one stored with the suggestion) and kriging believer are the
 * strategy's, built from its exported pieces, so the acquisition's peak along a slice is where the suggestion
 * is (a test checks it on every suggestion of a tuning job).
 */
export interface SliceRequest {
  readonly space: SearchSpace;
  readonly objective: ObjectiveType;
  /** The finished trials the suggestion saw (a warm start's results included), oldest first. */
  readonly history: readonly TrialView[];
  /** The trials running when it was made. */
  readonly pending: readonly TrialView[];
  /** The kernel fit stored with the suggestion; fitted afresh when absent. */
  readonly kernel?: KernelFit;
  /** The suggestion was the lead (pending-lead.ts): the fantasies do not raise the value to beat. */
  readonly lead?: boolean;
  /** The suggested configuration: every slice passes through it. */
  readonly at: Hyperparameters;
  /** The hyperparameters to slice along. */
  readonly names: readonly string[];
  /** Points along a continuous slice (default 120). */
  readonly resolution?: number;
  /** The seed for choosing which observations condition the model above MAX_CONDITIONING. */
  readonly seed?: number;
}

export interface PosteriorSlice {
  readonly name: string;
  /** The hyperparameter's values along the slice, in its range's order (and on its scale). */
  readonly values: readonly (number | string)[];
  /** The posterior mean, and mean ∓ 2 standard deviations, in the objective's units. */
  readonly mean: readonly number[];
  readonly lower: readonly number[];
  readonly upper: readonly number[];
  /** log expected improvement (natural log, of the model's standardised units). */
  readonly logEi: readonly number[];
  /** The suggestion's value of this hyperparameter, and the acquisition there. */
  readonly suggested: number | string;
  readonly suggestedLogEi: number;
}

export interface PosteriorSlices {
  readonly slices: readonly PosteriorSlice[];
  /** How many observations the model conditioned on (fewer than the history above MAX_CONDITIONING). */
  readonly conditioned: number;
  readonly kernel: KernelFit;
  /**
   * Per hyperparameter, the distance on the search scale (the unit interval) within which the strategy keeps
   * away from observed and running configurations, as the model cannot tell them apart (near-repeat.ts).
   */
  readonly nearRepeatResolution: readonly number[];
  /**
   * Per hyperparameter, the trust region the strategy maximised the acquisition in (trust-region.ts), on the
   * search scale; [0, 1] where it searched the whole range.
   */
  readonly searchRegion: readonly (readonly [number, number])[];
}

/**
 * The posterior is cubic in its observations: above this many, it conditions on the best half and a seeded
 * draw of the rest (the strategy conditions on all of them; the picture of the model is then approximate).
 */
export const MAX_CONDITIONING = 400;

/**
 * Maps model outputs back to the objective through the observed pairs (output, value): the output transform
 * is monotone, so this is exact at every observed value, linear between them, and extended beyond them by
 * the slope of the outermost quarter of the observations.
 */
export function inverseTransform(outputs: readonly number[], values: readonly number[]): (output: number) => number {
  const pairs = outputs.map((o, i) => [o, values[i] as number] as const).sort((a, b) => a[0] - b[0]);
  const unique = pairs.filter((p, i) => i === 0 || p[0] > (pairs[i - 1] as (typeof pairs)[number])[0]);
  if (unique.length === 1) return () => (unique[0] as (typeof unique)[number])[1];
  const reach = Math.max(1, Math.floor(unique.length / 4));
  const slope = (a: readonly [number, number], b: readonly [number, number]) => (b[1] - a[1]) / (b[0] - a[0]);
  const first = unique[0] as readonly [number, number];
  const last = unique[unique.length - 1] as readonly [number, number];
  const low = slope(first, unique[reach] as readonly [number, number]);
  const high = slope(unique[unique.length - 1 - reach] as readonly [number, number], last);
  return (output) => {
    if (output <= first[0]) return first[1] + (output - first[0]) * low;
    if (output >= last[0]) return last[1] + (output - last[0]) * high;
    let lo = 0;
    let hi = unique.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if ((unique[mid] as readonly [number, number])[0] <= output) lo = mid;
      else hi = mid;
    }
    const a = unique[lo] as readonly [number, number];
    return a[1] + (output - a[0]) * slope(a, unique[hi] as readonly [number, number]);
  };
}

/** The best half and a seeded draw of the rest, at most MAX_CONDITIONING in all, in their original order. */
function conditioningSet(count: number, outputs: readonly number[], seed: number): number[] {
  const all = Array.from({ length: count }, (_, i) => i);
  if (count <= MAX_CONDITIONING) return all;
  const order = [...all].sort((a, b) => (outputs[b] ?? -Infinity) - (outputs[a] ?? -Infinity));
  const chosen = order.slice(0, MAX_CONDITIONING / 2);
  const rest = order.slice(MAX_CONDITIONING / 2);
  const rng = createRng(seed, "posterior-slice");
  for (let i = 0; i < MAX_CONDITIONING / 2; i++) {
    const j = i + rng.int(rest.length - i);
    [rest[i], rest[j]] = [rest[j] as number, rest[i] as number];
    chosen.push(rest[i] as number);
  }
  return chosen.sort((a, b) => a - b);
}

/** The unit-cube coordinates a slice visits: each integer or category once, else `resolution` even steps. */
function sliceCoordinates(space: SearchSpace, name: string, resolution: number): number[] {
  const range = space.ranges().find(([n]) => n === name)?.[1];
  if (!range) throw new RangeError(`no hyperparameter named ${name}`);
  const size = range.cardinality();
  const steps = Number.isFinite(size) && size <= resolution ? size : resolution;
  return Array.from({ length: steps }, (_, k) => (steps === 1 ? 0.5 : (k + 0.5) / steps));
}

function rows(points: readonly Float64Array[], d: number): Float64Array {
  const x = new Float64Array(points.length * d);
  points.forEach((p, i) => {
    x.set(p, i * d);
  });
  return x;
}

export function posteriorSlices(request: SliceRequest): PosteriorSlices {
  const { space, history, pending } = request;
  const model = new ModelSpace(space);
  const d = model.dimension;
  // As the strategy builds its data: observed outputs transformed and shifted by the prior mean, failed trials
  // imputed at the worst.
  const observed = history.filter((t) => t.value !== undefined && Number.isFinite(t.value));
  const failed = history.filter((t) => t.value === undefined);
  if (observed.length < 2) throw new RangeError("the model needs at least two observed results");
  const values = observed.map((t) => t.value as number);
  const transformed = transformOutputs(values, request.objective === "Maximize" ? 1 : -1);
  const prior = quantile(transformed, PRIOR_MEAN_QUANTILE);
  const outputs = Array.from(transformed, (v) => v - prior);
  const worst = Math.min(...outputs);
  const allPoints = [...observed, ...failed].map((t) => model.toModel(t.hyperparameters));
  const allY = [...outputs, ...failed.map(() => worst)];
  const keep = conditioningSet(allPoints.length, allY, request.seed ?? 0);
  const data: TrainingData = {
    x: rows(
      keep.map((i) => allPoints[i] as Float64Array),
      d,
    ),
    n: keep.length,
    d,
    y: Float64Array.from(keep, (i) => allY[i] as number),
    categorical: model.categorical,
  };
  const kernel = request.kernel ?? fitKernel(data, undefined, { maxIterations: 100 });
  const gp = new GaussianProcess(data, kernel);
  // The kriging believer, as the strategy applies it: pending trials observed at the posterior mean.
  const pendingPoints = pending.map((t) => model.toModel(t.hyperparameters));
  const fantasies = Float64Array.from(pendingPoints, (p) => gp.mean(p));
  // The strategy's incumbent: the best observed result (or a better fantasy, but for the lead's acquisition).
  const best = Math.max(...outputs);
  const incumbent = request.lead ? best : Math.max(best, ...fantasies);
  const acquisition = logEiAcquisition(
    pendingPoints.length > 0 ? gp.extend(rows(pendingPoints, d), fantasies) : gp,
    incumbent,
  );
  const toObjective = inverseTransform(Array.from(transformed), values);
  const at = model.toModel(request.at);
  const slices = request.names.map((name): PosteriorSlice => {
    const j = space.names.indexOf(name);
    const range = space.ranges()[j]?.[1];
    const coordinates = sliceCoordinates(space, name, request.resolution ?? 120);
    const out = {
      values: [] as (number | string)[],
      mean: [] as number[],
      lower: [] as number[],
      upper: [] as number[],
    };
    const logEi: number[] = [];
    for (const u of coordinates) {
      const value = space.decode(Float64Array.from({ length: d }, (_, k) => (k === j ? u : 0.5)))[name] as
        | number
        | string;
      const point = Float64Array.from(at);
      point[j] = range instanceof CategoricalParameter ? range.indexOf(value, name) : (range?.encode(value, name) ?? u);
      const { mean, variance } = gp.predict(point);
      const sd = Math.sqrt(variance);
      const [a, b] = [toObjective(mean + prior - 2 * sd), toObjective(mean + prior + 2 * sd)];
      out.values.push(typeof value === "number" ? Number(value.toPrecision(8)) : value);
      out.mean.push(toObjective(mean + prior));
      out.lower.push(Math.min(a, b));
      out.upper.push(Math.max(a, b));
      logEi.push(acquisition.evaluate(point));
    }
    return {
      name,
      ...out,
      logEi,
      suggested: request.at[name] as number | string,
      suggestedLogEi: acquisition.evaluate(at),
    };
  });
  const region = suggestionRegion(space, history, pending, request.objective, kernel);
  const searchRegion = space.names.map((_, k): [number, number] =>
    region ? [Math.max(0, region.lower[k] as number), Math.min(1, region.upper[k] as number)] : [0, 1],
  );
  return { slices, conditioned: data.n, kernel, nearRepeatResolution: resolutionPerDimension(kernel), searchRegion };
}

/**
 * The trust region a noise-aware suggestion searched with `kernel` over `history`, for the model view: per
 * dimension, bounds on the unit interval. Undefined where the suggestion was a replicate.
 */
export function suggestionRegion(
  space: SearchSpace,
  history: readonly TrialView[],
  pending: readonly TrialView[],
  objective: "Minimize" | "Maximize",
  kernel: KernelFit,
): Region | undefined {
  const model = new ModelSpace(space);
  const built = modelData(model, history, objective);
  if (!built) return undefined;
  const observedPoints = built.points.slice(0, built.observed.length);
  const gp = new GaussianProcess(built.data, kernel);
  const pendingPoints = pending.map((t) => model.toModel(t.hyperparameters));
  const distance = (p: Float64Array, q: Float64Array) => gp.scaledSquaredDistance(p, q);
  const spacing = nearRepeatSpacing(kernel, [...built.points, ...pendingPoints], distance);
  const verdict = spacing ? replicateVerdict(observedPoints, built.data.y) : "untested";
  const centre = observedPoints[bestObservedIndex(built.observed, objective)] as Float64Array;
  const search = searchRegion(
    model,
    built,
    kernel,
    centre,
    objective,
    { kept: spacing !== undefined && verdict !== "deterministic", untested: verdict === "untested" },
    initialDesignSize(model.dimension),
  );
  return "region" in search ? search.region : undefined;
}
