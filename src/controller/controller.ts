import { hostname } from "node:os";
import { type Clock, systemClock } from "../clock.js";
import { parseTuningJobRequest } from "../config/tuning-job-request.js";
import type { Executor } from "../executors/executor.js";
import { makeExecutor } from "../executors/make-executor.js";
import type { SlotPool } from "../executors/slot-pool.js";
import { isLostJob, type JobSettings, withRunOptions } from "../jobs/index.js";
import { ownerAlive } from "../jobs/orphans.js";
import { endOrphanGroup } from "../jobs/process-group.js";
import {
  type Lease,
  leaseLost,
  type ResourceKind,
  type Store,
  type TrainingJobRecord,
  type TuningJobRecord,
} from "../store/index.js";
import { leaseOwner, runTuningJob } from "../tuner/index.js";
import { CONTROLLER_DEFAULTS } from "./defaults.js";

const ENDED = new Set(["Completed", "Failed", "Stopped"]);

export interface ControllerOptions {
  readonly store: Store;
  /** This machine's settings (directories, cores, GPUs); each job's stored run options go over them. */
  readonly settings: JobSettings;
  /** The machine's slots, shared with every other tunekit process on this home. */
  readonly slots?: SlotPool;
  readonly clock?: Clock;
  /** How long a lease lives unrenewed; another controller takes a job over this long after its owner stops. */
  readonly leaseTtlMs?: number;
  /** How often the store is searched for jobs nobody runs. @defaultValue 2000 */
  readonly scanMs?: number;
  /** Where a job's training jobs run; local child processes by default. */
  readonly executorFor?: (settings: JobSettings, holder: string) => Executor;
  /** How long a worker may be silent before it is dropped from the fleet's listing. @defaultValue one hour */
  readonly forgetWorkersAfterMs?: number;
  /** What the controller has to say (took over a job, stood down, a job failed to start). */
  readonly log?: (line: string) => void;
}

/**
 * The long-lived owner of jobs in `tunekit serve`. It runs every tuning job
 * and standalone training job it holds a lease on, and looks in the store for
 * jobs that nobody runs (just submitted, or whose controller died: its lease
 * expired) and takes them, so several controllers sharing one store divide
 * the jobs between them and take over from each other. A controller whose
 * lease was taken over (it was paused past its expiry) stands down: the
 * store refuses its writes, and it drops the job.
 */
