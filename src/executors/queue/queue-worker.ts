import { hostname } from "node:os";
import { join } from "node:path";
import { DelayedError, type Job, Worker } from "bullmq";
import { type Clock, systemClock } from "../../clock.js";
import { isLostJob, type JobSettings, prepareTrainingJob, runTrainingJob } from "../../jobs/index.js";
import type { RunOptions } from "../../jobs/run-options.js";
import type { Store, TrainingJobRecord } from "../../store/index.js";
import { SlotPool } from "../slot-pool.js";
import { WakeableSleep } from "../wakeable-sleep.js";
import { type QueuedJob, type QueueSettings, redisConnection, runLeaseKind } from "./protocol.js";
import { bundleOnWorker, withSubmitDirectory } from "./source-shipping.js";

const RUNNING = new Set(["InProgress", "Stopping"]);

export interface QueueWorkerOptions {
  readonly store: Store;
  readonly queue: QueueSettings;
  /** This machine's settings: its work directory as home, cores, GPUs, interpreter, sandbox, S3 mappings. */
  readonly settings: JobSettings;
  /** Jobs run at once, at most: BullMQ's concurrency and the slot pool's size. */
  readonly slots: number;
  /** How the fleet listing names this worker. */
  readonly name: string;
  /** How often it reports to the store (and checks that its jobs are still its own). @defaultValue 2000 */
  readonly heartbeatMs?: number;
  readonly clock?: Clock;
  readonly log?: (line: string) => void;
}

/** A job this worker runs now. */
interface Running {
  readonly name: string;
  readonly attempt: number;
  readonly abort: AbortController;
}

/**
 * `tunekit worker`: takes training jobs from the BullMQ queue, at most one per
 * free slot, and runs each with the same runtime as a local job (contract,
 * sandbox, metric regexes, stopping condition, artifacts), its log, metrics
 * and status going to the store as they happen. It reports itself to the
 * store every heartbeat, and stops taking jobs while the store cannot be
 * reached. A job that has moved on to a further attempt (this worker was
 * presumed lost: paused past its lock, cut off) is ended here; the store
 * refuses whatever it still tries to write.
 */
export class QueueWorker {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly slots: SlotPool;
  private readonly running = new Map<string, Running>();
  private readonly log: (line: string) => void;
  private worker: Worker<QueuedJob, string> | undefined;
  private beating: Promise<void> | undefined;
  private closed = false;
  private accepting = true;
  private readonly beatSleep: WakeableSleep;
  private pendingBeat: Promise<void> | undefined;

  constructor(private readonly options: QueueWorkerOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.beatSleep = new WakeableSleep(this.clock);
    this.log = options.log ?? (() => undefined);
    this.slots = new SlotPool(join(options.settings.home, "slots"), options.slots, options.settings.resources);
  }

  /** Reports to the store (which must answer) and starts taking jobs. */
  async start(): Promise<void> {
    await this.heartbeat();
    const { queue } = this.options;
    this.worker = new Worker<QueuedJob, string>(queue.name, (job, token) => this.process(job, token), {
      connection: redisConnection(queue.url),
      concurrency: this.options.slots,
      lockDuration: queue.lockMs,
      stalledInterval: Math.max(500, Math.floor(queue.lockMs / 2)),
      // A job whose worker stopped renewing its lock fails at once: the dispatcher counts that attempt as lost
      // and runs the next one, rather than BullMQ running the same attempt twice.
      maxStalledCount: 0,
      name: this.options.name,
    });
    this.worker.on("error", (error) => this.log(`queue: ${error.message}`));
    this.beating = this.beatLoop();
  }

  /** The jobs it runs now, as `name@attempt`. */
  get jobs(): string[] {
    return [...this.running.values()].map((r) => `${r.name}@${r.attempt}`);
  }

