import { Queue, QueueEvents } from "bullmq";
import { systemClock } from "../../clock.js";
import { checkRequestAnywhere, type JobSettings, runOptionsOf } from "../../jobs/index.js";
import type { Fence, Store, TrainingJobRecord } from "../../store/index.js";
import type { Executor, ExecutorEvent, LaunchOptions } from "../executor.js";
import { WakeableSleep } from "../wakeable-sleep.js";
import { type QueuedJob, type QueueSettings, queueJobId, redisConnection, runLeaseKind } from "./protocol.js";
import { SourceShipper } from "./source-shipping.js";

/** The longest the tuner waits for an event. */
const POLL_MS = 250;
/**
 * How often every job in flight is read from the store (its start, new metric points). A job BullMQ says finished
 * is read at once; the others' starts and metrics reach the tuner within this, which early stopping, deciding at
 * epoch ends, does not notice, and each read costs the store two queries per job in flight.
 */
const SWEEP_MS = 1000;
/**
 * How often the queue is asked about each job in flight: whether Redis lost it (a restart without persistence,
 * FLUSHALL), which nothing announces. A job BullMQ failed (its worker stopped renewing the lock) is announced,
 * and asked about at once.
 */
const QUEUE_CHECK_MS = 5000;
/**
 * A lost worker is the machine's failure, not the script's: the job runs again, as SageMaker retries an
 * InternalServerError, up to this many attempts in all (or RetryStrategy's, when it allows more).
 */
const MIN_ATTEMPTS_AFTER_LOSS = 3;

const ENDED = new Set(["Completed", "Failed", "Stopped"]);

/** A job this executor dispatched and follows until it ends. */
interface InFlight {
  readonly name: string;
  attempt: number;
  data: QueuedJob;
  /** The last metric point reported (the store's cursor). */
  seq: number;
  started: boolean;
  lastQueueCheck: number;
  /** How many attempts it may have in all when its workers are lost (see MIN_ATTEMPTS_AFTER_LOSS). */
  maxAttempts: number;
}

export interface QueueExecutorOptions {
  readonly queue: QueueSettings;
  /** Says what the executor did about lost workers and lost queue entries. */
  readonly log?: (line: string) => void;
}

/**
 * Runs training jobs on `tunekit worker` processes anywhere, through a BullMQ
 * queue on Redis. The store stays the truth: the executor learns a job's
 * start, metric points and end from the store (where the worker writes them
 * as they happen), never from Redis, and asks Redis only whether the job is
 * still queued or running. A job whose queue entry is gone (Redis restarted
 * without persistence, FLUSHALL) is dispatched again under the same id; a
 * job BullMQ failed because its worker stopped renewing the lock (killed,
 * paused, cut off) runs again as its next attempt, whose writes fence out
 * the old one's. MaxParallelTrainingJobs holds across all workers because
 * the tuner dispatches no more than it allows; stop requests reach the
 * workers through the store.
 */
export class QueueExecutor implements Executor {
  readonly clock = systemClock;
  readonly capacity = Number.POSITIVE_INFINITY;
  private readonly queue: Queue<QueuedJob>;
  private readonly shipper: SourceShipper;
  private readonly runOptions: Record<string, unknown>;
  private readonly jobs = new Map<string, InFlight>();
  private readonly stopping = new Set<string>();
  private readonly log: (line: string) => void;
  private events: ExecutorEvent[] = [];
  /** BullMQ's word that a job finished: only a prompt to read the store now rather than at the next poll. */
  private readonly finished: QueueEvents;
  private readonly idle = new WakeableSleep(systemClock);
  /** Jobs BullMQ says finished since the last look: read at once, the others at the next sweep. */
  private readonly due = new Set<string>();
  /** When every job in flight was last read from the store. */
  private lastSweep = 0;

