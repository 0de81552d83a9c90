import { hostname } from "node:os";
import { type Clock, systemClock } from "../clock.js";
import type { ParsedTuningJob } from "../config/tuning-job-request.js";
import { TunekitError, ValidationError } from "../errors.js";
import { prepareTrainingJob, runTrainingJob } from "../jobs/index.js";
import type { JobSettings } from "../jobs/settings.js";
import { trialView } from "../optimizer/trial.js";
import { freshSeed } from "../random.js";
import type { Store, TrainingJobRecord, TuningJobRecord } from "../store/index.js";
import { createStrategy, type StrategyName, SuggestionWorker } from "../strategies/index.js";
import { childJobName, childRequest } from "./child-job.js";

/** What the tuner reports as it goes (the terminal display listens). */
export type TuningEvent =
  | { kind: "started"; job: string; index: number; hyperparameters: Record<string, unknown> }
  | { kind: "finished"; job: TrainingJobRecord; best: TrainingJobRecord | undefined };

export interface RunTuningJobOptions {
  readonly store: Store;
  readonly job: ParsedTuningJob;
  readonly settings: JobSettings;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  readonly onEvent?: (event: TuningEvent) => void;
}

/** Without a single result after this many failed jobs, the tuning job stops instead of burning its budget. */
const FAILURES_BEFORE_GIVING_UP = 3;
const POLL_MS = 200;
const LEASE_TTL_MS = 30_000;

/** The objective is the last value of the objective metric a job emitted; without one, its ObjectiveStatus is Failed. */
function recordObjective(store: Store, job: TrainingJobRecord, metric: string, now: number): TrainingJobRecord {
  const points = store.listMetricPoints(job.name, metric);
  const last = points[points.length - 1];
  const counts = job.status === "Completed" || job.status === "Stopped";
  return (
    store.updateTrainingJob(
      job.name,
      counts && last
        ? { objectiveValue: last.value, objectiveStatus: "Succeeded", now }
        : { objectiveStatus: "Failed", now },
    ) ?? job
  );
}

/**
 * Runs a tuning job: keeps up to MaxParallelTrainingJobs training jobs
 * running until MaxNumberOfTrainingJobs have been started, each with
 * hyperparameters from the strategy (computed in a worker thread), and
 * reads each job's objective from its metrics. Stopping (the signal or a
 * stop request from another process) stops the running jobs and ends the
 * tuning job Stopped.
 */
