import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { type Clock, systemClock } from "../clock.js";
import { TunekitError } from "../errors.js";
import { trainingJobArn } from "../identity.js";
import { type CheckpointSync, DownloadCache, uploadJobOutputs } from "../objects/index.js";
import type {
  Fence,
  MetricPoint,
  SecondaryStatusTransition,
  Store,
  TrainingJobPatch as StorePatch,
  TrainingJobRecord,
} from "../store/index.js";
import { nodeModulesFor, pythonFor } from "./dependencies.js";
import { jobCommand } from "./entry-point.js";
import { CURRENT_HOST, type JobResources, jobEnvironment } from "./environment.js";
import { INFRASTRUCTURE_SIGNALS } from "./failure.js";
import { checkpointSync, type JobObjects, layOutAttempt, materialiseInputs, packArtifacts } from "./job-directory.js";
import { JobLayout } from "./job-layout.js";
import { JobOutput } from "./job-output.js";
import { type ProcessEnd, startProcess, supervise } from "./job-process.js";
import { objectStoresFor, type PreparedJob } from "./prepare.js";
import { CONTAINER_ML, type Sandbox, sandbox } from "./sandbox.js";
import type { JobSettings } from "./settings.js";

/** How long, at most, a job's last output is tried again before its final status is written without it. */
const FINAL_FLUSH_PATIENCE_MS = 16_000;

/** How often a running job's checkpoints are pushed to CheckpointConfig.S3Uri (and once more when it ends). */
const CHECKPOINT_PUSH_MS = 10_000;

/** What a running job reports besides its end (its record): the executor passes these on to the tuner. */
export type JobEvent =
  | { readonly type: "started"; readonly attempt: number; readonly at: number }
  | { readonly type: "metrics"; readonly attempt: number; readonly points: readonly MetricPoint[] };

export interface RunTrainingJobOptions {
  readonly store: Store;
  readonly job: PreparedJob;
  readonly settings: JobSettings;
  /**
   * The job's record, made by whoever decided the job runs (the tuner for a trial, the service for a
   * standalone job). It runs as attempt `record.retryAttempt`.
   */
  readonly record: TrainingJobRecord;
  /** Why this attempt is a further one, said in the log (the process that ran the last one exited). */
  readonly resumeReason?: string;
  /** The lease its writes are made under (a tuning job's, for a trial); by default the job's own. */
  readonly fence?: Fence;
  /**
   * The job's own lease where the caller holds it already: taken before the record was created (tunekit train),
   * or the controller's that dispatched a standalone job to a worker. By default it is taken here.
   */
  readonly lease?: Fence;
  /** Each line of the job's log as it arrives (the terminal). */
  readonly onLine?: (line: string) => void;
  readonly onEvent?: (event: JobEvent) => void;
  /** Aborting stops the job as `tunekit stop` would (Ctrl-C). */
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
}

type Outcome =
  | { kind: "completed" }
  | { kind: "failed"; reason: string }
  /** `reason`: MaxRuntimeExceeded, or the stop request's reason ("user", "early-stopping", ...), the job's StopReason. */
  | { kind: "stopped"; reason: string };

function failureReason(layout: JobLayout, logTail: string[], end: ProcessEnd): string {
  const failure = JobLayout.paths(layout.ml).failure;
  if (existsSync(failure)) {
    const text = readFileSync(failure, "utf8").trim();
    if (text) return text.slice(0, 1024);
  }
  const how = end.signal ? `killed by ${end.signal}` : `exit code ${end.code}`;
  const head = `AlgorithmError: ${how}`;
  // FailureReason holds 1,024 characters: keep the newest lines that fit, which say how it ended.
  const lines: string[] = [];
  let room = 1024 - head.length - "; last log lines:".length;
  for (const line of [...logTail].reverse()) {
    room -= line.length + 1;
    if (room < 0) break;
    lines.unshift(line);
  }
  return lines.length > 0 ? `${head}; last log lines:\n${lines.join("\n")}` : head;
}

function gpusFor(instanceType: string, resources: JobResources): readonly string[] {
  const gpuInstance = instanceType === "local_gpu" || /^ml\.(p|g)\d/.test(instanceType);
  return gpuInstance ? resources.gpus : [];
}

/** A change to the job's record; the time is added when it is written. */
type TrainingJobPatch = Omit<StorePatch, "now">;

/** The secondary status history of a job, written to the store as it moves. */
class StatusHistory {
  private readonly transitions: SecondaryStatusTransition[];

