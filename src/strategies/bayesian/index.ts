import { createRng } from "../../random.js";
import type { SearchSpace } from "../../space/index.js";
import { SobolStrategy } from "../sobol/index.js";
import type { Strategy, SuggestContext, Suggestion, TrialView } from "../strategy.js";
import { pendingTrial, slotContext } from "../suggest-batch.js";
import { maximizeAcquisition } from "./gp/acquisition-optimizer.js";
import { type Factorisation, fitKernel, GaussianProcess, type KernelFit, type TrainingData } from "./gp/regressor.js";

export { initialDesignSize } from "./design.js";
export { type BayesianState, lastStoredFit } from "./stored-fit.js";
export { PRIOR_MEAN_QUANTILE, quantile } from "./training-data.js";

import { Believer, bestPosteriorIndex } from "./believer.js";
import { candidateCount, fitIterations, initialDesignSize, refinementCount } from "./design.js";
import { MODEL_ROWS, modelRows, outsideModel } from "./model-rows.js";
import { ModelSpace } from "./model-space.js";
import { nearRepeatSpacing, noiseToSignal } from "./near-repeat.js";
import { plateauFantasies, stuckOnPlateau } from "./plateau.js";
import { replicateVerdict } from "./replicate.js";
import { bestObservedIndex, pendingExclusion, searchRegion } from "./search-region.js";
import { type BayesianState, lastStoredFit } from "./stored-fit.js";
import { type ModelData, modelData, rows, selectRows } from "./training-data.js";

/**
 * Above this many observations the kernel is fitted on a subsample of this
 * size (the best half and a seeded draw from the rest), and refitted only
 * every REFIT_EVERY trials; in between, the last stored fit is reused. The
 * posterior itself always conditions on every observation.
 */
export const FIT_SUBSAMPLE = 256;
export const REFIT_EVERY = 10;

/**
 * Plateaus (plateau.ts): after this many results in a row that tie at the best value, the next suggestion is a
 * fresh point of the design's sequence instead of the model's. On the tree-model table of bench:bayesian, one
 * tie in a row (every other suggestion fresh while stuck) and a space-filling choice among random points instead
 * of the Sobol point did no better in development runs (10 seeds).
 */
const PLATEAU_REPEATS = 2;

/**
 * Ties count as a plateau only while the fitted noise is below this fraction of the signal's variance: on the
 * tree-model tables it stays near 2e-3 and falls, while the HPOBench tables, whose accuracies are draws of five
 * seeds (equal by chance, as discrete metrics often are), fit 0.07 to 0.13 after their first 10 trials.
 */
const PLATEAU_MAX_NOISE = 1e-2;

/** What every slot of a batch shares: the model of the history, and the believer its pending points join. */
interface PreparedModel {
  readonly model: ModelSpace;
  readonly gp: GaussianProcess;
  readonly kernel: KernelFit;
  /** Model-space points of every history row (observed, then failed): what suggestions keep their spacing from. */
  readonly points: readonly Float64Array[];
  /** Observed points, best first. */
  readonly anchors: readonly Float64Array[];
  readonly believer: Believer;
  /** Above modelRows: whether a point's nearest result is one the posterior left out (model-rows.ts). */
  readonly outside: ((point: Float64Array) => boolean) | undefined;
  /** The last results tied at the best value on a deterministic objective: each slot takes a fresh design point. */
  readonly stuck: boolean;
  /** The history as modelled: what the trust region and the replicate's verdict are read from. */
  readonly built: ModelData;
  /** The model-space point of the best observation. */
  readonly bestObserved: Float64Array;
  /**
   * Searching alone on the noise-aware search: the observation with the best posterior mean, where the trust region
   * is centred unless a replicate shows the objective deterministic. Otherwise undefined.
   */
  readonly bestMean: Float64Array | undefined;
  /**
   * Results tie at the best value on a deterministic objective (the model was flattened between them): the
   * acquisition looks everywhere, since a trust region around a point of the plateau would hold the search there.
   */
  readonly onPlateau: boolean;
}