export class Controller {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly leaseTtlMs: number;
  /** When the fleet was last looked at for silent workers. */
  private workersLookedAt = Number.NEGATIVE_INFINITY;
  private readonly scanMs: number;
  private readonly log: (line: string) => void;
  private readonly runs = new Map<string, Promise<void>>();
  private scanning: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly options: ControllerOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.leaseTtlMs = options.leaseTtlMs ?? CONTROLLER_DEFAULTS.leaseTtlMs;
    this.scanMs = options.scanMs ?? CONTROLLER_DEFAULTS.scanMs;
    this.log = options.log ?? (() => undefined);
  }

  /** The jobs this controller runs now: `tuning-job/NAME` or `training-job/NAME`. */
  get running(): string[] {
    return [...this.runs.keys()];
  }

  /** What `GET /api/controller` answers: who this controller is and what it runs. */
  status(): { host: string; pid: number; running: string[] } {
    return { host: hostname(), pid: process.pid, running: this.running };
  }

  /** Starts looking for jobs to run, at once and then every `scanMs`. */
  start(): void {
    this.scanning = this.loop();
  }

  /** Looks for jobs now (a job was just submitted) instead of at the next scan. */
  wake(): void {
    this.wakeUp?.();
  }

  /**
   * Stops taking jobs and waits for the scan to end. The jobs it runs go on until the process exits; then
   * their leases expire and another controller takes them over (this host's next controller at once).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.scanning;
  }

  /** Waits for every job this controller runs to end (tests, and a clean shutdown). */
  async settle(): Promise<void> {
    while (this.runs.size > 0) await Promise.allSettled([...this.runs.values()]);
  }

  private async loop(): Promise<void> {
    await this.freeOwnDeadLeases();
    while (!this.stopped) {
      try {
        await this.scan();
        await this.forgetSilentWorkers();
      } catch (error) {
        // The store may be down (a restart): the next scan tries again.
        this.log(`scan failed: ${(error as Error).message}`);
      }
      if (this.stopped) break;
      await Promise.race([
        this.clock.sleep(this.scanMs),
        new Promise<void>((resolve) => {
          this.wakeUp = resolve;
        }),
      ]);
      this.wakeUp = undefined;
    }
  }

  /**
   * Leases held by processes of this host that are gone (a controller restarted here): their jobs need not
   * wait for the leases to expire. Another host's leases speak for themselves through their expiry.
   */
  private async freeOwnDeadLeases(): Promise<void> {
    const here = hostname();
    const jobs: [ResourceKind, string][] = [
      ...(await this.store.listTuningJobs({ status: "InProgress" })).map(
        (j) => ["tuning-job", j.name] as [ResourceKind, string],
      ),
      ...(await this.store.listTuningJobs({ status: "Stopping" })).map(
        (j) => ["tuning-job", j.name] as [ResourceKind, string],
      ),
      ...(await this.store.listTrainingJobs({ standalone: true, status: "InProgress" })).map(
        (j) => ["training-job", j.name] as [ResourceKind, string],
      ),
    ];
    for (const [kind, name] of jobs) {
      const lease = await this.store.getLease(kind, name);
      if (lease && lease.host === here && !ownerAlive(lease.owner)) await this.store.releaseLease(lease);
    }
  }

  /** Drops workers silent for longer than forgetWorkersAfterMs from the fleet (looked at once a minute). */
  private async forgetSilentWorkers(): Promise<void> {
    const now = this.clock.now();
    if (now - this.workersLookedAt < 60_000) return;
    this.workersLookedAt = now;
    const storeNow = await this.store.now();
    const after = this.options.forgetWorkersAfterMs ?? CONTROLLER_DEFAULTS.forgetWorkersAfterMs;
    for (const worker of await this.store.listWorkers()) {
      if (storeNow - worker.heartbeatAt <= after) continue;
      await this.store.removeWorker(worker.name);
      this.log(
        `worker ${worker.name} on ${worker.host}: silent for ${Math.round((storeNow - worker.heartbeatAt) / 1000)} s; forgotten`,
      );
    }
  }

  private async scan(): Promise<void> {
    for (const name of await this.store.listUnleased("tuning-job")) {
      if (this.stopped) return;
      if (!this.runs.has(`tuning-job/${name}`)) await this.claim("tuning-job", name);
    }
    for (const name of await this.store.listUnleased("training-job")) {
      if (this.stopped) return;
      if (!this.runs.has(`training-job/${name}`)) await this.claim("training-job", name);
    }
  }

  private async claim(kind: ResourceKind, name: string): Promise<void> {
    // Read before taking it: the expired lease records where the last owner ran the job's process.
    const previous = await this.store.getLease(kind, name);
    const lease = await this.store.acquireLease({
      kind,
      name,
      owner: leaseOwner(name),
      ttlMs: this.leaseTtlMs,
      host: hostname(),
      pid: process.pid,
    });
    if (!lease) return; // another controller was quicker
    const key = `${kind}/${name}`;
    const run = (kind === "tuning-job" ? this.runTuningJob(name, lease) : this.runTrainingJob(name, lease, previous))
      .catch((error: Error) => {
        if (isLostJob(error)) this.log(`${kind} ${name}: another controller took it over; standing down`);
        else this.log(`${kind} ${name}: ${error.message}`);
      })
      .finally(() => this.runs.delete(key));
    this.runs.set(key, run);
  }

  private async runTuningJob(name: string, lease: Lease): Promise<void> {
    const record = (await this.store.getTuningJob(name)) as TuningJobRecord;
    const settings = withRunOptions(this.options.settings, record.runOptions);
    this.log(`tuning job ${record.name}: running it${record.trialCount > 0 ? " (taking it over)" : ""}`);
    try {
      const job = parseTuningJobRequest(record.config);
      const executor =
        this.options.executorFor?.(settings, `${process.pid}:${name}`) ??
        makeExecutor(this.store, settings, {
          slots: this.options.slots,
          clock: this.clock,
          holder: `${process.pid}:${name}`,
          concurrency: job.request.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs,
          log: (line) => this.log(line),
        });
      const ended = await runTuningJob({
        store: this.store,
        job,
        executor,
        lease,
        leaseTtlMs: this.leaseTtlMs,
        stopGraceMs: settings.stopGraceMs,
      });
      this.log(`tuning job ${ended.name}: ${ended.status}`);
    } catch (error) {
      if (isLostJob(error)) throw error;
      // The job cannot run here at all (its request no longer checks out on this machine): it fails, saying why.
      const current = await this.store.getTuningJob(name);
      if (current?.status === "InProgress" || current?.status === "Stopping") {
        const now = this.clock.now();
        const reason = `tunekit error on ${hostname()}: ${(error as Error).message}`.slice(0, 1024);
        await this.store.updateTuningJob(
          name,
          { status: "Failed", failureReason: reason, endedAt: now, now },
          { fence: lease },
        );
        await this.store.releaseLease(lease);
      }
      throw error;
    }
  }

  /** A standalone training job: from its start, or, if an exited controller was running it, as a further attempt. */
  private async runTrainingJob(name: string, lease: Lease, previous: Lease | undefined): Promise<void> {
    let record = (await this.store.getTrainingJob(name)) as TrainingJobRecord;
    const settings = withRunOptions(this.options.settings, record.runOptions);
    const lost = record.startedAt !== null || record.statusTransitions.length > 0;
    if (lost) {
      // Its process, if it runs on this host still, is ended; one on another host is fenced out by our lease.
      if (previous?.pgid && previous.host === hostname()) {
        await endOrphanGroup(previous.pgid, previous.processStartTime, settings.stopGraceMs, this.clock);
      }
      // A worker that ran it holds its run's lease: given back, the next attempt's worker need not wait for it to
      // expire, and the old worker, whose renewals now fail, ends its process.
      const run = await this.store.getLease("training-run", name);
      if (run) await this.store.releaseLease(run);
      record = (await this.store.updateTrainingJob(
        name,
        { retryAttempt: record.retryAttempt + 1, now: this.clock.now() },
        { fence: lease },
      )) as TrainingJobRecord;
    }
    this.log(`training job ${record.name}: running it${lost ? " again (its controller exited)" : ""}`);
    const executor =
      this.options.executorFor?.(settings, `${process.pid}:${name}`) ??
      makeExecutor(this.store, settings, {
        slots: this.options.slots,
        clock: this.clock,
        holder: `${process.pid}:${name}`,
        log: (line) => this.log(line),
      });
    executor.reserve();
    // Its writes are fenced by this controller's lease; a worker elsewhere holds the run's lease beside it.
    await executor.launch(record, {
      fence: lease,
      ...(lost ? { resumeReason: "the tunekit process that ran this job exited" } : {}),
    });
    const renewEvery = this.leaseTtlMs / 3;
    let renewed = this.clock.now();
    for (;;) {
      const events = await executor.next(this.clock.now() + renewEvery);
      const end = events.find((e) => e.type === "ended" || e.type === "lost");
      if (end?.type === "ended") this.log(`training job ${name}: ${end.record.status}`);
      if (end) break;
      if (this.clock.now() - renewed < renewEvery) continue;
      await this.keepLease(lease);
      renewed = this.clock.now();
    }
    await executor.close();
  }

  /**
   * Renews the lease on a standalone training job while it runs (on a worker, nothing else renews it). One that
   * was taken over ends this run; one that the job's own run gave back as the job ended is no loss.
   */
  private async keepLease(lease: Lease): Promise<void> {
    if (await this.store.renewLease(lease, this.leaseTtlMs)) return;
    const record = await this.store.getTrainingJob(lease.name);
    if (record && ENDED.has(record.status)) return;
    throw leaseLost("training job", lease.name, lease.token);
  }
}
