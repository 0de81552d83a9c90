import type { CompletionCriteria } from "../config/tuning-job-request.js";

/** A result counts as an improvement when it beats the best by more than this share of max(|best|, 1e-12). */
export const IMPROVEMENT_SHARE = 0.01;
/** Convergence: the recent results must come this close to the best, and none may have beaten it by more. */
export const CONVERGENCE_CLOSE_SHARE = 0.01;
export const CONVERGENCE_MOVE_SHARE = 0.001;
export const CONVERGENCE_MIN_RESULTS = 10;

export interface CompletionCheck {
  /** Results since the best last improved by more than 1% (TuningJobCompletionDetails). */
  readonly notImproving: number;
  readonly converged: boolean;
  /** Why the tuning job is complete, if it is. */
  readonly reason?: string;
}

const scale = (best: number) => Math.max(Math.abs(best), 1e-12);

/**
 * TuningJobCompletionCriteria over the objective values of finished jobs, in
 * the order they finished, oriented so that smaller is better.
 *
 * Convergence, which SageMaker does not define, is ours: with at least
 * CONVERGENCE_MIN_RESULTS results, the last W = max(5, ⌈MaxNumberOfTrainingJobs/10⌉)
 * results all came from a search that keeps returning to the optimum without
 * moving it: the best of them is within 1% of max(|best|, 1e-12) of the overall
 * best, and none improved the best by more than 0.1%. A strategy still
 * exploring (or Random) rarely lands that close W times in a row.
 */
export function checkCompletion(
  results: readonly number[],
  criteria: CompletionCriteria,
  maxJobs: number,
  oriented: (value: number) => number,
): CompletionCheck {
  let best = Number.POSITIVE_INFINITY;
  let notImproving = 0;
  let lastBigMove = -1;
  results.forEach((value, i) => {
    if (best - value > IMPROVEMENT_SHARE * scale(best) || best === Number.POSITIVE_INFINITY) notImproving = 0;
    else notImproving++;
    if (best === Number.POSITIVE_INFINITY || best - value > CONVERGENCE_MOVE_SHARE * scale(best)) lastBigMove = i;
    best = Math.min(best, value);
  });
  const window = Math.max(5, Math.ceil(maxJobs / 10));
  const recent = results.slice(-window);
  const converged =
    results.length >= CONVERGENCE_MIN_RESULTS &&
    lastBigMove < results.length - window &&
    Math.min(...recent) - best <= CONVERGENCE_CLOSE_SHARE * scale(best);
  const target = criteria.target === undefined ? undefined : oriented(criteria.target);
  const reason =
    target !== undefined && best <= target
      ? "TargetObjectiveMetricValue reached"
      : criteria.notImproving !== undefined && notImproving >= criteria.notImproving
        ? `the best objective did not improve for ${notImproving} jobs`
        : criteria.convergence && converged
          ? "convergence detected"
          : undefined;
  return { notImproving, converged, ...(reason ? { reason } : {}) };
}