  constructor(
    private readonly store: Store,
    settings: JobSettings,
    options: QueueExecutorOptions,
  ) {
    this.queue = new Queue<QueuedJob>(options.queue.name, { connection: redisConnection(options.queue.url) });
    // A Redis that is down is waited for (ioredis reconnects); its errors must not end the process.
    this.queue.on("error", () => undefined);
    this.finished = new QueueEvents(options.queue.name, { connection: redisConnection(options.queue.url) });
    this.finished.on("error", () => undefined);
    const prompt = ({ jobId }: { jobId: string }) => {
      const name = jobId.slice(0, jobId.lastIndexOf("@"));
      if (!this.jobs.has(name)) return;
      this.due.add(name);
      this.idle.wake();
    };
    this.finished.on("completed", prompt);
    this.finished.on("failed", prompt);
    this.shipper = new SourceShipper(store, settings);
    this.runOptions = { ...runOptionsOf(settings) };
    this.log = options.log ?? (() => undefined);
  }

  get running(): number {
    return this.jobs.size;
  }

  /** Only what holds on any machine: the schema and the regexes. Paths are the worker's to find. */
  check(request: Record<string, unknown>): void {
    checkRequestAnywhere(request);
  }

  reserve(): boolean {
    return true;
  }

  async launch(record: TrainingJobRecord, options: LaunchOptions = {}): Promise<void> {
    const request = (record.request ?? {}) as Record<string, unknown>;
    const sourceBundle = await this.shipper.ship(request);
    const retries = (request.RetryStrategy as { MaximumRetryAttempts?: number } | undefined)?.MaximumRetryAttempts;
    const data: QueuedJob = {
      name: record.name,
      attempt: record.retryAttempt,
      ...(options.fence ? { fence: fenceOf(options.fence) } : {}),
      ...(options.resumeReason ? { resumeReason: options.resumeReason } : {}),
      ...(sourceBundle ? { sourceBundle } : {}),
      runOptions: this.runOptions,
    };
    this.jobs.set(record.name, {
      name: record.name,
      attempt: record.retryAttempt,
      data,
      seq: -1,
      started: false,
      lastQueueCheck: this.clock.now(),
      maxAttempts: Math.max(MIN_ATTEMPTS_AFTER_LOSS, 1 + (retries ?? 0)),
    });
    await this.dispatch(data);
  }