  constructor(
    record: TrainingJobRecord,
    private readonly write: (
      status: string,
      transitions: SecondaryStatusTransition[],
      with_: TrainingJobPatch,
    ) => Promise<TrainingJobRecord>,
    private readonly clock: Clock,
  ) {
    this.transitions = [...record.statusTransitions];
  }

  /** What `pass` recorded, written with the next move. */
  private pending: TrainingJobPatch = {};

  /** Moves to `status`; `with_` is written in the same update (one round trip to the store, not two). */
  async move(status: string, message: string, with_: TrainingJobPatch = {}): Promise<TrainingJobRecord> {
    this.record(status, message);
    const patch = { ...this.pending, ...with_ };
    this.pending = {};
    return this.write(status, this.transitions, patch);
  }

  /**
   * Records a status that lasts a moment (Starting, before the first attempt moves on to Downloading) and its
   * patch without writing them: the next move writes both, and the history still shows it.
   */
  pass(status: string, message: string, with_: TrainingJobPatch = {}): void {
    this.record(status, message);
    this.pending = { ...this.pending, ...with_ };
  }

  private record(status: string, message: string): void {
    const now = this.clock.now();
    const last = this.transitions.pop();
    if (last) this.transitions.push({ ...last, EndTime: now });
    this.transitions.push({ Status: status, StartTime: now, StatusMessage: message });
  }
}

/**
 * Runs one training job to the end under the SageMaker container contract:
 * takes the job's lease, lays out its private /opt/ml, runs the entry point
 * in its own process group (inside a bubblewrap mount namespace where
 * available), writes its log and metrics to the store as they come, enforces
 * the stopping condition and stop requests, retries retryable failures from
 * the last checkpoint as further attempts, and packs the artifacts. Every
 * write is made under the job's lease: if another process takes the job
 * over, this one's writes are refused, its process is ended, and the error
 * (E_LEASE_LOST or E_STALE_ATTEMPT) is thrown to the caller.
 */
export async function runTrainingJob(options: RunTrainingJobOptions): Promise<TrainingJobRecord> {
  const { store, settings, record } = options;
  const clock = options.clock ?? systemClock;
  const name = record.name;
  const owner = `${hostname()}:${process.pid}:${name}`;
  const lease =
    options.lease ??
    (await store.acquireLease({
      kind: "training-job",
      name,
      owner,
      ttlMs: settings.leaseTtlMs,
      host: hostname(),
      pid: process.pid,
    }));
  if (!lease) {
    throw new TunekitError("E_RESOURCE_IN_USE", `training job ${name} is being run by another tunekit process`, {
      field: "TrainingJobName",
    });
  }
  const run = new TrainingRun(options, clock, lease, options.fence ?? lease);
  try {
    return await run.execute();
  } finally {
    await run.close();
  }
}

/** One run of a training job: its attempts, from the first to the one that ends it. */
class TrainingRun {
  private readonly layout: JobLayout;
  private readonly box: Sandbox;
  private readonly output: JobOutput;
  private readonly history: StatusHistory;
  private readonly objects: JobObjects;
  private attempt: number;
  private started = false;
  /** A first run of the job: whatever an earlier job of the same name left in its directory is removed. */
  private freshDirectory = false;

  constructor(
    private readonly options: RunTrainingJobOptions,
    private readonly clock: Clock,
    /** The job's own lease: it records the process, and is renewed while the job runs. */
    private readonly lease: Fence,
    /** What every write is fenced by (see RunTrainingJobOptions.fence). */
    private readonly fence: Fence,
  ) {
    const { store, record, settings, job } = options;
    this.attempt = record.retryAttempt;
    this.layout = new JobLayout(join(settings.jobsDir, record.name));
    this.box = sandbox(settings.sandbox);
    const stores = objectStoresFor(settings);
    this.objects = {
      stores,
      cache: new DownloadCache(join(settings.cacheDir, "objects")),
      checkpoints: checkpointSync(this.layout, job, stores),
    };
    this.output = new JobOutput({
      store,
      name: record.name,
      fence,
      attempt: this.attempt,
      capBytes: settings.logCapBytes,
      definitions: job.request.AlgorithmSpecification.MetricDefinitions,
      clock,
      ...(options.onLine ? { onLine: options.onLine } : {}),
      onPoints: (attempt, points) => options.onEvent?.({ type: "metrics", attempt, points }),
    });
    this.history = new StatusHistory(
      record,
      (status, transitions, with_) =>
        this.update({ ...with_, secondaryStatus: status, statusTransitions: transitions }),
      clock,
    );
  }

