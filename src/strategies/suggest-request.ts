import { createRng } from "../random.js";
import { type RangeSpec, SearchSpace } from "../space/index.js";
import type { StrategyName } from "./registry.js";
import type { ObjectiveType, Strategy, SuggestContext, Suggestion, TrialView } from "./strategy.js";
import { suggestMany } from "./suggest-batch.js";

/**
 * One suggestion, as plain data: what a tuner sends to a worker thread (or
 * another process) so the suggestion is computed away from its event loop.
 */
export interface SuggestRequest {
  readonly strategy: StrategyName;
  readonly ranges: Record<string, RangeSpec>;
  readonly objective: ObjectiveType;
  readonly history: readonly TrialView[];
  readonly pending: readonly TrialView[];
  readonly trialIndex: number;
  readonly seed: number;
  /** How many free slots to suggest for (trial indices trialIndex onward); 1 when absent. */
  readonly count?: number;
  /** See SuggestContext.judgedAt. */
  readonly judgedAt?: Readonly<Record<number, readonly number[]>>;
}

/** The context every caller builds the same way, so a suggestion does not depend on where it is computed. */
export function suggestContext(
  space: SearchSpace,
  request: Omit<SuggestRequest, "strategy" | "ranges">,
): SuggestContext {
  return {
    space,
    objective: request.objective,
    history: request.history,
    pending: request.pending,
    trialIndex: request.trialIndex,
    seed: request.seed,
    ...(request.judgedAt ? { judgedAt: request.judgedAt } : {}),
    rng: createRng(request.seed, "trial", request.trialIndex),
  };
}

/** The request's suggestions: `count` of them (see suggestMany), ending early with "exhausted" last. */
export function runSuggestRequest(strategy: Strategy, request: SuggestRequest): Suggestion[] {
  return suggestMany(strategy, suggestContext(SearchSpace.fromSpecs(request.ranges), request), request.count ?? 1);
}