  private async dispatch(data: QueuedJob): Promise<void> {
    await this.queue.add("train", data, {
      jobId: queueJobId(data.name, data.attempt),
      attempts: 1,
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 24 * 3600 },
    });
  }

  async stop(name: string, reason: string): Promise<void> {
    if (!this.jobs.has(name) || this.stopping.has(name)) return;
    this.stopping.add(name);
    // The job's supervisor on its worker reads stop requests from the store every 200 ms.
    await this.store.requestStop("training-job", name, this.clock.now(), reason);
  }

  async next(until: number): Promise<ExecutorEvent[]> {
    if (this.events.length === 0) {
      await this.idle.sleep(Math.max(0, Math.min(POLL_MS, until - this.clock.now())));
    }
    // Every job is read from the store each SWEEP_MS (its start, new metric points); between sweeps only the jobs
    // BullMQ said finished, so a stream of endings does not read every job in flight once per ending.
    const sweep = this.clock.now() - this.lastSweep >= SWEEP_MS;
    if (sweep) this.lastSweep = this.clock.now();
    const due = new Set(this.due);
    this.due.clear();
    const look = sweep ? [...this.jobs.values()] : [...due].flatMap((n) => this.jobs.get(n) ?? []);
    for (const job of look) {
      try {
        await this.follow(job, due.has(job.name));
      } catch (error) {
        // Redis or the store is down for a moment: the next turn looks again.
        this.log(`training job ${job.name}: ${(error as Error).message}`);
      }
    }
    const events = this.events;
    this.events = [];
    return events;
  }

  /**
   * What the store says of one job since the last look, and what the queue says: now and then, or at once when
   * BullMQ announced its entry `finished` (completed or failed).
   */
  private async follow(job: InFlight, finished: boolean): Promise<void> {
    const record = await this.store.getTrainingJob(job.name);
    if (!record) {
      this.forget(job.name);
      this.events.push({ type: "lost", job: job.name, reason: "the training job was deleted" });
      return;
    }
    if (record.retryAttempt !== job.attempt) return; // written by whoever moved it on; the next look catches up
    // Read after the record: a job's points are all written before its end, so an ended record's are all here.
    const points = await this.store.listMetricPoints(job.name, { afterSeq: job.seq });
    if (!job.started && record.startedAt !== null) {
      job.started = true;
      this.events.push({ type: "started", job: job.name, attempt: job.attempt, at: record.startedAt });
    }
    const own = points.filter((p) => p.attempt === job.attempt);
    if (points.length > 0) job.seq = (points[points.length - 1] as { seq: number }).seq;
    if (own.length > 0) {
      this.events.push({
        type: "metrics",
        job: job.name,
        attempt: job.attempt,
        points: own.map(({ metricName, value, timestamp }) => ({ metricName, value, timestamp })),
      });
    }
    if (ENDED.has(record.status)) {
      this.forget(job.name);
      this.events.push({ type: "ended", job: job.name, record });
      return;
    }
    const now = this.clock.now();
    if (!finished && now - job.lastQueueCheck < QUEUE_CHECK_MS) return;
    job.lastQueueCheck = now;
    const id = queueJobId(job.name, job.attempt);
    const state = await this.queue.getJobState(id);
    if (state === "unknown") {
      // Redis lost it (a restart without persistence, FLUSHALL); the store says it has not ended: again.
      this.log(`training job ${job.name}: attempt ${job.attempt + 1} is no longer queued; dispatching it again`);
      await this.dispatch(job.data);
    } else if (state === "failed") {
      const entry = await this.queue.getJob(id);
      await this.runAgain(job, entry?.failedReason ?? "its worker failed");
    } else if (state === "completed") {
      // Its queue entry is done but the job is not: the entry was dispatched again after Redis lost it, and the
      // worker really running the job holds its run's lease. Once nobody renews that, the job was lost with it.
      const lease = await this.store.getLease(runLeaseKind(job.data), job.name);
      if (!lease || lease.expiresAt <= (await this.store.now())) {
        await this.runAgain(job, "its worker stopped renewing the job's lease");
      }
    }
  }

  /** The attempt's worker was lost: counted as a retryable failure, the job runs again as its next attempt. */
  private async runAgain(job: InFlight, why: string): Promise<void> {
    const name = job.name;
    const fence = job.data.fence;
    const now = this.clock.now();
    const reason = `the worker running attempt ${job.attempt + 1} was lost (${why})`;
    if (job.attempt + 1 >= job.maxAttempts) {
      const failed = await this.store.updateTrainingJob(
        name,
        { status: "Failed", failureReason: `InternalServerError: ${reason}`, endedAt: now, now },
        { attempt: job.attempt, from: ["InProgress", "Stopping"], ...(fence ? { fence } : {}) },
      );
      // Not written: it ended on its own meanwhile, and the next look reports it.
      if (!failed) return;
      this.forget(name);
      this.events.push({ type: "ended", job: name, record: failed });
      return;
    }
    // The lost worker's lease on the run would keep the next one out until it expired.
    const lease = await this.store.getLease(runLeaseKind(job.data), name);
    if (lease) await this.store.releaseLease(lease);
    const moved = await this.store.updateTrainingJob(
      name,
      { retryAttempt: job.attempt + 1, status: "InProgress", secondaryStatus: "Starting", now },
      { attempt: job.attempt, from: ["InProgress", "Stopping"], ...(fence ? { fence } : {}) },
    );
    if (!moved) return;
    this.log(`training job ${name}: ${reason}; running it again as attempt ${job.attempt + 2}`);
    job.attempt += 1;
    job.seq = -1;
    job.started = false;
    job.data = { ...job.data, attempt: job.attempt, resumeReason: reason };
    await this.dispatch(job.data);
  }

  private forget(name: string): void {
    this.jobs.delete(name);
    this.stopping.delete(name);
  }

  /** Waits for the jobs in flight to end, then lets go of Redis. */
  async close(): Promise<void> {
    while (this.jobs.size > 0) {
      const events = await this.next(Number.POSITIVE_INFINITY);
      this.events.push(...events.filter((e) => e.type !== "ended" && e.type !== "lost"));
    }
    await this.finished.close();
    await this.queue.close();
  }
}

function fenceOf(fence: Fence): Fence {
  return { kind: fence.kind, name: fence.name, token: fence.token };
}