  /**
   * Every write names the attempt it belongs to as well as the lease: once the job runs again as a further
   * attempt (its worker was presumed lost), a write of this one is refused (E_STALE_ATTEMPT) and this run ends.
   */
  private async update(patch: TrainingJobPatch, attempt = this.attempt): Promise<TrainingJobRecord> {
    const name = this.options.record.name;
    const updated = await this.options.store.updateTrainingJob(
      name,
      { ...patch, now: this.clock.now() },
      { fence: this.fence, attempt },
    );
    if (!updated) throw new TunekitError("E_NO_TRAINING_JOB", `training job ${name} is no longer in the store`);
    return updated;
  }

  async execute(): Promise<TrainingJobRecord> {
    const { record, job, resumeReason } = this.options;
    this.history.pass(
      "Starting",
      "Preparing the job directory",
      record.jobDir === this.layout.root ? {} : { jobDir: this.layout.root },
    );
    this.freshDirectory = record.retryAttempt === 0 && !resumeReason;
    if (resumeReason) this.output.note(`${resumeReason}; running it again (attempt ${this.attempt + 1})`);
    for (const notice of job.notices) this.output.note(notice);
    if (!this.box.private) {
      this.output.note(
        `the job sees its directory through SM_* variables only, not at ${CONTAINER_ML}: ${this.box.reason}`,
      );
    }
    let outcome: Outcome;
    // Written with the final status, in the same update: a model is reported only once the job has ended.
    let modelArtifacts: string | undefined;
    try {
      outcome = await this.runAttempts();
      if (outcome.kind !== "failed") {
        await this.history.move("Uploading", "Uploading model and output artifacts");
        const packed = await packArtifacts(this.layout);
        const kmsKeyId = job.request.OutputDataConfig.KmsKeyId;
        // Reported only once both are whole where they belong: a failed upload fails the job instead.
        const { model } = await uploadJobOutputs({
          stores: this.objects.stores,
          s3OutputPath: job.request.OutputDataConfig.S3OutputPath,
          jobName: this.options.record.name,
          ...packed,
          ...(kmsKeyId ? { kmsKeyId } : {}),
        });
        modelArtifacts = model;
        if (outcome.kind === "completed") writeFileSync(JobLayout.paths(this.layout.ml).success, "");
      }
    } catch (error) {
      if (isLostJob(error)) throw error;
      outcome = { kind: "failed", reason: `ClientError: ${(error as Error).message}`.slice(0, 1024) };
      this.output.note(`failed: ${(error as Error).message}`);
    }
    return this.finish(outcome, modelArtifacts === undefined ? {} : { modelArtifacts });
  }

  /** Attempts until one is not a retryable failure or RetryStrategy's attempts run out. */
  private async runAttempts(): Promise<Outcome> {
    const { job } = this.options;
    const first = this.attempt;
    const maxAttempts = 1 + (job.request.RetryStrategy?.MaximumRetryAttempts ?? 0);
    for (;;) {
      if (this.attempt > first) {
        this.output.note(`attempt ${this.attempt + 1}, resuming from the last checkpoint`);
        await this.output.flush();
        await this.update({ retryAttempt: this.attempt }, this.attempt - 1);
        this.output.setAttempt(this.attempt);
      }
      const end = await this.runAttempt();
      await this.objects.checkpoints?.push();
      if (end.stoppedFor) return { kind: "stopped", reason: end.stoppedFor };
      if (end.code === 0) return { kind: "completed" };
      const retryable = end.signal !== null && INFRASTRUCTURE_SIGNALS.has(end.signal);
      this.output.note(
        `attempt ${this.attempt + 1} failed: ${end.signal ? `killed by ${end.signal}` : `exit code ${end.code}`}`,
      );
      const reason = failureReason(this.layout, this.output.lastLines(), end);
      if (!retryable || this.attempt + 1 >= first + maxAttempts) return { kind: "failed", reason };
      this.attempt++;
    }
  }

