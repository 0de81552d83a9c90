import { type Clock, systemClock } from "../clock.js";
import { isLostJob, prepareTrainingJob, runTrainingJob } from "../jobs/index.js";
import type { JobSettings } from "../jobs/settings.js";
import type { Store, TrainingJobRecord } from "../store/index.js";
import type { Executor, ExecutorEvent, LaunchOptions } from "./executor.js";
import type { Slot, SlotPool } from "./slot-pool.js";
import { WakeableSleep } from "./wakeable-sleep.js";

/** The longest the tuner waits for an event: it looks at stop requests and its lease at least this often. */
const POLL_MS = 250;

export interface LocalExecutorOptions {
  /** The machine's slots: at most their number run at once across every executor sharing them. */
  readonly slots?: SlotPool | undefined;
  readonly clock?: Clock;
  /** Who holds the slots this executor takes (for the lock files). */
  readonly holder?: string;
  /**
   * How many jobs this executor is expected to run at once, without a slot pool: the machine's cores are
   * shared evenly between them (SM_NUM_CPUS, OMP_NUM_THREADS), so parallel jobs do not oversubscribe them.
   */
  readonly concurrency?: number;
}

/**
 * Runs training jobs on this machine (child processes under the SageMaker
 * contract), through the same runtime as `tunekit train`. With a slot pool,
 * at most its size run at once across every executor sharing it.
 */
export class LocalExecutor implements Executor {
  readonly clock: Clock;
  private readonly slots: SlotPool | undefined;
  private readonly holder: string;
  private readonly settings: JobSettings;
  private readonly jobs = new Map<string, Promise<void>>();
  private events: ExecutorEvent[] = [];
  /** Jobs already asked to stop: asked once, they need no second request. */
  private readonly stopping = new Set<string>();
  private readonly idle: WakeableSleep;
  private reserved: Slot | undefined;

  constructor(
    private readonly store: Store,
    settings: JobSettings,
    options: LocalExecutorOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.idle = new WakeableSleep(this.clock);
    this.slots = options.slots;
    this.holder = options.holder ?? "tunekit";
    const share = options.concurrency ?? 1;
    this.settings = {
      ...settings,
      resources: { ...settings.resources, cpus: Math.max(1, Math.floor(settings.resources.cpus / share)) },
    };
  }

  get capacity(): number {
    return this.slots?.size ?? Number.POSITIVE_INFINITY;
  }

  get running(): number {
    return this.jobs.size;
  }

  reserve(): boolean {
    if (!this.slots || this.reserved) return true;
    this.reserved = this.slots.take(this.holder);
    return this.reserved !== undefined;
  }

  check(request: Record<string, unknown>): void {
    prepareTrainingJob(request, this.settings);
  }

  async launch(record: TrainingJobRecord, options: LaunchOptions = {}): Promise<void> {
    const slot = this.reserved ?? this.slots?.take(record.name);
    this.reserved = undefined;
    const settings = slot ? { ...this.settings, resources: slot.resources } : this.settings;
    const name = record.name;
    const run = async () => {
      const prepared = prepareTrainingJob(record.request, settings);
      return runTrainingJob({
        store: this.store,
        job: prepared,
        settings,
        record,
        clock: this.clock,
        ...(options.resumeReason ? { resumeReason: options.resumeReason } : {}),
        ...(options.fence ? { fence: options.fence } : {}),
        onEvent: (event) => this.emit({ ...event, job: name }),
      });
    };
    const job = run()
      .then((ended) => this.emit({ type: "ended", job: name, record: ended }))
      .catch(async (error: Error) => {
        if (isLostJob(error)) {
          this.emit({ type: "lost", job: name, reason: error.message });
          return;
        }
        // The job could not even be started here (its request no longer resolves on this machine, say).
        const now = this.clock.now();
        const failed = await this.store.updateTrainingJob(name, {
          status: "Failed",
          failureReason: `ClientError: ${error.message}`.slice(0, 1024),
          endedAt: now,
          now,
        });
        this.emit(
          failed ? { type: "ended", job: name, record: failed } : { type: "lost", job: name, reason: error.message },
        );
      })
      .finally(() => {
        slot?.release();
        this.jobs.delete(name);
        this.stopping.delete(name);
        this.idle.wake();
      });
    this.jobs.set(name, job);
  }

  async stop(name: string, reason: string): Promise<void> {
    if (!this.jobs.has(name) || this.stopping.has(name)) return;
    this.stopping.add(name);
    // The job's runner acts on the request within its poll interval and records the reason as its StopReason.
    await this.store.requestStop("training-job", name, this.clock.now(), reason);
  }

  async next(until: number): Promise<ExecutorEvent[]> {
    if (this.events.length === 0) {
      await this.idle.sleep(Math.max(0, Math.min(POLL_MS, until - this.clock.now())));
    }
    const events = this.events;
    this.events = [];
    return events;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.jobs.values());
    this.reserved?.release();
    this.reserved = undefined;
  }

  private emit(event: ExecutorEvent): void {
    this.events.push(event);
    this.idle.wake();
  }
}
