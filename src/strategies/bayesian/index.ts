import { createRng } from "../../random.js";
import type { SearchSpace } from "../../space/index.js";
import { SobolStrategy } from "../sobol/index.js";
import type { Strategy, SuggestContext, Suggestion, TrialView } from "../strategy.js";
import { type Acquisition, logEiAcquisition } from "./gp/acquisition.js";
import { maximizeAcquisition } from "./gp/acquisition-optimizer.js";
import { type Factorisation, fitKernel, GaussianProcess, type KernelFit, type TrainingData } from "./gp/regressor.js";

export { PRIOR_MEAN_QUANTILE, quantile } from "./training-data.js";

import { ModelSpace } from "./model-space.js";
import { nearRepeatSpacing, resolutionPerDimension } from "./near-repeat.js";
import { replicateOf, replicateVerdict } from "./replicate.js";
import { type ModelData, modelData, rows } from "./training-data.js";
import { minimumRegionLength, type Region, regionLength, trustRegion } from "./trust-region.js";

/** What a Bayesian suggestion stores with its trial: the kernel fit it used, to warm-start the next fit. */
export interface BayesianState {
  readonly kernel: KernelFit;
}

/**
 * Above this many observations the kernel is fitted on a subsample of this
 * size (the best half and a seeded draw from the rest), and refitted only
 * every REFIT_EVERY trials; in between, the last stored fit is reused. The
 * posterior itself always conditions on every observation.
 */
export const FIT_SUBSAMPLE = 256;
export const REFIT_EVERY = 10;

/**
 * L-BFGS iterations for a fit warm-started from the previous one. One new
 * observation moves the optimum little, and each trial's fit continues from
 * the last, so the optimisation is spread over trials; the fit is about half
 * of a suggestion's cost, so it is kept short. A cold fit gets 100.
 */
const WARM_FIT_ITERATIONS = 10;

/**
 * A suggestion closer than this (in the kernel's scaled squared distance r²;
 * correlation above 0.999) to a pending trial is the same experiment as far
 * as the model can tell. The believer alone can still put one there, a hair
 * down the mean's slope, so such points are skipped.
 */
const PENDING_EXCLUSION = 1.2e-3;
/** The share of a pending point's distance to the nearest observation that it excludes, when under the above. */
const PENDING_SHARE = 0.25;

/**
 * The Sobol initial design: d + 1 points, at least 5, before the GP takes
 * over. In development runs on Hartmann-6 a larger design, 2(d + 1), left
 * more runs stuck in its local minimum: the model finds the basins sooner
 * than more space-filling points do.
 */
export function initialDesignSize(dimension: number): number {
  return Math.max(5, dimension + 1);
}

/** Candidates scored per suggestion: about 2e7 floating-point operations' worth, between 256 and 2048. */
function candidateCount(n: number, d: number): number {
  return Math.max(256, Math.min(2048, Math.floor(5e6 / ((n * n) / 2 + n * d))));
}

/** Local refinements of the best candidates: fewer once each costs O(n²) on a large history. */
function refinementCount(n: number): number {
  return n > 300 ? 2 : 5;
}

function isKernelFit(value: unknown, d: number): value is KernelFit {
  const fit = value as KernelFit | undefined;
  return (
    typeof fit === "object" &&
    fit !== null &&
    Array.isArray(fit.logLambda) &&
    fit.logLambda.length === d &&
    fit.logLambda.every(Number.isFinite) &&
    Number.isFinite(fit.logScale) &&
    Number.isFinite(fit.logNoise)
  );
}

/** The kernel fit stored with the most recent trial (by index) that has one. */
export function lastStoredFit(trials: readonly TrialView[], d: number): KernelFit | undefined {
  let latest: TrialView | undefined;
  for (const trial of trials) {
    const kernel = (trial.strategyState as BayesianState | undefined)?.kernel;
    if (isKernelFit(kernel, d) && (!latest || trial.index > latest.index)) latest = trial;
  }
  return (latest?.strategyState as BayesianState | undefined)?.kernel;
}

