import { systemClock } from "../clock.js";
import { objectiveOf, strategyOf, type TuningObjective, trainingJobArn, tuningJobArn } from "../identity.js";
import { isRetryableFailure } from "../jobs/index.js";
import type { Hyperparameters } from "../space/index.js";
import type { StatusCounters, Store, TrainingJobRecord, TuningJobRecord } from "../store/index.js";
import type { ObjectiveType } from "../strategies/index.js";
import { checkCompletion } from "../tuner/completion.js";
import { recommendedTrainingJob } from "./recommended.js";

/**
 * SageMaker-shaped views of what the store holds: the same objects answer
 * `tunekit describe`, the HTTP API and the SDK, so they cannot drift apart.
 */

const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());

export function bestTrainingJob(store: Store, job: TuningJobRecord): Promise<TrainingJobRecord | undefined> {
  return store.bestTrainingJob(job.name, objectiveOf(job).Type);
}

export interface TrainingJobSummary {
  TrainingJobName: string;
  TrainingJobArn: string;
  TrainingJobDefinitionName?: string;
  TuningJobName?: string;
  TrainingJobStatus: string;
  CreationTime: string | undefined;
  TrainingStartTime: string | undefined;
  TrainingEndTime: string | undefined;
  TunedHyperParameters: Hyperparameters;
  ObjectiveStatus: string;
  FinalHyperParameterTuningJobObjectiveMetric?: { Type: ObjectiveType; MetricName: string; Value: number };
  FailureReason?: string;
}

export function summarizeTrainingJob(job: TrainingJobRecord, objective?: TuningObjective): TrainingJobSummary {
  return {
    TrainingJobName: job.name,
    TrainingJobArn: trainingJobArn(job.name),
    ...(job.definitionName === null ? {} : { TrainingJobDefinitionName: job.definitionName }),
    ...(job.tuningJobName === null ? {} : { TuningJobName: job.tuningJobName }),
    TrainingJobStatus: job.status,
    CreationTime: iso(job.createdAt),
    TrainingStartTime: iso(job.startedAt ?? job.createdAt),
    TrainingEndTime: iso(job.endedAt),
    TunedHyperParameters: job.hyperparameters,
    ObjectiveStatus: job.objectiveStatus,
    ...(objective && job.objectiveValue !== null
      ? { FinalHyperParameterTuningJobObjectiveMetric: { ...objective, Value: job.objectiveValue } }
      : {}),
    ...(job.failureReason === null ? {} : { FailureReason: job.failureReason }),
  };
}

/** Jobs that finished since the best last improved by more than 1%: the tuner's own count, from the store. */
export async function jobsNotImproving(store: Store, job: TuningJobRecord, type: ObjectiveType): Promise<number> {
  const orient = (v: number) => (type === "Maximize" ? -v : v);
  const results = await store.listObjectiveResults(job.name);
  return checkCompletion(
    results.map((r) => orient(r.value)),
    { convergence: false },
    results.length,
    orient,
  ).notImproving;
}

/** With an IdenticalDataAndAlgorithm warm start, the best job of this tuning job and its parents. */
export async function overallBest(
  store: Store,
  job: TuningJobRecord,
  objective: TuningObjective,
): Promise<TrainingJobRecord | undefined> {
  const warm = (
    job.config as {
      WarmStartConfig?: {
        WarmStartType: string;
        ParentHyperParameterTuningJobs: { HyperParameterTuningJobName: string }[];
      };
    }
  ).WarmStartConfig;
  if (job.kind !== "tuning-job" || warm?.WarmStartType !== "IdenticalDataAndAlgorithm") return undefined;
  const names = [job.name, ...warm.ParentHyperParameterTuningJobs.map((p) => p.HyperParameterTuningJobName)];
  const candidates = (await Promise.all(names.map((name) => store.bestTrainingJob(name, objective.Type)))).filter(
    (r): r is TrainingJobRecord => r !== undefined,
  );
  const sign = objective.Type === "Maximize" ? -1 : 1;
  return candidates.sort((a, b) => sign * ((a.objectiveValue as number) - (b.objectiveValue as number)))[0];
}

/**
 * SageMaker's TrainingJobStatusCounters from the store's counts by status, and how many of the failed jobs
 * failed for a retryable reason (see retryableFailures).
 */
export function trainingJobStatusCounters(status: StatusCounters, retryable: number) {
  return {
    Completed: status.Completed,
    InProgress: status.InProgress + status.Stopping,
    RetryableError: retryable,
    NonRetryableError: status.Failed - retryable,
    Stopped: status.Stopped,
  };
}

