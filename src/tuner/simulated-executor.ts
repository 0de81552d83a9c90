import { ManualClock } from "../clock.js";
import type { Hyperparameters } from "../space/index.js";
import type { Store, TrainingJobRecord } from "../store/index.js";
import type { Executor, TrialLaunch } from "./executor.js";

/** What a simulated training job does: the objective it emits after each epoch, and how long an epoch takes. */
export interface SimulatedRun {
  /** The objective's value at the end of each epoch (NaN stands for a garbage line the regex caught). */
  readonly values: readonly number[];
  readonly epochSeconds: number;
  /** Seconds before the first epoch starts (downloading, loading the model). */
  readonly startupSeconds?: number;
  /** The job exits non-zero after its last value instead of completing. */
  readonly fails?: boolean;
}

/** The simulated training script: hyperparameters in, learning curve out. */
export type SimulatedObjective = (hyperparameters: Hyperparameters, trial: { trialIndex: number }) => SimulatedRun;

interface Event {
  readonly time: number;
  readonly seq: number;
  readonly job: string;
  /** An objective value to emit, or the job's end. */
  readonly value?: number;
  readonly end?: "Completed" | "Failed";
}

/** Earliest first; the order events were scheduled breaks ties, so runs are reproducible. */
class EventHeap {
  private readonly items: Event[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Event | undefined {
    return this.items[0];
  }

  push(event: Event): void {
    const a = this.items;
    a.push(event);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i] as Event, a[parent] as Event)) break;
      [a[i], a[parent]] = [a[parent] as Event, a[i] as Event];
      i = parent;
    }
  }

  pop(): Event | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l] as Event, a[m] as Event)) m = l;
        if (r < a.length && before(a[r] as Event, a[m] as Event)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m] as Event, a[i] as Event];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: Event, b: Event) => a.time < b.time || (a.time === b.time && a.seq < b.seq);

/**
 * Runs trials in virtual time: each job's learning curve comes from a
 * function (or a lookup table), its metric points and status changes are
 * written to the store at their simulated times, and the tuner's clock jumps
 * from one event to the next. A tuning job of hour-long jobs runs in
 * milliseconds with the timeline it would have had.
 */
export class SimulatedExecutor implements Executor {
  readonly clock: ManualClock;
  private readonly events = new EventHeap();
  private readonly live = new Set<string>();
  private readonly ended: TrainingJobRecord[] = [];
  private seq = 0;

  constructor(
    private readonly store: Store,
    private readonly metricName: string,
    private readonly objective: SimulatedObjective,
    clock?: ManualClock,
  ) {
    this.clock = clock ?? new ManualClock(0);
  }

  get running(): number {
    return this.live.size;
  }

  check(): void {}

  reserve(): boolean {
    return true;
  }

  launch(trial: TrialLaunch): void {
    this.store.createTrainingJob({
      name: trial.name,
      tuningJobName: trial.tuningJobName,
      trialIndex: trial.trialIndex,
      hyperparameters: trial.hyperparameters,
      request: trial.request,
      ...(trial.definitionName ? { definitionName: trial.definitionName } : {}),
      ...(trial.strategyState === undefined ? {} : { strategyState: trial.strategyState }),
      secondaryStatus: "Training",
      now: this.clock.now(),
    });
    this.schedule(trial.name, trial.hyperparameters, trial.trialIndex);
  }

  relaunch(job: TrainingJobRecord): void {
    this.store.updateTrainingJob(job.name, {
      status: "InProgress",
      retryAttempt: job.retryAttempt + 1,
      endedAt: null,
      now: this.clock.now(),
    });
    this.schedule(job.name, job.hyperparameters, job.trialIndex ?? 0);
  }

  stop(name: string, reason: string): void {
    if (!this.live.delete(name)) return;
    const now = this.clock.now();
    const record = this.store.updateTrainingJob(name, {
      status: "Stopped",
      stopReason: reason,
      secondaryStatus: "Stopped",
      endedAt: now,
      now,
    });
    if (record) this.ended.push(record);
  }

  takeEnded(): TrainingJobRecord[] {
    return this.ended.splice(0);
  }

  async wait(until: number): Promise<void> {
    // Events of stopped jobs are dropped as they surface.
    while (this.events.size > 0 && !this.live.has((this.events.peek() as Event).job)) this.events.pop();
    const next = this.events.peek();
    if (!next || next.time > until) {
      if (Number.isFinite(until) && until > this.clock.now()) this.clock.advance(until - this.clock.now());
      return;
    }
    this.clock.advance(next.time - this.clock.now());
    while (this.events.size > 0 && (this.events.peek() as Event).time === next.time) {
      this.apply(this.events.pop() as Event);
    }
  }

  async close(): Promise<void> {}

  private schedule(name: string, hyperparameters: Hyperparameters, trialIndex: number): void {
    const run = this.objective(hyperparameters, { trialIndex });
    this.live.add(name);
    const start = this.clock.now() + (run.startupSeconds ?? 0) * 1000;
    this.store.updateTrainingJob(name, { startedAt: this.clock.now(), now: this.clock.now() });
    run.values.forEach((value, epoch) => {
      this.events.push({ time: start + (epoch + 1) * run.epochSeconds * 1000, seq: this.seq++, job: name, value });
    });
    this.events.push({
      time: start + run.values.length * run.epochSeconds * 1000,
      seq: this.seq++,
      job: name,
      end: run.fails ? "Failed" : "Completed",
    });
  }

  private apply(event: Event): void {
    if (!this.live.has(event.job)) return;
    const now = this.clock.now();
    if (event.value !== undefined) {
      // As the log reader does, a value that is not a finite number is not a metric point.
      if (!Number.isFinite(event.value)) return;
      this.store.appendMetricPoints(event.job, [{ metricName: this.metricName, value: event.value, timestamp: now }]);
      return;
    }
    this.live.delete(event.job);
    const record = this.store.updateTrainingJob(event.job, {
      status: event.end,
      secondaryStatus: event.end,
      endedAt: now,
      ...(event.end === "Failed" ? { failureReason: "AlgorithmError: exit code 1 (simulated)" } : {}),
      now,
    });
    if (record) this.ended.push(record);
  }
}