  private async process(job: Job<QueuedJob, string>, token: string | undefined): Promise<string> {
    const data = job.data;
    // Dispatched again after Redis lost it, while this worker still runs it: it runs once.
    if (this.running.has(data.name)) return "running-here";
    if (!this.accepting && token) {
      // Taken in the moment before the pause took hold: back to the queue for a worker that reaches the store.
      await job.moveToDelayed(Date.now() + 1000, token);
      throw new DelayedError();
    }
    const record = await this.store.getTrainingJob(data.name);
    // The store is the truth: a queued attempt that is no longer the job's current one, or a job that ended, is
    // acknowledged and nothing runs.
    if (!record) return "deleted";
    if (record.retryAttempt !== data.attempt || !RUNNING.has(record.status)) return "superseded";
    // The run's lease, taken here rather than by the runtime so that a second delivery of the same attempt (its
    // entry dispatched again after Redis lost it) is told apart before anything is laid out.
    const lease = await this.store.acquireLease({
      kind: runLeaseKind(data),
      name: record.name,
      owner: `${hostname()}:${process.pid}:${record.name}`,
      ttlMs: this.options.settings.leaseTtlMs,
      host: hostname(),
      pid: process.pid,
    });
    if (!lease) return "running-elsewhere";
    const slot = this.slots.take(`${this.options.name}:${data.name}`);
    if (!slot) {
      await this.store.releaseLease(lease);
      throw new Error(`no free slot on worker ${this.options.name}`);
    }
    const running: Running = { name: record.name, attempt: data.attempt, abort: new AbortController() };
    let leaseGivenBack = false;
    this.running.set(record.name, running);
    this.beatSleep.wake();
    try {
      const settings = await this.settingsFor(record, data, slot.resources);
      let request = record.request as Record<string, unknown>;
      if (data.sourceBundle) {
        request = withSubmitDirectory(request, await bundleOnWorker(this.store, data.sourceBundle, settings.cacheDir));
      }
      let prepared: ReturnType<typeof prepareTrainingJob>;
      try {
        prepared = prepareTrainingJob(request, settings);
      } catch (error) {
        await this.fail(record, data, this.cannotRunHere(error as Error));
        return "Failed";
      }
      const ended = await runTrainingJob({
        store: this.store,
        job: prepared,
        settings,
        record,
        clock: this.clock,
        signal: running.abort.signal,
        ...(data.fence ? { fence: data.fence } : {}),
        lease,
        ...(data.resumeReason ? { resumeReason: data.resumeReason } : {}),
      });
      leaseGivenBack = true; // with the job's final status
      this.log(`training job ${record.name} (attempt ${data.attempt + 1}): ${ended.status}`);
      return ended.status;
    } catch (error) {
      if (isLostJob(error)) {
        this.log(`training job ${record.name} (attempt ${data.attempt + 1}): runs elsewhere now; ended here`);
        return "superseded";
      }
      // The job could not even start here (its bundle, its directory): it fails saying why, as a local job does.
      // Only if the store will not take that either is it left to BullMQ, whose failure the controller retries.
      await this.fail(record, data, this.cannotRunHere(error as Error));
      return "Failed";
    } finally {
      // The runtime gives it back as the job ends; here, when the job could not start or was superseded.
      if (!leaseGivenBack) await this.store.releaseLease(lease).catch(() => false);
      slot.release();
      this.running.delete(record.name);
      this.beatSleep.wake();
    }
  }

  /** A reason that says a path the job names is not on this machine (it may be on the controller's alone). */
  private cannotRunHere(error: Error): string {
    const missing = /does not exist|is not in/.test(error.message);
    const where = `worker ${this.options.name} on ${hostname()}`;
    return `ClientError: ${error.message} (on ${where}${
      missing
        ? "; a worker sees only its own files and S3: a path that exists only on the controller's machine cannot be used, give an s3:// URI or a path mounted on every worker"
        : ""
    })`.slice(0, 1024);
  }