/** DescribeHyperParameterTuningJob's shape (a study's too, with its own fields); `now` times a running job. */
export async function describeTuningJob(store: Store, job: TuningJobRecord, now: number = systemClock.now()) {
  const counters = await store.countTrainingJobs(job.name);
  const objective = objectiveOf(job);
  const best = await bestTrainingJob(store, job);
  const overall = await overallBest(store, job, objective);
  const recommended = await recommendedTrainingJob(store, job);
  const retryable = await retryableFailures(store, job.name, counters.status.Failed);
  const notImproving = await jobsNotImproving(store, job, objective.Type);
  const request = (job.kind === "tuning-job" ? job.config : {}) as Record<string, unknown>;
  const end = job.endedAt ?? now;
  return {
    HyperParameterTuningJobName: job.name,
    ...(job.kind === "tuning-job" ? { HyperParameterTuningJobArn: tuningJobArn(job.name) } : {}),
    ...Object.fromEntries(
      ["HyperParameterTuningJobConfig", "TrainingJobDefinition", "TrainingJobDefinitions", "WarmStartConfig"]
        .filter((field) => request[field] !== undefined)
        .map((field) => [field, request[field]]),
    ),
    Kind: job.kind,
    HyperParameterTuningJobStatus: job.status,
    Strategy: strategyOf(job),
    Objective: objective,
    RandomSeed: job.seed,
    CreationTime: iso(job.createdAt),
    LastModifiedTime: iso(job.updatedAt),
    HyperParameterTuningEndTime: iso(job.endedAt),
    TrainingJobStatusCounters: trainingJobStatusCounters(counters.status, retryable),
    ObjectiveStatusCounters: counters.objective,
    ...(best ? { BestTrainingJob: summarizeTrainingJob(best, objective) } : {}),
    ...(overall ? { OverallBestTrainingJob: summarizeTrainingJob(overall, objective) } : {}),
    // tunekit's extension: the job the model recommends (best posterior mean among those run; Bayesian only).
    ...(recommended
      ? {
          RecommendedTrainingJob: {
            ...summarizeTrainingJob(recommended.record, objective),
            EstimatedObjectiveValue: recommended.estimate,
            ObservationsModelled: recommended.observations,
          },
        }
      : {}),
    ...(job.failureReason === null ? {} : { FailureReason: job.failureReason }),
    TuningJobCompletionDetails: {
      NumberOfTrainingJobsObjectiveNotImproving: notImproving,
      ...(job.convergenceDetectedAt === null ? {} : { ConvergenceDetectedTime: iso(job.convergenceDetectedAt) }),
    },
    ...(job.completionReason === null ? {} : { CompletionReason: job.completionReason }),
    ConsumedResources: { RuntimeInSeconds: Math.max(0, Math.round((end - job.createdAt) / 1000)) },
    ...(job.kind === "study" ? { Config: job.config } : {}),
  };
}

/**
 * DescribeTrainingJob's shape. Jobs that ran a process carry their request,
 * whose fields (HyperParameters, AlgorithmSpecification, InputDataConfig, ...)
 * are echoed as SageMaker echoes them; ask/tell trials have none.
 */
export async function describeTrainingJob(store: Store, job: TrainingJobRecord) {
  const parent = job.tuningJobName === null ? undefined : await store.getTuningJob(job.tuningJobName);
  const finalMetrics = await lastValuePerMetric(store, job.name);
  const request = (job.request ?? {}) as Record<string, unknown>;
  const seconds = (a: number | null, b: number | null) =>
    a !== null && b !== null ? Math.round((b - a) / 1000) : undefined;
  const { TunedHyperParameters, ObjectiveStatus, ...summary } = summarizeTrainingJob(
    job,
    parent && objectiveOf(parent),
  );
  return {
    ...summary,
    // Tuning-only fields: a standalone job's hyperparameters are its HyperParameters.
    ...(job.tuningJobName === null ? {} : { TunedHyperParameters, ObjectiveStatus }),
    TrainingJobArn: trainingJobArn(job.name),
    ...(job.secondaryStatus === null ? {} : { SecondaryStatus: job.secondaryStatus }),
    ...(job.statusTransitions.length === 0
      ? {}
      : {
          SecondaryStatusTransitions: job.statusTransitions.map((t) => ({
            Status: t.Status,
            StartTime: iso(t.StartTime),
            ...(t.EndTime === undefined ? {} : { EndTime: iso(t.EndTime) }),
            StatusMessage: t.StatusMessage,
          })),
        }),
    ...(job.tuningJobName === null ? {} : { TuningJobName: job.tuningJobName }),
    TrialIndex: job.trialIndex ?? undefined,
    ...Object.fromEntries(
      [
        "HyperParameters",
        "AlgorithmSpecification",
        "InputDataConfig",
        "OutputDataConfig",
        "ResourceConfig",
        "StoppingCondition",
        "Environment",
        "CheckpointConfig",
        "RetryStrategy",
      ]
        .filter((field) => request[field] !== undefined)
        .map((field) => [field, request[field]]),
    ),
    ...(job.modelArtifacts === null ? {} : { ModelArtifacts: { S3ModelArtifacts: job.modelArtifacts } }),
    RetryAttempt: job.retryAttempt,
    StopReason: job.stopReason ?? undefined,
    LastModifiedTime: iso(job.updatedAt),
    TrainingTimeInSeconds: seconds(job.startedAt, job.endedAt),
    FinalMetricDataList: finalMetrics,
  };
}

/**
 * Failed jobs whose failure came from outside the script (the machine killed it, or the process that ran it
 * was lost): SageMaker's RetryableError, as against the script's own NonRetryableError.
 */
export async function retryableFailures(store: Store, tuningJobName: string, failed: number): Promise<number> {
  if (failed === 0) return 0;
  const jobs = await store.listTrainingJobs({ tuningJobName, status: "Failed" });
  return jobs.filter((j) => isRetryableFailure(j.failureReason)).length;
}

async function lastValuePerMetric(store: Store, name: string) {
  const last = new Map<string, { MetricName: string; Value: number; Timestamp: string | undefined }>();
  for (const point of await store.listMetricPoints(name)) {
    last.set(point.metricName, { MetricName: point.metricName, Value: point.value, Timestamp: iso(point.timestamp) });
  }
  return [...last.values()];
}
