import { createRng } from "../random.js";
import type { Strategy, SuggestContext, Suggestion, TrialView } from "./strategy.js";

/** Slot i of a batch: its trial index, its own draws, and the batch's earlier suggestions as pending trials. */
export function slotContext(context: SuggestContext, made: readonly TrialView[]): SuggestContext {
  if (made.length === 0) return context;
  const trialIndex = context.trialIndex + made.length;
  return {
    ...context,
    trialIndex,
    pending: [...context.pending, ...made],
    rng: createRng(context.seed, "trial", trialIndex),
  };
}

/** A suggestion made for `index`, as the pending trial it becomes. */
export function pendingTrial(index: number, suggestion: Exclude<Suggestion, "exhausted">): TrialView {
  return {
    index,
    hyperparameters: suggestion.hyperparameters,
    state: "Pending",
    ...(suggestion.state === undefined ? {} : { strategyState: suggestion.state }),
  };
}

/**
 * Suggestions for `count` free slots, trial indices context.trialIndex onward: the strategy's own batch when it
 * has one (the GP fits once for all), else one suggestion per slot with the earlier ones pending, which is what
 * the slots would have asked one after another. Ends early, with "exhausted" last, when the space is.
 */
export function suggestMany(strategy: Strategy, context: SuggestContext, count: number): Suggestion[] {
  if (strategy.suggestBatch) return strategy.suggestBatch(context, count);
  const out: Suggestion[] = [];
  const made: TrialView[] = [];
  for (let i = 0; i < count; i++) {
    const slot = slotContext(context, made);
    const suggestion = strategy.suggest(slot);
    out.push(suggestion);
    if (suggestion === "exhausted") break;
    made.push(pendingTrial(slot.trialIndex, suggestion));
  }
  return out;
}
