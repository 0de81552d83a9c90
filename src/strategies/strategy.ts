import type { Rng } from "../random.js";
import type { Hyperparameters, SearchSpace } from "../space/index.js";

export type ObjectiveType = "Maximize" | "Minimize";

/** What a strategy may know about one trial: history comes from the store, never from private memory. */
export interface TrialView {
  /** The trial's index; negative for a result a warm start brought from a parent tuning job. */
  readonly index: number;
  readonly hyperparameters: Hyperparameters;
  readonly state: "Pending" | "Completed" | "Failed" | "Stopped";
  /** The final objective value, for completed (and stopped) trials that reported one. */
  readonly value?: number;
  /** What the strategy stored with this trial when it suggested it (a Bayesian kernel fit), if anything. */
  readonly strategyState?: unknown;
  /**
   * The objective's values in the order the job emitted them (one per epoch), in the objective's own units, for
   * strategies that model the learning curve's rungs (model-based Hyperband); absent elsewhere.
   */
  readonly series?: readonly number[];
}

/**
 * Everything a suggestion depends on. Strategies are pure functions of this:
 * the same context gives the same suggestion in any process, so a resumed or
 * distributed tuner suggests exactly what an uninterrupted one would.
 */
export interface SuggestContext {
  readonly space: SearchSpace;
  readonly objective: ObjectiveType;
  /** Finished trials (completed, failed, stopped), oldest first. */
  readonly history: readonly TrialView[];
  /** Trials suggested but not yet finished. */
  readonly pending: readonly TrialView[];
  /** The index the suggested trial will get: 0 for the first trial, counted by the store. */
  readonly trialIndex: number;
  /** The tuning job's seed, for state that must be shared by all its trials (a Sobol scramble). */
  readonly seed: number;
  /**
   * Where each trial about to be suggested will be judged, by trial index: the epochs at which Hyperband's
   * rungs look at it (none: it runs to MaxResource). Only with Hyperband's model-based sampler; absent elsewhere.
   */
  readonly judgedAt?: Readonly<Record<number, readonly number[]>>;
  /** A stream derived from (seed, trialIndex): draws for this suggestion only. */
  readonly rng: Rng;
}

/**
 * A configuration to try, and optionally state to store with its trial (it
 * comes back as TrialView.strategyState, so it is part of the history).
 */
export type Suggestion = { readonly hyperparameters: Hyperparameters; readonly state?: unknown } | "exhausted";

export interface Strategy {
  readonly name: string;
  /** Throws a typed error when the strategy cannot search this space (Grid needs categorical ranges). */
  checkSpace(space: SearchSpace): void;
  suggest(context: SuggestContext): Suggestion;
  /**
   * Suggestions for `count` slots at once, trial indices context.trialIndex onward, each earlier one pending to
   * the next; ends early with "exhausted" last. Optional: a strategy whose suggestions share costly work (a
   * model fit) offers it, and suggestMany (suggest-batch.ts) asks one slot at a time of the others.
   */
  suggestBatch?(context: SuggestContext, count: number): Suggestion[];
}