  /** One attempt: a fresh /opt/ml, its inputs, the process, watched until it ends. */
  private async runAttempt(): Promise<ProcessEnd> {
    const { job, settings, store, record } = this.options;
    const request = job.request;
    const paths = JobLayout.paths(this.layout.ml);
    // The move is this run's first write, made under its lease and attempt: a run that has been superseded is
    // refused here, before it touches a directory that the run that took over may be using.
    await this.history.move("Downloading", "Downloading input data and code");
    if (this.freshDirectory) rmSync(this.layout.root, { recursive: true, force: true });
    this.freshDirectory = false;
    mkdirSync(this.layout.root, { recursive: true });
    layOutAttempt(this.layout, job);
    await materialiseInputs(this.layout, job, this.objects);

    // TrainingStartTime is when Training begins, as in SageMaker (where installing the script's requirements is
    // part of it), written with the move.
    const first = !this.started && record.startedAt === null;
    this.started = true;
    await this.history.move("Training", "Training in progress", first ? { startedAt: this.clock.now() } : {});
    const note = (line: string) => this.output.note(line);
    const interpreters = {
      python: job.source ? await pythonFor(paths.code, settings.python, settings.cacheDir, note) : settings.python,
      node: process.execPath,
    };
    if (job.source) await nodeModulesFor(paths.code, settings.cacheDir, note);
    const command = jobCommand(request, paths.code, interpreters);
    const ml = this.box.private ? CONTAINER_ML : this.layout.ml;
    const resources: JobResources = {
      cpus: settings.resources.cpus,
      gpus: gpusFor(request.ResourceConfig.InstanceType, settings.resources),
    };
    const env = {
      ...(process.env as Record<string, string>),
      ...jobEnvironment(request, ml, resources, trainingJobArn(record.name)),
    };
    this.output.note(`running ${command.kind}: ${JSON.stringify(command.argv)}`);
    const cwd = job.source ? JobLayout.paths(ml).code : settings.baseDir;
    const { spawned, exited } = startProcess(this.box.wrap(command.argv, this.layout.ml, cwd), {
      cwd: job.source ? paths.code : settings.baseDir,
      env,
      output: this.output,
    });
    const startedAt = this.clock.now();
    await store.renewLease(this.lease, settings.leaseTtlMs, {
      pid: spawned.pid,
      pgid: spawned.pgid,
      ...(spawned.startTime === null ? {} : { processStartTime: spawned.startTime }),
    });
    this.options.onEvent?.({ type: "started", attempt: this.attempt, at: startedAt });
    return supervise(spawned, exited, {
      store,
      name: record.name,
      fence: this.fence,
      attempt: this.attempt,
      lease: this.lease,
      leaseTtlMs: settings.leaseTtlMs,
      clock: this.clock,
      output: this.output,
      box: this.box,
      deadline: this.clock.now() + request.StoppingCondition.MaxRuntimeInSeconds * 1000,
      stopGraceMs: settings.stopGraceMs,
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      ...(this.objects.checkpoints ? { tick: this.pushCheckpoints(this.objects.checkpoints) } : {}),
    });
  }

  /** The job's final status, written with its last log lines, and the lease given back. */
  private async finish(outcome: Outcome, artifacts: TrainingJobPatch): Promise<TrainingJobRecord> {
    const now = this.clock.now();
    // The log's last lines go first: once the status is final, readers take the log as complete.
    this.output.note(`${CURRENT_HOST} finished: ${outcome.kind}`);
    // The last points and lines are tried again while the store is away for a moment (a restart); a log that
    // still cannot be written must not keep the job InProgress: the status goes on unless this run lost it.
    for (let wait = 1000; ; wait *= 2) {
      try {
        await this.output.flush();
        break;
      } catch (error) {
        if (isLostJob(error)) throw error;
        if (wait > FINAL_FLUSH_PATIENCE_MS) break;
        await this.clock.sleep(wait);
      }
    }
    let ended: TrainingJobRecord;
    if (outcome.kind === "completed") {
      ended = await this.history.move("Completed", "Training job completed", {
        ...artifacts,
        status: "Completed",
        endedAt: now,
      });
    } else if (outcome.kind === "stopped") {
      const overtime = outcome.reason === "MaxRuntimeExceeded";
      ended = await this.history.move(
        overtime ? "MaxRuntimeExceeded" : "Stopped",
        overtime ? "Job stopped: MaxRuntimeInSeconds reached" : "Job stopped",
        { ...artifacts, status: "Stopped", stopReason: outcome.reason, endedAt: now },
      );
    } else {
      ended = await this.history.move("Failed", outcome.reason.split("\n")[0] as string, {
        status: "Failed",
        failureReason: outcome.reason,
        endedAt: now,
      });
    }
    await this.options.store.releaseLease(this.lease);
    return ended;
  }

  /** Pushes the job's checkpoints while it runs, every CHECKPOINT_PUSH_MS; a push already under way is not doubled. */
  private pushCheckpoints(checkpoints: CheckpointSync): () => void {
    let last = this.clock.now();
    return () => {
      if (this.clock.now() - last < CHECKPOINT_PUSH_MS) return;
      last = this.clock.now();
      checkpoints.push().catch((error: Error) => this.output.note(`checkpoint upload failed: ${error.message}`));
    };
  }

  async close(): Promise<void> {
    await this.output.close();
    this.objects.stores.close();
  }
}

/** The store refused this process's writes: another process runs the job now, and this one must stand down. */
export function isLostJob(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "E_LEASE_LOST" || code === "E_STALE_ATTEMPT";
}
