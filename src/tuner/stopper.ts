/** Why a stopper ends a job: the StopReason recorded, and a sentence for the job's log and the display. */
export interface StopDecision {
  readonly reason: "early-stopping" | "hyperband-rung" | "hyperband-max-resource";
  readonly detail: string;
}

/**
 * Decides, from intermediate objective values, whether a running job should
 * stop. Separate from the strategy that proposes configurations: early
 * stopping (the median rule) and Hyperband's rungs are both stoppers.
 *
 * Values are oriented so that smaller is better, and only finite values count:
 * the n-th value a job emitted is its epoch n.
 */
export interface Stopper {
  /**
   * Looks at `job` after its epoch `epoch` (1-based, `series.length >= epoch`),
   * against every other job of the tuning job (running or ended).
   */
  decide(
    series: readonly number[],
    epoch: number,
    others: readonly (readonly number[])[],
    group?: number,
  ): StopDecision | undefined;
  /**
   * Jobs are compared only with jobs of the same group (Hyperband's brackets); a pure function of the trial
   * index and the tuning job's seed, so a resumed tuner groups them the same way. Without it, one group.
   */
  group?(trialIndex: number, seed: number): number;
  /**
   * The epochs at which a trial of this index will be judged (Hyperband: its bracket's rungs; none when it
   * runs to MaxResource), for a strategy that picks configurations for where they will be judged.
   */
  judgedAt?(trialIndex: number, seed: number): readonly number[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
