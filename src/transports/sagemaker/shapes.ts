import type {
  DescribeHyperParameterTuningJobResponse,
  DescribeTrainingJobResponse,
  HyperParameterTrainingJobSummary,
  HyperParameterTuningJobSummary,
  TrainingJobSummary,
} from "@aws-sdk/client-sagemaker";
import { objectiveOf, strategyOf, type TuningObjective, trainingJobArn, tuningJobArn } from "../../identity.js";
import {
  bestTrainingJob,
  jobsNotImproving,
  overallBest,
  retryableFailures,
  trainingJobStatusCounters,
} from "../../services/describe.js";
import type { Store, TrainingJobRecord, TuningJobRecord } from "../../store/index.js";

/**
 * The one serializer from tunekit's records to the SageMaker API's shapes, typed with the shapes the AWS SDK
 * for JavaScript publishes, so a member the real service has cannot silently go missing or change its type.
 * Times are Dates here; `wireJson` writes them as epoch seconds, as the JSON 1.1 protocol does. (The console's
 * views and the CLI's --json, with ISO times and tunekit's own fields, are src/services/describe.ts.)
 */

const date = (ms: number | null | undefined) => (ms === null || ms === undefined ? undefined : new Date(ms));

/** Leaves out the members whose value is undefined: absent members are absent on the wire. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

type Request = Record<string, unknown>;
const requestOf = (job: TrainingJobRecord): Request =>
  typeof job.request === "object" && job.request !== null ? (job.request as Request) : {};

/** The status SageMaker's SecondaryStatus has when a job ran no process of its own (an ask/tell trial). */
function secondaryStatusOf(job: TrainingJobRecord): NonNullable<DescribeTrainingJobResponse["SecondaryStatus"]> {
  if (job.secondaryStatus) return job.secondaryStatus as NonNullable<DescribeTrainingJobResponse["SecondaryStatus"]>;
  if (job.status === "InProgress") return "Training";
  return job.status;
}

/** Where the job's model.tar.gz goes: written when it finishes, named from the start, as SageMaker names it. */
function modelArtifactsOf(job: TrainingJobRecord): string {
  if (job.modelArtifacts) return job.modelArtifacts;
  const output = (requestOf(job).OutputDataConfig as { S3OutputPath?: string } | undefined)?.S3OutputPath;
  return output ? `${output.replace(/\/+$/, "")}/${job.name}/output/model.tar.gz` : "";
}

function finalObjective(job: TrainingJobRecord, objective: TuningObjective | undefined) {
  return objective && job.objectiveValue !== null ? { ...objective, Value: job.objectiveValue } : undefined;
}

/** One entry of ListTrainingJobsForHyperParameterTuningJob, and Describe's BestTrainingJob. */
export function hyperParameterTrainingJobSummary(
  job: TrainingJobRecord,
  objective: TuningObjective | undefined,
): HyperParameterTrainingJobSummary {
  return defined<HyperParameterTrainingJobSummary>({
    TrainingJobDefinitionName: job.definitionName ?? undefined,
    TrainingJobName: job.name,
    TrainingJobArn: trainingJobArn(job.name),
    TuningJobName: job.tuningJobName ?? undefined,
    CreationTime: date(job.createdAt),
    TrainingStartTime: date(job.startedAt),
    TrainingEndTime: date(job.endedAt),
    TrainingJobStatus: job.status,
    TunedHyperParameters: Object.fromEntries(Object.entries(job.hyperparameters).map(([k, v]) => [k, String(v)])),
    FailureReason: job.failureReason ?? undefined,
    FinalHyperParameterTuningJobObjectiveMetric: finalObjective(job, objective),
    ObjectiveStatus: job.objectiveStatus,
  });
}

/** One entry of ListTrainingJobs. */
export function trainingJobSummary(job: TrainingJobRecord): TrainingJobSummary {
  return defined<TrainingJobSummary>({
    TrainingJobName: job.name,
    TrainingJobArn: trainingJobArn(job.name),
    CreationTime: date(job.createdAt),
    TrainingEndTime: date(job.endedAt),
    LastModifiedTime: date(job.updatedAt),
    TrainingJobStatus: job.status,
    SecondaryStatus: secondaryStatusOf(job),
  });
}

/** The members of a CreateTrainingJob request that DescribeTrainingJob echoes. */
const ECHOED = [
  "HyperParameters",
  "AlgorithmSpecification",
  "RoleArn",
  "InputDataConfig",
  "OutputDataConfig",
  "ResourceConfig",
  "VpcConfig",
  "StoppingCondition",
  "EnableNetworkIsolation",
  "EnableInterContainerTrafficEncryption",
  "EnableManagedSpotTraining",
  "CheckpointConfig",
  "DebugHookConfig",
  "ExperimentConfig",
  "Environment",
  "RetryStrategy",
] as const;

/** Metric values as the job's definitions name them: each metric's last value, as Describe lists them. */
async function finalMetricDataList(store: Store, name: string) {
  const last = new Map<string, { MetricName: string; Value: number; Timestamp: Date }>();
  for (const point of await store.listMetricPoints(name)) {
    last.set(point.metricName, {
      MetricName: point.metricName,
      Value: point.value,
      Timestamp: new Date(point.timestamp),
    });
  }
  return [...last.values()];
}

