import { type Clock, systemClock } from "../clock.js";
import { prepareTrainingJob, runTrainingJob } from "../jobs/index.js";
import type { JobSettings } from "../jobs/settings.js";
import type { Store, TrainingJobRecord } from "../store/index.js";
import type { Executor, TrialLaunch } from "./executor.js";
import type { Slot, SlotPool } from "./slot-pool.js";

/** How often the tuner looks at running jobs' metrics and stop requests when nothing ends. */
const POLL_MS = 100;

/**
 * Runs trials as training jobs on this machine (child processes under the
 * SageMaker contract), through the same runtime as `tunekit train`.
 */
export class LocalExecutor implements Executor {
  readonly clock: Clock;
  private readonly jobs = new Map<string, Promise<void>>();
  private readonly ended: TrainingJobRecord[] = [];
  /** Jobs already asked to stop: asked once, they need no second request. */
  private readonly stopping = new Set<string>();
  private wake: (() => void) | undefined;
  private reserved: Slot | undefined;

  constructor(
    private readonly store: Store,
    private readonly settings: JobSettings,
    private readonly slots?: SlotPool,
    clock: Clock = systemClock,
    private readonly holder = "tunekit",
  ) {
    this.clock = clock;
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

  launch(trial: TrialLaunch): void {
    const prepared = prepareTrainingJob(trial.request, this.settings);
    this.track(trial.name, (settings) =>
      runTrainingJob({
        store: this.store,
        job: prepared,
        settings,
        clock: this.clock,
        trial: {
          tuningJobName: trial.tuningJobName,
          trialIndex: trial.trialIndex,
          hyperparameters: trial.hyperparameters,
          ...(trial.definitionName ? { definitionName: trial.definitionName } : {}),
          ...(trial.strategyState === undefined ? {} : { strategyState: trial.strategyState }),
        },
      }),
    );
  }

  relaunch(job: TrainingJobRecord): void {
    const prepared = prepareTrainingJob(job.request, this.settings);
    this.track(job.name, (settings) =>
      runTrainingJob({ store: this.store, job: prepared, settings, clock: this.clock, relaunch: true }),
    );
  }

  stop(name: string, reason: string): void {
    if (!this.jobs.has(name) || this.stopping.has(name)) return;
    this.stopping.add(name);
    // The job's runner records the request's reason as its StopReason.
    this.store.requestStop("training-job", name, this.clock.now(), reason);
  }

  takeEnded(): TrainingJobRecord[] {
    return this.ended.splice(0);
  }

  async wait(until: number): Promise<void> {
    if (this.ended.length > 0) return;
    const ms = Math.max(0, Math.min(POLL_MS, until - this.clock.now()));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.jobs.values());
    this.reserved?.release();
    this.reserved = undefined;
  }

  private track(name: string, run: (settings: JobSettings) => Promise<TrainingJobRecord>): void {
    const slot = this.reserved ?? this.slots?.take(name);
    this.reserved = undefined;
    const settings = slot ? { ...this.settings, resources: slot.resources } : this.settings;
    const job = run(settings)
      .then((record) => {
        this.ended.push(record);
      })
      .catch((error: Error) => {
        const now = this.clock.now();
        const failed = this.store.updateTrainingJob(name, {
          status: "Failed",
          failureReason: `ClientError: ${error.message}`.slice(0, 1024),
          endedAt: now,
          now,
        });
        if (failed) this.ended.push(failed);
      })
      .finally(() => {
        slot?.release();
        this.jobs.delete(name);
        this.stopping.delete(name);
        this.wake?.();
      });
    this.jobs.set(name, job);
  }
}
