import type { Hyperparameters } from "../space/index.js";
import type { ResourceKind, StatusCounters, Store, TrainingJobRecord, TuningJobRecord } from "../store/index.js";
import type { ObjectiveType } from "../strategies/index.js";
import { checkCompletion } from "../tuner/completion.js";

/**
 * SageMaker-shaped views of what the store holds: the same objects answer
 * `tunekit describe`, the HTTP API and the SDK, so they cannot drift apart.
 */
export interface TuningObjective {
  Type: ObjectiveType;
  MetricName: string;
}

/** A study keeps its options; a tuning job keeps its request. Either way, this is what "better" means. */
export function objectiveOf(job: TuningJobRecord): TuningObjective {
  const config = job.config as Record<string, unknown>;
  if (job.kind === "study") return { Type: config.objective as ObjectiveType, MetricName: "objective" };
  const tuning = (config.HyperParameterTuningJobConfig ?? {}) as { HyperParameterTuningJobObjective?: TuningObjective };
  return tuning.HyperParameterTuningJobObjective ?? { Type: "Maximize", MetricName: "objective" };
}

export function strategyOf(job: TuningJobRecord): string {
  const config = job.config as Record<string, unknown>;
  if (job.kind === "study") return String(config.strategy);
  const tuning = (config.HyperParameterTuningJobConfig ?? {}) as { Strategy?: string };
  return tuning.Strategy ?? "Bayesian";
}

const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());

export function bestTrainingJob(store: Store, job: TuningJobRecord): TrainingJobRecord | undefined {
  return store.bestTrainingJob(job.name, objectiveOf(job).Type);
}

/** "tuning-job" → "tuning job", for messages. */
export function kindLabel(kind: ResourceKind): string {
  return kind.replace("-", " ");
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

/** The ARN-shaped identity SageMaker gives a tuning job; local, so its partition says so. */
export function tuningJobArn(name: string): string {
  return `arn:tunekit:sagemaker:local:000000000000:hyper-parameter-tuning-job/${name.toLowerCase()}`;
}

/** Jobs that finished since the best last improved by more than 1%: the tuner's own count, from the store. */
function jobsNotImproving(store: Store, job: TuningJobRecord, type: ObjectiveType): number {
  const orient = (v: number) => (type === "Maximize" ? -v : v);
  const results = store.listObjectiveResults(job.name);
  return checkCompletion(
    results.map((r) => orient(r.value)),
    { convergence: false },
    results.length,
    orient,
  ).notImproving;
}

/** With an IdenticalDataAndAlgorithm warm start, the best job of this tuning job and its parents. */
function overallBest(store: Store, job: TuningJobRecord, objective: TuningObjective): TrainingJobRecord | undefined {
  const warm = (
    job.config as {
      WarmStartConfig?: {
        WarmStartType: string;
        ParentHyperParameterTuningJobs: { HyperParameterTuningJobName: string }[];
      };
    }
  ).WarmStartConfig;
  if (job.kind !== "tuning-job" || warm?.WarmStartType !== "IdenticalDataAndAlgorithm") return undefined;
  const candidates = [job.name, ...warm.ParentHyperParameterTuningJobs.map((p) => p.HyperParameterTuningJobName)]
    .map((name) => store.bestTrainingJob(name, objective.Type))
    .filter((r): r is TrainingJobRecord => r !== undefined);
  const sign = objective.Type === "Maximize" ? -1 : 1;
  return candidates.sort((a, b) => sign * ((a.objectiveValue as number) - (b.objectiveValue as number)))[0];
}

/** SageMaker's TrainingJobStatusCounters from the store's counts by status. */
export function trainingJobStatusCounters(status: StatusCounters) {
  return {
    Completed: status.Completed,
    InProgress: status.InProgress + status.Stopping,
    RetryableError: 0,
    NonRetryableError: status.Failed,
    Stopped: status.Stopped,
  };
}

export function describeTuningJob(store: Store, job: TuningJobRecord) {
  const counters = store.countTrainingJobs(job.name);
  const objective = objectiveOf(job);
  const best = bestTrainingJob(store, job);
  const overall = overallBest(store, job, objective);
  const request = (job.kind === "tuning-job" ? job.config : {}) as Record<string, unknown>;
  const end = job.endedAt ?? Date.now();
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
    TrainingJobStatusCounters: trainingJobStatusCounters(counters.status),
    ObjectiveStatusCounters: counters.objective,
    ...(best ? { BestTrainingJob: summarizeTrainingJob(best, objective) } : {}),
    ...(overall ? { OverallBestTrainingJob: summarizeTrainingJob(overall, objective) } : {}),
    ...(job.failureReason === null ? {} : { FailureReason: job.failureReason }),
    TuningJobCompletionDetails: {
      NumberOfTrainingJobsObjectiveNotImproving: jobsNotImproving(store, job, objective.Type),
      ...(job.convergenceDetectedAt === null ? {} : { ConvergenceDetectedTime: iso(job.convergenceDetectedAt) }),
    },
    ...(job.completionReason === null ? {} : { CompletionReason: job.completionReason }),
    ConsumedResources: { RuntimeInSeconds: Math.max(0, Math.round((end - job.createdAt) / 1000)) },
    ...(job.kind === "study" ? { Config: job.config } : {}),
  };
}

/** The ARN-shaped identity SageMaker gives a training job; local, so its partition says so. */
export function trainingJobArn(name: string): string {
  return `arn:tunekit:sagemaker:local:000000000000:training-job/${name.toLowerCase()}`;
}

/**
 * DescribeTrainingJob's shape. Jobs that ran a process carry their request,
 * whose fields (HyperParameters, AlgorithmSpecification, InputDataConfig, ...)
 * are echoed as SageMaker echoes them; ask/tell trials have none.
 */
export function describeTrainingJob(store: Store, job: TrainingJobRecord) {
  const parent = job.tuningJobName === null ? undefined : store.getTuningJob(job.tuningJobName);
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
    FinalMetricDataList: lastValuePerMetric(store, job.name),
  };
}

function lastValuePerMetric(store: Store, name: string) {
  const last = new Map<string, { MetricName: string; Value: number; Timestamp: string | undefined }>();
  for (const point of store.listMetricPoints(name)) {
    last.set(point.metricName, { MetricName: point.metricName, Value: point.value, Timestamp: iso(point.timestamp) });
  }
  return [...last.values()];
}
