import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, constants as osConstants } from "node:os";
import { join } from "node:path";
import { trainingJobArn } from "../api/describe.js";
import { type Clock, systemClock } from "../clock.js";
import type { Hyperparameters } from "../space/index.js";
import type { SecondaryStatusTransition, Store, TrainingJobRecord } from "../store/index.js";
import { nodeModulesFor, pythonFor } from "./dependencies.js";
import { jobCommand } from "./entry-point.js";
import { CURRENT_HOST, inputDataConfig, type JobResources, jobEnvironment, resourceConfig } from "./environment.js";
import { copyInto, mirror, packDirectory, unpackSource } from "./files.js";
import { JobLayout } from "./job-layout.js";
import { LogCapture } from "./log-capture.js";
import { MetricExtractor } from "./metric-extractor.js";
import type { PreparedJob } from "./prepare.js";
import { signalGroup, signalGroupMembers, spawnGroup } from "./process-group.js";
import { CONTAINER_ML, sandbox } from "./sandbox.js";
import type { JobSettings } from "./settings.js";

/** The stream name under which a job's stdout and stderr are kept together, in order. */
export const COMBINED_LOG = "combined";
const LEASE_TTL_MS = 30_000;
const POLL_MS = 200;

export interface RunTrainingJobOptions {
  readonly store: Store;
  readonly job: PreparedJob;
  readonly settings: JobSettings;
  /** Each line of the job's log as it arrives (the terminal). */
  readonly onLine?: (line: string) => void;
  /** Aborting stops the job as `tunekit stop` would (Ctrl-C). */
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  /** Set when the job is a trial of a tuning job. */
  readonly trial?: {
    tuningJobName: string;
    trialIndex: number;
    definitionName?: string;
    hyperparameters: Hyperparameters;
    /** What the strategy stored with this trial (see Suggestion.state). */
    strategyState?: unknown;
  };
  /**
   * The job's record already exists: its earlier run was lost with the tunekit
   * process that ran it, and this is a further attempt under the same name
   * (its log is kept and continued).
   */
  readonly relaunch?: boolean;
}

type Outcome =
  | { kind: "completed" }
  | { kind: "failed"; reason: string; retryable: boolean }
  /** `reason`: MaxRuntimeExceeded, or the stop request's reason ("user", "early-stopping", ...), the job's StopReason. */
  | { kind: "stopped"; reason: string };

/** Signals the job did not send itself that mean the machine, not the script, ended it (retryable under RetryStrategy). */
const INFRASTRUCTURE_SIGNALS = new Set(["SIGKILL", "SIGSEGV", "SIGBUS"]);