export interface BayesianOptions {
  /**
   * Whether suggestions avoid points the model cannot tell apart from an observation (near-repeat.ts), and a
   * search with no trial pending centres its trust region on the observation with the best posterior mean rather
   * than on the best observed value (which on a noisy objective is the luckiest draw). On by default; off turns
   * both off, for comparison.
   */
  readonly noiseAware?: boolean;
  /** How many rows the posterior conditions on at most (model-rows.ts); MODEL_ROWS by default. */
  readonly modelRows?: number;
  /**
   * Whether observations with exactly equal values flatten the model between them (plateau.ts), so the search
   * leaves a plateau instead of filling it. On by default; off reproduces the earlier search, for comparison.
   */
  readonly plateauAware?: boolean;
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
  private readonly modelRows: number;
  private readonly plateauAware: boolean;

  constructor(options: BayesianOptions = {}) {
    this.noiseAware = options.noiseAware ?? true;
    this.modelRows = options.modelRows ?? MODEL_ROWS;
    this.plateauAware = options.plateauAware ?? true;
  }

  checkSpace(space: SearchSpace): void {
    this.initial.checkSpace(space);
  }

  suggest(context: SuggestContext): Suggestion {
    return this.suggestBatch(context, 1)[0] as Suggestion;
  }

  /**
   * Suggestions for `count` slots at once (trial indices trialIndex, trialIndex + 1, ...): one kernel fit and
   * one factorisation serve them all, and each suggestion is a pending trial to the ones after it, handled as
   * any pending trial is (the believer). Ends early, with "exhausted" last, when the space is.
   */
  suggestBatch(context: SuggestContext, count: number): Suggestion[] {
    const model = new ModelSpace(context.space);
    const taken = new Set(
      [...context.history, ...context.pending].map((t) => model.key(model.toModel(t.hyperparameters))),
    );
    const out: Suggestion[] = [];
    const made: TrialView[] = [];
    let prepared: PreparedModel | undefined;
    for (let i = 0; i < count; i++) {
      const slot = slotContext(context, made);
      let suggestion: Suggestion;
      if (this.inDesign(slot, model)) suggestion = this.designPoint(slot, model, taken);
      else {
        prepared ??= this.prepare(slot, model, context.pending.length === 0 && count === 1);
        suggestion = this.choose(prepared, slot, taken);
      }
      out.push(suggestion);
      if (suggestion === "exhausted") break;
      taken.add(model.key(model.toModel(suggestion.hyperparameters)));
      made.push(pendingTrial(slot.trialIndex, suggestion));
    }
    return out;
  }

  /** The Sobol initial design: d + 1 points (results a warm start brought count), or while under two results. */
  private inDesign({ history, trialIndex }: SuggestContext, model: ModelSpace): boolean {
    const observed = history.filter((t) => t.value !== undefined && Number.isFinite(t.value));
    // Results a warm start brought from parent tuning jobs (negative indices) count toward the initial design.
    const inherited = observed.filter((t) => t.index < 0).length;
    return trialIndex + inherited < initialDesignSize(model.dimension) || observed.length < 2;
  }

  private designPoint(context: SuggestContext, model: ModelSpace, taken: Set<string>): Suggestion {
    // On integer or categorical ranges two Sobol points can decode to one configuration: never suggest it twice.
    const design = this.initial.suggest(context);
    if (design === "exhausted" || !taken.has(model.key(model.toModel(design.hyperparameters)))) return design;
    return this.unseenPoint(context.space, model, taken, createRng(context.seed, "bayesian", context.trialIndex));
  }