/**
 * Kriging believer: each pending trial is treated as observed at the model's
 * mean there. That leaves the mean unchanged but removes the uncertainty
 * around it, and a fantasy better than the incumbent becomes the incumbent,
 * so the next suggestion must improve on it rather than crowd next to it.
 * (Averaging EI over joint posterior draws instead, as Spearmint does, was
 * tried: no better at 30 trials, and slower per suggestion.)
 */
function believerAcquisition(gp: GaussianProcess, pendingPoints: Float64Array[], best: number, d: number): Acquisition {
  if (pendingPoints.length === 0) return logEiAcquisition(gp, best);
  const fantasies = Float64Array.from(pendingPoints, (p) => gp.mean(p));
  let incumbent = best;
  for (const f of fantasies) incumbent = Math.max(incumbent, f);
  return logEiAcquisition(gp.extend(rows(pendingPoints, d), fantasies), incumbent);
}

/** The index (in `observed`) of the best observed value. */
function bestObservedIndex(observed: readonly TrialView[], objective: "Minimize" | "Maximize"): number {
  const sign = objective === "Minimize" ? -1 : 1;
  let best = 0;
  observed.forEach((t, i) => {
    if (sign * (t.value as number) > sign * ((observed[best] as TrialView).value as number)) best = i;
  });
  return best;
}

/**
 * The best posterior mean at the observed points: the value EI must beat on a noisy objective, where the best
 * observed value is partly a lucky draw. On a deterministic one the two agree (the mean interpolates).
 */
export function bestPosteriorMean(gp: GaussianProcess, points: readonly Float64Array[]): number {
  let best = Number.NEGATIVE_INFINITY;
  for (const p of points) best = Math.max(best, gp.mean(p));
  return best;
}

/**
 * The radius (scaled squared distance) around a pending trial where no suggestion goes: PENDING_EXCLUSION, or a
 * quarter of the pending point's own distance to the nearest observation when that is less. A pending trial
 * that refines the incumbent by 1e-4 then blocks a ball of that size, not 1% of every range, and the other
 * parallel slots can refine too instead of being pushed out of the basin.
 */
function pendingExclusion(
  q: Float64Array,
  observed: readonly Float64Array[],
  distance: (a: Float64Array, b: Float64Array) => number,
): number {
  let gap = Number.POSITIVE_INFINITY;
  for (const o of observed) gap = Math.min(gap, distance(q, o));
  return Math.min(PENDING_EXCLUSION, PENDING_SHARE * gap);
}

/**
 * Where the acquisition is maximised (trust-region.ts): the box around the best observed point, its side
 * replayed from the results. On a noisy objective the box stops at a few near-repeat resolutions; when it
 * would shrink below that before any replicate has been run (`untested`), the answer is a replicate of the
 * best point (replicate.ts), which tells noise from unresolved structure.
 */
function searchRegion(
  model: ModelSpace,
  built: ModelData,
  kernel: KernelFit,
  centre: Float64Array,
  objective: "Minimize" | "Maximize",
  spacing: { readonly kept: boolean; readonly untested: boolean },
): { region: Region } | { replicate: Float64Array } {
  const d = model.dimension;
  const sign = objective === "Minimize" ? -1 : 1;
  const told = [...built.observed].sort((a, b) => a.index - b.index).map((t) => sign * (t.value as number));
  const numeric = model.dimensions.map((x) => x.kind !== "categorical");
  const continuous = model.dimensions.map((x) => x.kind === "continuous");
  const floor = spacing.kept ? minimumRegionLength(kernel, resolutionPerDimension(kernel), numeric) : undefined;
  if (floor !== undefined && spacing.untested && continuous.some(Boolean)) {
    if (regionLength(told, initialDesignSize(d), d) < floor) return { replicate: replicateOf(centre, continuous) };
  }
  return { region: trustRegion(centre, regionLength(told, initialDesignSize(d), d, floor), kernel, numeric) };
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
  const search = searchRegion(model, built, kernel, centre, objective, {
    kept: spacing !== undefined && verdict !== "deterministic",
    untested: verdict === "untested",
  });
  return "region" in search ? search.region : undefined;
}