function failureReason(layout: JobLayout, logTail: string[], code: number | null, signal: string | null): string {
  const failure = JobLayout.paths(layout.ml).failure;
  if (existsSync(failure)) {
    const text = readFileSync(failure, "utf8").trim();
    if (text) return text.slice(0, 1024);
  }
  const how = signal ? `killed by ${signal}` : `exit code ${code}`;
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

function signalName(n: number): string | null {
  return Object.entries(osConstants.signals).find(([, value]) => value === n)?.[0] ?? null;
}

function gpusFor(instanceType: string, resources: JobResources): readonly string[] {
  const gpuInstance = instanceType === "local_gpu" || /^ml\.(p|g)\d/.test(instanceType);
  return gpuInstance ? resources.gpus : [];
}

/**
 * Runs one training job to the end under the SageMaker container contract:
 * lays out its private /opt/ml, runs the entry point in its own process
 * group (inside a bubblewrap mount namespace where available), captures the
 * log and metrics, enforces the stopping condition and stop requests,
 * retries retryable failures from the last checkpoint, and packs the
 * artifacts. Every state change is written to the store before it is acted on.
 */
export async function runTrainingJob(options: RunTrainingJobOptions): Promise<TrainingJobRecord> {
  const { store, job, settings } = options;
  const clock = options.clock ?? systemClock;
  const request = job.request;
  const name = request.TrainingJobName;
  const layout = new JobLayout(join(settings.jobsDir, name));
  const box = sandbox(settings.sandbox);
  const ml = box.private ? CONTAINER_ML : layout.ml;

  const previous = options.relaunch ? store.getTrainingJob(name) : undefined;
  if (previous) {
    store.updateTrainingJob(name, {
      status: "InProgress",
      secondaryStatus: "Starting",
      retryAttempt: previous.retryAttempt + 1,
      failureReason: null,
      stopReason: null,
      endedAt: null,
      now: clock.now(),
    });
  } else {
    store.createTrainingJob({
      name,
      hyperparameters: options.trial?.hyperparameters ?? request.HyperParameters,
      request,
      secondaryStatus: "Starting",
      jobDir: layout.root,
      now: clock.now(),
      ...(options.trial
        ? {
            tuningJobName: options.trial.tuningJobName,
            trialIndex: options.trial.trialIndex,
            ...(options.trial.strategyState === undefined ? {} : { strategyState: options.trial.strategyState }),
            ...(options.trial.definitionName ? { definitionName: options.trial.definitionName } : {}),
          }
        : {}),
    });
  }
  const transitions: SecondaryStatusTransition[] = [...(previous?.statusTransitions ?? [])];
  const transition = (status: string, message: string) => {
    const now = clock.now();
    const last = transitions.pop();
    if (last) transitions.push({ ...last, EndTime: now });
    transitions.push({ Status: status, StartTime: now, StatusMessage: message });
    store.updateTrainingJob(name, { secondaryStatus: status, statusTransitions: transitions, now });
  };
  transition("Starting", "Preparing the job directory");

  if (!previous) rmSync(layout.root, { recursive: true, force: true });
  mkdirSync(layout.root, { recursive: true });
  const tail: string[] = [];
  const extractor = new MetricExtractor(request.AlgorithmSpecification.MetricDefinitions, (w) => capture.note(w));
  let pendingLines: string[] = [];
  const capture: LogCapture = new LogCapture(layout.log, settings.logCapBytes, (lines) => {
    for (const line of lines) {
      options.onLine?.(line);
      tail.push(line);
      if (tail.length > 20) tail.shift();
    }
    pendingLines.push(...lines);
  });
  store.setLogCursor({
    trainingJobName: name,
    stream: COMBINED_LOG,
    path: layout.log,
    offset: 0,
    updatedAt: clock.now(),
  });
  if (previous)
    capture.note(
      `the tunekit process that ran this job exited; running it again (attempt ${previous.retryAttempt + 2})`,
    );
  for (const notice of job.notices) capture.note(notice);
  if (!box.private)
    capture.note(`the job sees its directory through SM_* variables only, not at ${CONTAINER_ML}: ${box.reason}`);

  // Metric extraction runs beside the job, one batch at a time, so the store sees points within a poll interval.
  const flushMetrics = async () => {
    while (pendingLines.length > 0) {
      const batch = pendingLines;
      pendingLines = [];
      const points = await extractor.extract(batch, clock.now());
      if (points.length > 0) store.appendMetricPoints(name, points);
    }
  };

  const owner = `${hostname()}:${process.pid}:${name}`;
  store.acquireLease({ kind: "training-job", name, owner, ttlMs: LEASE_TTL_MS, now: clock.now(), host: hostname() });
  const maxAttempts = 1 + (request.RetryStrategy?.MaximumRetryAttempts ?? 0);
  const resources: JobResources = {
    cpus: settings.resources.cpus,
    gpus: gpusFor(request.ResourceConfig.InstanceType, settings.resources),
  };
  const arn = trainingJobArn(name);
  let outcome: Outcome = { kind: "failed", reason: "not started", retryable: false };
  let startedAt: number | undefined;

  try {
    const firstAttempt = previous ? previous.retryAttempt + 1 : 0;
    for (let attempt = firstAttempt; attempt < firstAttempt + maxAttempts; attempt++) {
      if (attempt > firstAttempt) {
        capture.note(`attempt ${attempt + 1}, resuming from the last checkpoint`);
        store.updateTrainingJob(name, { retryAttempt: attempt, now: clock.now() });
      }
      const paths = JobLayout.paths(layout.ml);
      rmSync(layout.ml, { recursive: true, force: true });
      for (const dir of [
        paths.inputConfig,
        paths.inputData,
        paths.model,
        paths.outputData,
        paths.outputIntermediate,
        paths.checkpoints,
        paths.code,
      ]) {
        mkdirSync(dir, { recursive: true });
      }
      writeFileSync(join(paths.inputConfig, "hyperparameters.json"), JSON.stringify(request.HyperParameters));
      writeFileSync(join(paths.inputConfig, "inputdataconfig.json"), JSON.stringify(inputDataConfig(request)));
      writeFileSync(join(paths.inputConfig, "resourceconfig.json"), JSON.stringify(resourceConfig(request)));

      transition("Downloading", "Copying input data and code");
      for (const channel of job.channels) copyInto(channel.source, paths.channel(channel.name));
      if (job.source) await unpackSource(job.source, paths.code);
      if (job.checkpoint) mirror(job.checkpoint.store, join(layout.ml, job.checkpoint.relative));

      transition("Training", "Training in progress");
      const interpreters = {
        python: job.source
          ? await pythonFor(paths.code, settings.python, settings.cacheDir, (l) => capture.note(l))
          : settings.python,
        node: process.execPath,
      };
      if (job.source) await nodeModulesFor(paths.code, settings.cacheDir, (l) => capture.note(l));
      const command = jobCommand(request, paths.code, interpreters);
      const cwd = job.source ? JobLayout.paths(ml).code : settings.baseDir;
      const env = {
        ...(process.env as Record<string, string>),
        ...jobEnvironment(request, ml, resources, arn),
      };
      capture.note(`running ${command.kind}: ${JSON.stringify(command.argv)}`);
      const spawned = spawnGroup(box.wrap(command.argv, layout.ml, cwd), {
        cwd: job.source ? paths.code : settings.baseDir,
        env,
      });
      startedAt ??= clock.now();
      store.updateTrainingJob(name, { startedAt, now: clock.now() });
      store.acquireLease({
        kind: "training-job",
        name,
        owner,
        ttlMs: LEASE_TTL_MS,
        now: clock.now(),
        host: hostname(),
        pid: spawned.pid,
        pgid: spawned.pgid,
        ...(spawned.startTime === null ? {} : { processStartTime: spawned.startTime }),
      });

      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
        spawned.child.on("close", (code, signal) => resolve({ code, signal }));
        spawned.child.on("error", (error) => {
          capture.note(`could not start ${command.argv[0]}: ${error.message}`);
          resolve({ code: 127, signal: null });
        });
      });
      const streams = Promise.all([
        capture.attach(spawned.child.stdout as never),
        capture.attach(spawned.child.stderr as never),
      ]);

      // Supervise: runtime limit, stop requests, the caller's abort, the lease heartbeat, metric batches.
      let stopping: string | undefined;
      const deadline = clock.now() + request.StoppingCondition.MaxRuntimeInSeconds * 1000;
      let killAt = Number.POSITIVE_INFINITY;
      let done = false;
      void exited.then(() => {
        done = true;
      });
      let lastBeat = clock.now();
      const requestStop = (reason: string) => {
        if (stopping) return;
        stopping = reason;
        capture.note(
          reason === "MaxRuntimeExceeded"
            ? "MaxRuntimeInSeconds reached: sending SIGTERM"
            : `stop requested (${reason}): sending SIGTERM`,
        );
        store.updateTrainingJob(name, { status: "Stopping", now: clock.now() }, ["InProgress"]);
        if (box.private) signalGroupMembers(spawned.pgid, "SIGTERM");
        else signalGroup(spawned.pgid, "SIGTERM");
        killAt = clock.now() + settings.stopGraceMs;
      };
      while (!done) {
        await Promise.race([exited, new Promise((r) => setTimeout(r, POLL_MS))]);
        await flushMetrics();
        const now = clock.now();
        if (options.signal?.aborted) requestStop("user");
        for (const stop of store.pendingStopRequests("training-job", name)) {
          store.acknowledgeStopRequest(stop.id, now);
          requestStop(stop.reason ?? "user");
        }
        if (now >= deadline) requestStop("MaxRuntimeExceeded");
        if (now >= killAt && !done) {
          capture.note(`still running ${settings.stopGraceMs} ms after SIGTERM: sending SIGKILL`);
          signalGroup(spawned.pgid, "SIGKILL");
          killAt = Number.POSITIVE_INFINITY;
        }
        if (now - lastBeat > LEASE_TTL_MS / 3) {
          store.renewLease("training-job", name, owner, LEASE_TTL_MS, now);
          lastBeat = now;
        }
      }
      const { code, signal: ownSignal } = await exited;
      // Inside bubblewrap the job is bwrap's child: a signal that killed it comes back as exit code 128 + N.
      const signal = ownSignal ?? (box.private && code !== null && code > 128 ? signalName(code - 128) : null);
      await streams;
      // Children the script left in its group go with it.
      signalGroup(spawned.pgid, "SIGKILL");
      await flushMetrics();
      if (job.checkpoint) mirror(join(layout.ml, job.checkpoint.relative), job.checkpoint.store);

      if (stopping) outcome = { kind: "stopped", reason: stopping };
      else if (code === 0) outcome = { kind: "completed" };
      else {
        const retryable = signal !== null && INFRASTRUCTURE_SIGNALS.has(signal);
        outcome = { kind: "failed", reason: failureReason(layout, tail, code, signal), retryable };
        capture.note(`attempt ${attempt + 1} failed: ${signal ? `killed by ${signal}` : `exit code ${code}`}`);
        if (retryable && attempt + 1 < firstAttempt + maxAttempts) continue;
      }
      break;
    }

    if (outcome.kind !== "failed") {
      transition("Uploading", "Packing model and output artifacts");
      const paths = JobLayout.paths(layout.ml);
      const model = join(job.outputDir, "model.tar.gz");
      await packDirectory(paths.model, model);
      await packDirectory(paths.outputData, join(job.outputDir, "output.tar.gz"));
      store.updateTrainingJob(name, { modelArtifacts: model, now: clock.now() });
      if (outcome.kind === "completed") writeFileSync(paths.success, "");
    }
  } catch (error) {
    outcome = { kind: "failed", reason: `ClientError: ${(error as Error).message}`.slice(0, 1024), retryable: false };
    capture.note(`failed: ${(error as Error).message}`);
  } finally {
    await extractor.close();
  }

  const now = clock.now();
  if (outcome.kind === "completed") {
    transition("Completed", "Training job completed");
    store.updateTrainingJob(name, { status: "Completed", endedAt: now, now });
  } else if (outcome.kind === "stopped") {
    transition(
      outcome.reason === "MaxRuntimeExceeded" ? "MaxRuntimeExceeded" : "Stopped",
      outcome.reason === "MaxRuntimeExceeded" ? "Job stopped: MaxRuntimeInSeconds reached" : "Job stopped",
    );
    store.updateTrainingJob(name, { status: "Stopped", stopReason: outcome.reason, endedAt: now, now });
  } else {
    transition("Failed", outcome.reason.split("\n")[0] as string);
    store.updateTrainingJob(name, { status: "Failed", failureReason: outcome.reason, endedAt: now, now });
  }
  capture.note(`${CURRENT_HOST} finished: ${outcome.kind}`);
  capture.close();
  store.releaseLease("training-job", name, owner);
  return store.getTrainingJob(name) as TrainingJobRecord;
}