  private async fail(record: TrainingJobRecord, data: QueuedJob, reason: string): Promise<void> {
    const now = this.clock.now();
    await this.store.appendLog(record.name, data.attempt, `${reason}\n`, now, data.fence);
    await this.store.updateTrainingJob(
      record.name,
      { status: "Failed", failureReason: reason, secondaryStatus: "Failed", endedAt: now, now },
      { attempt: data.attempt, from: ["InProgress", "Stopping"], ...(data.fence ? { fence: data.fence } : {}) },
    );
  }

  /**
   * This machine's settings with the job's stored run options over them: only those that mean the same on any
   * machine (where relative paths resolve, the log cap, the stop grace). The interpreter, sandbox and S3
   * mappings are this worker's own.
   */
  private async settingsFor(
    record: TrainingJobRecord,
    data: QueuedJob,
    resources: JobSettings["resources"],
  ): Promise<JobSettings> {
    let stored = (data.runOptions ?? record.runOptions) as Partial<RunOptions> | null;
    if (!stored && record.tuningJobName) {
      stored = (await this.store.getTuningJob(record.tuningJobName))?.runOptions as Partial<RunOptions> | null;
    }
    const base = this.options.settings;
    return {
      ...base,
      resources,
      ...(typeof stored?.baseDir === "string" ? { baseDir: stored.baseDir } : {}),
      ...(typeof stored?.logCapBytes === "number" ? { logCapBytes: stored.logCapBytes } : {}),
      ...(typeof stored?.stopGraceMs === "number" ? { stopGraceMs: stored.stopGraceMs } : {}),
    };
  }

  private async beatLoop(): Promise<void> {
    const every = this.options.heartbeatMs ?? 2000;
    while (!this.closed) {
      await this.beatSleep.sleep(every);
      if (this.closed) break;
      try {
        await this.answerWithin(() => this.heartbeat(), Math.max(5000, 3 * every));
        await this.endSuperseded();
        if (!this.accepting) {
          this.accepting = true;
          this.worker?.resume();
          this.log("the store answers again: taking jobs");
        }
      } catch (error) {
        if (this.accepting) {
          this.accepting = false;
          // Jobs it could not report on must go to workers that can: stop fetching until the store answers.
          void this.worker?.pause(true);
          this.log(`cannot reach the store (${(error as Error).message}): taking no jobs until it answers`);
        }
      }
    }
  }

  /**
   * The store's client retries a lost server for a minute before it gives up; a worker must stop taking jobs
   * sooner, so a heartbeat not answered within `limitMs` counts as the store unreachable (a heartbeat still under
   * way is waited for rather than doubled).
   */
  private async answerWithin(call: () => Promise<void>, limitMs: number): Promise<void> {
    if (!this.pendingBeat) {
      this.pendingBeat = call().finally(() => {
        this.pendingBeat = undefined;
      });
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.pendingBeat,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${limitMs} ms`)), limitMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async heartbeat(): Promise<void> {
    await this.store.heartbeatWorker({
      name: this.options.name,
      host: hostname(),
      pid: process.pid,
      slots: this.options.slots,
      gpus: this.options.settings.resources.gpus,
      running: this.jobs,
      accepting: this.accepting && !this.closed,
    });
  }

  /** Ends the jobs here whose attempt the store has moved on from (this worker was presumed lost). */
  private async endSuperseded(): Promise<void> {
    for (const running of this.running.values()) {
      const record = await this.store.getTrainingJob(running.name);
      if (!record || record.retryAttempt !== running.attempt) {
        this.log(`training job ${running.name}: attempt ${running.attempt + 1} runs elsewhere now; ending it here`);
        running.abort.abort();
      }
    }
  }

  /** Stops taking jobs, lets the running ones finish (or stops them first with `stopJobs`), and leaves the fleet. */
  async close(options: { stopJobs?: boolean } = {}): Promise<void> {
    if (options.stopJobs) {
      for (const running of this.running.values()) {
        await this.store.requestStop("training-job", running.name, this.clock.now(), "worker-shutdown");
      }
    }
    if (this.closed) return;
    this.closed = true;
    this.beatSleep.wake();
    await this.worker?.close();
    await this.beating;
    await this.store.removeWorker(this.options.name).catch(() => false);
  }
}