export interface BayesianOptions {
  /**
   * Whether suggestions avoid points the model cannot tell apart from an observation (near-repeat.ts), and EI
   * improves on the best posterior mean among the observations rather than on the best observed value (which on
   * a noisy objective is the luckiest draw). On by default; off reproduces the earlier search, for comparison.
   */
  readonly noiseAware?: boolean;
}

/**
 * Gaussian-process Bayesian optimisation: a Matérn-5/2 ARD GP over the model
 * space, log expected improvement, and kriging-believer fantasies at pending
 * trials so parallel suggestions spread out. A pure function of the context:
 * the only carried state is the kernel fit stored with each trial.
 */
export class BayesianStrategy implements Strategy {
  readonly name = "Bayesian";
  private readonly initial = new SobolStrategy();
  /**
   * The last history factorisation, reused when the kernel fit is unchanged
   * (between refits of a long run): a memo that never changes a result.
   */
  private lastFactorisation: Factorisation | undefined;
  private readonly noiseAware: boolean;

  constructor(options: BayesianOptions = {}) {
    this.noiseAware = options.noiseAware ?? true;
  }

  checkSpace(space: SearchSpace): void {
    this.initial.checkSpace(space);
  }

  suggest(context: SuggestContext): Suggestion {
    const { space, history, pending, trialIndex, objective } = context;
    const model = new ModelSpace(space);
    const d = model.dimension;
    const observed = history.filter((t) => t.value !== undefined && Number.isFinite(t.value));
    const takenKeys = () => new Set([...history, ...pending].map((t) => model.key(model.toModel(t.hyperparameters))));
    // Results a warm start brought from parent tuning jobs (negative indices) count toward the initial design.
    const inherited = observed.filter((t) => t.index < 0).length;
    if (trialIndex + inherited < initialDesignSize(d) || observed.length < 2) {
      // On integer or categorical ranges two Sobol points can decode to one configuration: never suggest it twice.
      const design = this.initial.suggest(context);
      const taken = takenKeys();
      if (design === "exhausted" || !taken.has(model.key(model.toModel(design.hyperparameters)))) return design;
      return this.unseenPoint(space, model, taken, createRng(context.seed, "bayesian", trialIndex));
    }

    const built = modelData(model, history, objective) as ModelData; // two values at least, checked above
    const { data, points, best } = built;
    const kernel = this.kernelFor(data, context);
    const gp = new GaussianProcess(data, kernel, this.lastFactorisation);
    this.lastFactorisation = gp.factorisation;

    const rng = createRng(context.seed, "bayesian", trialIndex);
    const pendingPoints = pending.map((t) => model.toModel(t.hyperparameters));
    const incumbent = this.noiseAware ? bestPosteriorMean(gp, points.slice(0, built.observed.length)) : best;
    const acquisition = believerAcquisition(gp, pendingPoints, incumbent, d);
    const observedPoints = points.slice(0, built.observed.length);
    const distance = (p: Float64Array, q: Float64Array) => gp.scaledSquaredDistance(p, q);
    let spacing = this.noiseAware ? nearRepeatSpacing(kernel, [...points, ...pendingPoints], distance) : undefined;
    const verdict = spacing ? replicateVerdict(observedPoints, data.y) : "untested";
    // A replicate agreed with its original: what the fit calls noise is structure the search can refine.
    if (verdict === "deterministic") spacing = undefined;

    const taken = takenKeys();
    const pendingRadius = pendingPoints.map((q) => pendingExclusion(q, observedPoints, distance));
    const centre = observedPoints[bestObservedIndex(built.observed, objective)] as Float64Array;
    const search = searchRegion(model, built, kernel, centre, objective, {
      kept: spacing !== undefined,
      untested: verdict === "untested",
    });
    if ("replicate" in search) {
      if (!taken.has(model.key(search.replicate))) {
        return { hyperparameters: model.toHyperparameters(search.replicate), state: { kernel } };
      }
    }
    const region = "region" in search ? search.region : undefined;
    const outputs = data.y.subarray(0, built.observed.length);
    const order = Array.from(outputs, (_, i) => i).sort((a, b) => (outputs[b] as number) - (outputs[a] as number));
    const problem = {
      acquisition,
      dimensions: model.dimensions,
      anchors: order.map((i) => points[i] as Float64Array),
      isExcluded: (p: Float64Array) =>
        taken.has(model.key(p)) || pendingPoints.some((q, i) => distance(p, q) < (pendingRadius[i] as number)),
      ...(spacing ? { spacing } : {}),
      rng,
    };
    const options = {
      candidates: candidateCount(gp.n + pendingPoints.length, d),
      refinements: refinementCount(gp.n + pendingPoints.length),
      maxIterations: 50,
    };
    let choice = maximizeAcquisition(region ? { ...problem, region } : problem, options);
    if (!choice || (spacing && spacing.gap(choice.point) < spacing.minimum)) {
      // The region holds nothing the model can tell apart from earlier points: the search goes global.
      choice = maximizeAcquisition(problem, options);
    }
    const state: BayesianState = { kernel };
    if (choice) return { hyperparameters: model.toHyperparameters(choice.point), state };
    return this.unseenPoint(space, model, taken, rng, state);
  }