export async function describeTrainingJobResponse(
  store: Store,
  job: TrainingJobRecord,
): Promise<DescribeTrainingJobResponse> {
  const request = requestOf(job);
  const parent = job.tuningJobName === null ? undefined : await store.getTuningJob(job.tuningJobName);
  const echoed = Object.fromEntries(ECHOED.filter((k) => request[k] !== undefined).map((k) => [k, request[k]]));
  const seconds =
    job.startedAt !== null && job.endedAt !== null ? Math.round((job.endedAt - job.startedAt) / 1000) : undefined;
  return defined<DescribeTrainingJobResponse>({
    TrainingJobName: job.name,
    TrainingJobArn: trainingJobArn(job.name),
    TuningJobArn: parent ? tuningJobArn(parent.name) : undefined,
    ModelArtifacts: { S3ModelArtifacts: modelArtifactsOf(job) },
    TrainingJobStatus: job.status,
    SecondaryStatus: secondaryStatusOf(job),
    FailureReason: job.failureReason ?? undefined,
    StoppingCondition: {},
    ...echoed,
    HyperParameters:
      (request.HyperParameters as Record<string, string> | undefined) ??
      Object.fromEntries(Object.entries(job.hyperparameters).map(([k, v]) => [k, String(v)])),
    CreationTime: date(job.createdAt),
    TrainingStartTime: date(job.startedAt),
    TrainingEndTime: date(job.endedAt),
    LastModifiedTime: date(job.updatedAt),
    SecondaryStatusTransitions:
      job.statusTransitions.length === 0
        ? undefined
        : job.statusTransitions.map((t) =>
            defined({
              Status: t.Status as NonNullable<DescribeTrainingJobResponse["SecondaryStatus"]>,
              StartTime: new Date(t.StartTime),
              EndTime: date(t.EndTime),
              StatusMessage: t.StatusMessage,
            }),
          ),
    FinalMetricDataList: await finalMetricDataList(store, job.name),
    TrainingTimeInSeconds: seconds,
    BillableTimeInSeconds: seconds,
    RetryStrategy: request.RetryStrategy as DescribeTrainingJobResponse["RetryStrategy"],
  } as DescribeTrainingJobResponse);
}

async function counters(store: Store, job: TuningJobRecord) {
  const counts = await store.countTrainingJobs(job.name);
  return {
    TrainingJobStatusCounters: trainingJobStatusCounters(
      counts.status,
      await retryableFailures(store, job.name, counts.status.Failed),
    ),
    ObjectiveStatusCounters: counts.objective,
  };
}

type TuningRequest = Record<string, unknown> & {
  HyperParameterTuningJobConfig?: Record<string, unknown> & { ResourceLimits?: Record<string, number> };
};
const tuningRequestOf = (job: TuningJobRecord): TuningRequest =>
  typeof job.config === "object" && job.config !== null ? (job.config as TuningRequest) : {};

export async function describeTuningJobResponse(
  store: Store,
  job: TuningJobRecord,
  now: number,
): Promise<DescribeHyperParameterTuningJobResponse> {
  const request = tuningRequestOf(job);
  const objective = objectiveOf(job);
  const best = await bestTrainingJob(store, job);
  const overall = await overallBest(store, job, objective);
  const notImproving = await jobsNotImproving(store, job, objective.Type);
  const end = job.endedAt ?? now;
  return defined<DescribeHyperParameterTuningJobResponse>({
    HyperParameterTuningJobName: job.name,
    HyperParameterTuningJobArn: tuningJobArn(job.name),
    HyperParameterTuningJobConfig: request.HyperParameterTuningJobConfig,
    TrainingJobDefinition: request.TrainingJobDefinition,
    TrainingJobDefinitions: request.TrainingJobDefinitions,
    HyperParameterTuningJobStatus: job.status,
    CreationTime: date(job.createdAt),
    HyperParameterTuningEndTime: date(job.endedAt),
    LastModifiedTime: date(job.updatedAt),
    ...(await counters(store, job)),
    BestTrainingJob: best ? hyperParameterTrainingJobSummary(best, objective) : undefined,
    OverallBestTrainingJob: overall ? hyperParameterTrainingJobSummary(overall, objective) : undefined,
    WarmStartConfig: request.WarmStartConfig,
    FailureReason: job.failureReason ?? undefined,
    TuningJobCompletionDetails: defined({
      NumberOfTrainingJobsObjectiveNotImproving: notImproving,
      ConvergenceDetectedTime: date(job.convergenceDetectedAt),
    }),
    ConsumedResources: { RuntimeInSeconds: Math.max(0, Math.round((end - job.createdAt) / 1000)) },
  } as DescribeHyperParameterTuningJobResponse);
}

export async function tuningJobSummary(store: Store, job: TuningJobRecord): Promise<HyperParameterTuningJobSummary> {
  const limits = tuningRequestOf(job).HyperParameterTuningJobConfig?.ResourceLimits;
  return defined<HyperParameterTuningJobSummary>({
    HyperParameterTuningJobName: job.name,
    HyperParameterTuningJobArn: tuningJobArn(job.name),
    HyperParameterTuningJobStatus: job.status,
    Strategy: strategyOf(job) as HyperParameterTuningJobSummary["Strategy"],
    CreationTime: date(job.createdAt),
    HyperParameterTuningEndTime: date(job.endedAt),
    LastModifiedTime: date(job.updatedAt),
    ...(await counters(store, job)),
    ResourceLimits: limits as HyperParameterTuningJobSummary["ResourceLimits"],
  });
}

/**
 * JSON as the JSON 1.1 protocol writes it: timestamps as epoch seconds (numbers), absent members left out.
 */
export function wireJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : v;
  });
}