  /**
   * The kernel fit and the posterior on the history, shared by every slot of a batch. `alone`: one suggestion
   * with no trial pending (sequential search).
   */
  private prepare(context: SuggestContext, model: ModelSpace, alone: boolean): PreparedModel {
    const built = modelData(model, context.history, context.objective) as ModelData; // two values at least
    const { data, points, best } = built;
    const kernel = this.kernelFor(data, context);
    // Exact ties say "plateau" only where the objective is deterministic; on a noisy one they are chance.
    const plateaus = this.plateauAware && noiseToSignal(kernel) < PLATEAU_MAX_NOISE;
    const scored = built.observed.map((t, i) => ({
      index: t.index,
      value: t.value as number,
      point: points[i] as Float64Array,
    }));
    const stuck = plateaus && stuckOnPlateau(scored, context.objective, PLATEAU_REPEATS, model.categorical);
    const conditioned = modelRows(data, kernel, this.modelRows);
    const gp = new GaussianProcess(conditioned.data, kernel, this.lastFactorisation);
    this.lastFactorisation = gp.factorisation;
    // Among the modelled rows only: the rows left out are neither near the best result nor among the best ones.
    const modelled = conditioned.rows.filter((i) => i < built.observed.length).map((i) => points[i] as Float64Array);
    const bestMean = this.noiseAware && alone ? modelled[bestPosteriorIndex(gp, modelled)] : undefined;
    const bestObserved = points[bestObservedIndex(built.observed, context.objective)] as Float64Array;
    // EI must beat the best observed value, not the best posterior mean: on a noisy objective the lucky draw raises
    // the bar, and EI then looks for room beyond it rather than next to it (measured better on the noisy suites and,
    // with trials pending, on the noise-free ones: bench/results/bayesian-2026-12-01-noisy.md, -parallel.md).
    // Searching alone, the trust region is centred where the model puts the optimum, the observation with the best
    // posterior mean, not on the luckiest draw; with trials pending, on the best observation, which is the newest
    // step of a descent more often than not (centring on the mean there measured no better).
    const outputs = data.y.subarray(0, built.observed.length);
    const order = Array.from(outputs, (_, i) => i).sort((a, b) => (outputs[b] as number) - (outputs[a] as number));
    const seen = plateaus ? this.flattened(gp, built, context) : gp;
    return {
      model,
      gp,
      kernel,
      points,
      anchors: order.map((i) => points[i] as Float64Array),
      // The acquisition sees the model flattened between exact ties at the best value (plateau.ts).
      believer: new Believer(seen, best),
      outside: outsideModel(data, conditioned.rows, kernel),
      stuck,
      built,
      bestObserved,
      bestMean,
      onPlateau: seen !== gp,
    };
  }