  /** The MAP kernel fit, warm-started from the last stored one; see FIT_SUBSAMPLE for large histories. */
  private kernelFor(data: TrainingData, context: SuggestContext): KernelFit {
    const stored = lastStoredFit([...context.history, ...context.pending], data.d);
    if (data.n <= FIT_SUBSAMPLE) return fitKernel(data, stored, { maxIterations: stored ? WARM_FIT_ITERATIONS : 100 });
    if (stored && context.trialIndex % REFIT_EVERY !== 0) return stored;
    return fitKernel(
      subsample(data, FIT_SUBSAMPLE, createRng(context.seed, "fit-subsample", context.trialIndex)),
      stored,
      {
        maxIterations: stored ? WARM_FIT_ITERATIONS : 100,
      },
    );
  }

  /** Every candidate repeated a configuration: draw unseen ones at random, or report the space exhausted. */
  private unseenPoint(
    space: SearchSpace,
    model: ModelSpace,
    taken: Set<string>,
    rng: ReturnType<typeof createRng>,
    state?: BayesianState,
  ): Suggestion {
    if (space.size() <= taken.size) return "exhausted";
    for (let attempt = 0; attempt < 10_000; attempt++) {
      const u = Float64Array.from({ length: model.dimension }, () => rng.next());
      const hyperparameters = space.decode(u);
      if (!taken.has(model.key(model.toModel(hyperparameters)))) {
        return state === undefined ? { hyperparameters } : { hyperparameters, state };
      }
    }
    return "exhausted";
  }
}

/** The best half of the observations and a seeded draw of the rest, `size` in all. */
function subsample(data: TrainingData, size: number, rng: ReturnType<typeof createRng>): TrainingData {
  const order = Array.from({ length: data.n }, (_, i) => i).sort(
    (a, b) => (data.y[b] as number) - (data.y[a] as number),
  );
  const chosen = order.slice(0, size >> 1);
  const rest = order.slice(size >> 1);
  for (let i = 0; i < size - chosen.length; i++) {
    const j = i + rng.int(rest.length - i);
    [rest[i], rest[j]] = [rest[j] as number, rest[i] as number];
    chosen.push(rest[i] as number);
  }
  chosen.sort((a, b) => a - b);
  const x = new Float64Array(chosen.length * data.d);
  chosen.forEach((i, k) => {
    x.set(data.x.subarray(i * data.d, (i + 1) * data.d), k * data.d);
  });
  return { ...data, x, n: chosen.length, y: Float64Array.from(chosen, (i) => data.y[i] as number) };
}