export async function runTuningJob(options: RunTuningJobOptions): Promise<TuningJobRecord> {
  const { store, job, settings } = options;
  const clock = options.clock ?? systemClock;
  const { request, definition, space, maxJobs } = job;
  const config = request.HyperParameterTuningJobConfig;
  const name = request.HyperParameterTuningJobName;
  const objective = config.HyperParameterTuningJobObjective;
  const strategyName = config.Strategy as StrategyName;
  createStrategy(strategyName, "HyperParameterTuningJobConfig.Strategy").checkSpace(space);
  const seed = config.RandomSeed ?? freshSeed();
  // Every child must be a valid training job here: check one before anything is created.
  try {
    prepareTrainingJob(
      childRequest(
        request,
        definition,
        childJobName(name, seed, 0),
        space.decode(new Array(space.dimension).fill(0.5)),
      ),
      settings,
    );
  } catch (error) {
    if (error instanceof TunekitError && error.field) {
      throw new ValidationError(
        `TrainingJobDefinition.${error.field}`,
        error.message.replace(`${error.field}: `, ""),
        error.code,
      );
    }
    throw error;
  }

  store.createTuningJob({ name, kind: "tuning-job", config: request, seed, now: clock.now() });
  const owner = `${hostname()}:${process.pid}:${name}`;
  store.acquireLease({
    kind: "tuning-job",
    name,
    owner,
    ttlMs: LEASE_TTL_MS,
    now: clock.now(),
    host: hostname(),
    pid: process.pid,
  });
  const worker = new SuggestionWorker();
  const running = new Map<string, Promise<void>>();
  let stopping = false;
  let exhausted = false;
  let failureReason: string | undefined;
  let lastBeat = clock.now();

  const stopChildren = () => {
    for (const child of running.keys()) store.requestStop("training-job", child, clock.now(), "tuning job stopped");
  };

  try {
    for (;;) {
      const now = clock.now();
      if (!stopping && (options.signal?.aborted || store.pendingStopRequests("tuning-job", name).length > 0)) {
        for (const stop of store.pendingStopRequests("tuning-job", name)) store.acknowledgeStopRequest(stop.id, now);
        store.updateTuningJob(name, { status: "Stopping", now }, ["InProgress"]);
        stopping = true;
        stopChildren();
      }
      if (now - lastBeat > LEASE_TTL_MS / 3) {
        store.renewLease("tuning-job", name, owner, LEASE_TTL_MS, now);
        lastBeat = now;
      }
      const counters = store.countTrainingJobs(name);
      if (
        !failureReason &&
        counters.objective.Succeeded === 0 &&
        counters.objective.Failed >= Math.min(FAILURES_BEFORE_GIVING_UP, maxJobs)
      ) {
        failureReason = `the first ${counters.objective.Failed} training jobs all failed to produce the objective metric ${objective.MetricName}; see their FailureReason and logs`;
      }
      while (
        !stopping &&
        !exhausted &&
        !failureReason &&
        running.size < config.ResourceLimits.MaxParallelTrainingJobs
      ) {
        const trialIndex = (store.getTuningJob(name) as TuningJobRecord).trialCount;
        if (trialIndex >= maxJobs) break;
        const views = store.listTrainingJobs({ tuningJobName: name }).map(trialView);
        const suggestion = await worker.suggest({
          strategy: strategyName,
          ranges: space.specs(),
          objective: objective.Type,
          history: views.filter((v) => v.state !== "Pending"),
          pending: views.filter((v) => v.state === "Pending"),
          trialIndex,
          seed,
        });
        if (suggestion === "exhausted") {
          exhausted = true;
          break;
        }
        const child = childJobName(name, seed, trialIndex);
        const prepared = prepareTrainingJob(
          childRequest(request, definition, child, suggestion.hyperparameters),
          settings,
        );
        options.onEvent?.({
          kind: "started",
          job: child,
          index: trialIndex,
          hyperparameters: suggestion.hyperparameters,
        });
        const run = runTrainingJob({
          store,
          job: prepared,
          settings,
          clock,
          trial: {
            tuningJobName: name,
            trialIndex,
            hyperparameters: suggestion.hyperparameters,
            ...(suggestion.state === undefined ? {} : { strategyState: suggestion.state }),
          },
        }).then((record) => {
          const finished = recordObjective(store, record, objective.MetricName, clock.now());
          running.delete(child);
          options.onEvent?.({ kind: "finished", job: finished, best: store.bestTrainingJob(name, objective.Type) });
        });
        running.set(child, run);
      }
      if (running.size === 0) break;
      await Promise.race([...running.values(), new Promise((r) => setTimeout(r, POLL_MS))]);
    }
  } catch (error) {
    // The tuner itself failed (not a training job): stop what runs, record why, and report it.
    stopChildren();
    await Promise.allSettled(running.values());
    failureReason = `tunekit error: ${(error as Error).message}`.slice(0, 1024);
    store.updateTuningJob(name, { status: "Failed", failureReason, endedAt: clock.now(), now: clock.now() });
    store.releaseLease("tuning-job", name, owner);
    throw error;
  } finally {
    await worker.close();
  }
  const now = clock.now();
  const status = stopping ? "Stopped" : failureReason ? "Failed" : "Completed";
  store.updateTuningJob(name, { status, endedAt: now, now, ...(failureReason ? { failureReason } : {}) });
  store.releaseLease("tuning-job", name, owner);
  return store.getTuningJob(name) as TuningJobRecord;
}