  /** One slot's suggestion: its pending trials (earlier slots' among them) believed, then the acquisition's best. */
  private choose(prepared: PreparedModel, context: SuggestContext, taken: Set<string>): Suggestion {
    const { model, gp, kernel, points, anchors, believer, outside } = prepared;
    if (prepared.stuck) {
      // The design's sequence at this slot's index: a fresh point no earlier design point took.
      const fresh = this.initial.suggest(context);
      if (fresh !== "exhausted" && !taken.has(model.key(model.toModel(fresh.hyperparameters)))) {
        return { hyperparameters: fresh.hyperparameters, state: { kernel } satisfies BayesianState };
      }
      const rng = createRng(context.seed, "bayesian", context.trialIndex);
      return this.unseenPoint(context.space, model, taken, rng, { kernel });
    }
    const { built } = prepared;
    const pendingPoints = context.pending.map((t) => model.toModel(t.hyperparameters));
    believer.believe(pendingPoints.slice(believer.believed));
    const observedPoints = points.slice(0, built.observed.length);
    const distance = (p: Float64Array, q: Float64Array) => gp.scaledSquaredDistance(p, q);
    let spacing = this.noiseAware ? nearRepeatSpacing(kernel, [...points, ...pendingPoints], distance) : undefined;
    const verdict = spacing ? replicateVerdict(observedPoints, built.data.y) : "untested";
    // A replicate agreed with its original: what the fit calls noise is structure the search can refine (unless it
    // agreed exactly: flat at that scale, where refinement finds the same value again; replicate.ts).
    if (verdict === "deterministic") spacing = undefined;
    const rng = createRng(context.seed, "bayesian", context.trialIndex);
    const pendingRadius = pendingPoints.map((q) => pendingExclusion(q, observedPoints, distance));
    const search = searchRegion(
      model,
      built,
      kernel,
      // On a deterministic objective the best observation is the truth, whatever the fitted noise makes of it.
      prepared.bestMean && verdict !== "deterministic" ? prepared.bestMean : prepared.bestObserved,
      context.objective,
      { kept: spacing !== undefined, untested: verdict === "untested" },
      initialDesignSize(model.dimension),
    );
    if ("replicate" in search && !taken.has(model.key(search.replicate))) {
      return { hyperparameters: model.toHyperparameters(search.replicate), state: { kernel } };
    }
    const region = "region" in search && !prepared.onPlateau ? search.region : undefined;
    const rowCount = believer.rows;
    const problem = {
      acquisition: believer.acquisition(),
      dimensions: model.dimensions,
      anchors,
      isExcluded: (p: Float64Array) =>
        taken.has(model.key(p)) ||
        pendingPoints.some((q, i) => distance(p, q) < (pendingRadius[i] as number)) ||
        (outside?.(p) ?? false),
      ...(spacing ? { spacing } : {}),
      rng,
    };
    const options = {
      candidates: candidateCount(rowCount, model.dimension),
      refinements: refinementCount(rowCount),
      maxIterations: 50,
    };
    if (pendingPoints.length > 0) {
      // The lead (pending-lead.ts): kept apart from earlier configurations, not from the pending trials' balls.
      const lead = {
        ...problem,
        acquisition: believer.leadAcquisition(),
        isExcluded: (p: Float64Array) => taken.has(model.key(p)) || (outside?.(p) ?? false),
      };
      const step = maximizeAcquisition(region ? { ...lead, region } : lead, options);
      if (
        step &&
        believer.leadIsNew(step.point, pendingPoints) &&
        !(spacing && spacing.gap(step.point) < spacing.minimum)
      ) {
        return { hyperparameters: model.toHyperparameters(step.point), state: { kernel, lead: true } };
      }
    }
    let choice = maximizeAcquisition(region ? { ...problem, region } : problem, options);
    if (!choice || (spacing && spacing.gap(choice.point) < spacing.minimum)) {
      // The region holds nothing the model can tell apart from earlier points: the search goes global.
      choice = maximizeAcquisition(problem, options);
    }
    const state: BayesianState = { kernel };
    if (choice) return { hyperparameters: model.toHyperparameters(choice.point), state };
    return this.unseenPoint(context.space, model, taken, rng, state);
  }

  /** The GP the acquisition sees: told, where observations tie exactly, that it is flat between them. */
  private flattened(gp: GaussianProcess, built: ModelData, context: SuggestContext): GaussianProcess {
    const n = built.observed.length;
    const fantasies = plateauFantasies(
      built.points.slice(0, n),
      built.observed.map((t) => t.value as number),
      built.data.y.subarray(0, n),
      built.data.categorical,
      createRng(context.seed, "plateau", context.trialIndex),
    );
    if (fantasies.points.length === 0) return gp;
    return gp.extend(rows(fantasies.points, built.data.d), Float64Array.from(fantasies.values));
  }

  /** The MAP kernel fit, warm-started from the last stored one; see FIT_SUBSAMPLE for large histories. */
  private kernelFor(data: TrainingData, context: SuggestContext): KernelFit {
    const stored = lastStoredFit([...context.history, ...context.pending], data.d);
    if (data.n <= FIT_SUBSAMPLE) return fitKernel(data, stored, { maxIterations: fitIterations(stored) });
    if (stored && context.trialIndex % REFIT_EVERY !== 0) return stored;
    return fitKernel(
      subsample(data, FIT_SUBSAMPLE, createRng(context.seed, "fit-subsample", context.trialIndex)),
      stored,
      { maxIterations: fitIterations(stored) },
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
  return selectRows(data, chosen);
}
