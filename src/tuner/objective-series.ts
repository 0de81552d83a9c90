import type { MetricPoint } from "../store/index.js";
import type { Stopper } from "./stopper.js";

/**
 * What the stopper judges on: each job's objective values in emission order,
 * oriented so that smaller is better, for the job's current attempt only (a
 * retried job starts its series again). Fed by the executor's events, one
 * point at a time, and replaced by the store's series when a job ends.
 */
export class ObjectiveSeries {
  private readonly values = new Map<string, number[]>();
  private readonly attempts = new Map<string, number>();
  private readonly groups = new Map<string, number>();
  /** How many of each job's values the stopper has already looked at. */
  private readonly judged = new Map<string, number>();

  constructor(
    private readonly stopper: Stopper | undefined,
    private readonly seed: number,
    /** The objective metric's name for a job (its definition's). */
    private readonly metricOf: (job: string) => string,
    private readonly orient: (value: number) => number,
  ) {}

  /** A job's series from scratch (the store's, for its current attempt). */
  set(job: string, trialIndex: number | null, attempt: number, points: readonly MetricPoint[]): void {
    this.groupOf(job, trialIndex);
    this.attempts.set(job, attempt);
    this.values.set(job, []);
    this.judged.set(job, 0);
    this.add(job, attempt, points);
  }

  /** New points of a job's attempt; a later attempt than known starts the series again. */
  add(job: string, attempt: number, points: readonly MetricPoint[]): void {
    const known = this.attempts.get(job) ?? attempt;
    if (attempt < known) return;
    if (attempt > known || !this.values.has(job)) {
      this.attempts.set(job, attempt);
      this.values.set(job, []);
      this.judged.set(job, 0);
    }
    const series = this.values.get(job) as number[];
    const metric = this.metricOf(job);
    for (const point of points) {
      if (point.metricName === metric && Number.isFinite(point.value)) series.push(this.orient(point.value));
    }
  }

  /** The job's oriented values so far. */
  of(job: string): readonly number[] {
    return this.values.get(job) ?? [];
  }

  /** The stopper's group of a job (Hyperband's bracket), from its trial index and the tuning job's seed. */
  groupOf(job: string, trialIndex: number | null): number {
    if (!this.groups.has(job)) this.groups.set(job, this.stopper?.group?.(trialIndex ?? 0, this.seed) ?? 0);
    return this.groups.get(job) as number;
  }

  /**
   * The stopper's verdict on the values a running job emitted since it was last judged, against every other
   * job of its group; the first epoch that rules it out wins.
   */
  judge(job: string): ReturnType<Stopper["decide"]> {
    if (!this.stopper) return undefined;
    const own = this.of(job);
    const from = (this.judged.get(job) ?? 0) + 1;
    if (own.length < from) return undefined;
    this.judged.set(job, own.length);
    const group = this.groups.get(job) ?? 0;
    const others = [...this.values.entries()]
      .filter(([name]) => name !== job && this.groups.get(name) === group)
      .map(([, values]) => values);
    for (let epoch = from; epoch <= own.length; epoch++) {
      const decision = this.stopper.decide(own, epoch, others, group);
      if (decision) return decision;
    }
    return undefined;
  }
}
