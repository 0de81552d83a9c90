import { median, type StopDecision, type Stopper } from "./stopper.js";

/** The median rule acts only with at least this many other jobs that reached the epoch. */
export const MEDIAN_RULE_MIN_JOBS = 5;

/**
 * SageMaker's early stopping (`TrainingJobEarlyStoppingType: Auto`): after a
 * job's n-th objective value, take the running average over epochs 1..n of
 * every other job that has at least n values; with at least five of them,
 * stop the job when its value is strictly worse than their median.
 */
export class MedianRule implements Stopper {
  decide(series: readonly number[], epoch: number, others: readonly (readonly number[])[]): StopDecision | undefined {
    const averages: number[] = [];
    for (const other of others) {
      if (other.length < epoch) continue;
      let sum = 0;
      for (let i = 0; i < epoch; i++) sum += other[i] as number;
      averages.push(sum / epoch);
    }
    if (averages.length < MEDIAN_RULE_MIN_JOBS) return undefined;
    const threshold = median(averages);
    const value = series[epoch - 1] as number;
    if (!(value > threshold)) return undefined;
    return {
      reason: "early-stopping",
      detail: `epoch ${epoch}: worse than the median of ${averages.length} other jobs' running averages`,
    };
  }
}
