import { ManualClock } from "../clock.js";
import type { Hyperparameters } from "../space/index.js";
import type { Store, TrainingJobRecord } from "../store/index.js";
import type { Executor, ExecutorEvent } from "./executor.js";

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
  readonly attempt: number;
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
  readonly capacity = Number.POSITIVE_INFINITY;
  private readonly heap = new EventHeap();
  /** Each running job's attempt: events of an attempt that is no longer running are dropped. */
  private readonly live = new Map<string, number>();
  private events: ExecutorEvent[] = [];
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

  async launch(record: TrainingJobRecord): Promise<void> {
    const run = this.objective(record.hyperparameters, { trialIndex: record.trialIndex ?? 0 });
    const now = this.clock.now();
    this.live.set(record.name, record.retryAttempt);
    await this.store.updateTrainingJob(record.name, {
      secondaryStatus: "Training",
      ...(record.startedAt === null ? { startedAt: now } : {}),
      now,
    });
    this.events.push({ type: "started", job: record.name, attempt: record.retryAttempt, at: now });
    const start = now + (run.startupSeconds ?? 0) * 1000;
    run.values.forEach((value, epoch) => {
      this.heap.push({
        time: start + (epoch + 1) * run.epochSeconds * 1000,
        seq: this.seq++,
        job: record.name,
        attempt: record.retryAttempt,
        value,
      });
    });
    this.heap.push({
      time: start + run.values.length * run.epochSeconds * 1000,
      seq: this.seq++,
      job: record.name,
      attempt: record.retryAttempt,
      end: run.fails ? "Failed" : "Completed",
    });
  }

  async stop(name: string, reason: string): Promise<void> {
    if (!this.live.delete(name)) return;
    const now = this.clock.now();
    const record = await this.store.updateTrainingJob(name, {
      status: "Stopped",
      stopReason: reason,
      secondaryStatus: "Stopped",
      endedAt: now,
      now,
    });
    if (record) this.events.push({ type: "ended", job: name, record });
  }

  async next(until: number): Promise<ExecutorEvent[]> {
    if (this.events.length === 0) await this.advance(until);
    const events = this.events;
    this.events = [];
    return events;
  }

  /** Moves the clock to the next event (or to `until`, if that comes first) and plays every event due then. */
  private async advance(until: number): Promise<void> {
    // Events of stopped jobs are dropped as they surface.
    while (this.heap.size > 0 && !this.current(this.heap.peek() as Event)) this.heap.pop();
    const next = this.heap.peek();
    if (!next || next.time > until) {
      if (Number.isFinite(until) && until > this.clock.now()) this.clock.advance(until - this.clock.now());
      return;
    }
    this.clock.advance(next.time - this.clock.now());
    while (this.heap.size > 0 && (this.heap.peek() as Event).time === next.time) {
      await this.apply(this.heap.pop() as Event);
    }
  }

  async close(): Promise<void> {}

  private current(event: Event): boolean {
    return this.live.get(event.job) === event.attempt;
  }

  private async apply(event: Event): Promise<void> {
    if (!this.current(event)) return;
    const now = this.clock.now();
    if (event.value !== undefined) {
      // As the log reader does, a value that is not a finite number is not a metric point.
      if (!Number.isFinite(event.value)) return;
      const points = [{ metricName: this.metricName, value: event.value, timestamp: now }];
      await this.store.appendMetricPoints(event.job, event.attempt, points);
      this.events.push({ type: "metrics", job: event.job, attempt: event.attempt, points });
      return;
    }
    this.live.delete(event.job);
    const record = await this.store.updateTrainingJob(event.job, {
      status: event.end,
      secondaryStatus: event.end,
      endedAt: now,
      ...(event.end === "Failed" ? { failureReason: "AlgorithmError: exit code 1 (simulated)" } : {}),
      now,
    });
    if (record) this.events.push({ type: "ended", job: event.job, record });
  }
}
