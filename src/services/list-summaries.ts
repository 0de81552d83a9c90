import { objectiveOf, strategyOf, trainingJobArn, tuningJobArn } from "../identity.js";
import type { Store, TrainingJobRecord, TuningJobRecord } from "../store/index.js";
import {
  bestTrainingJob,
  retryableFailures,
  summarizeTrainingJob,
  type TrainingJobSummary,
  trainingJobStatusCounters,
} from "./describe.js";

const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());

interface ResourceLimits {
  MaxNumberOfTrainingJobs?: number;
  MaxParallelTrainingJobs?: number;
  MaxRuntimeInSeconds?: number;
}

/**
 * One entry of ListHyperParameterTuningJobs' HyperParameterTuningJobSummaries, plus what tunekit adds: `Kind`
 * (a tuning job or an ask/tell study, which has no ARN and no resource limits) and `BestTrainingJob`, as
 * Describe gives it.
 */
export interface HyperParameterTuningJobSummary {
  HyperParameterTuningJobName: string;
  HyperParameterTuningJobArn?: string;
  HyperParameterTuningJobStatus: string;
  Strategy: string;
  CreationTime: string | undefined;
  HyperParameterTuningEndTime: string | undefined;
  LastModifiedTime: string | undefined;
  TrainingJobStatusCounters: ReturnType<typeof trainingJobStatusCounters>;
  ObjectiveStatusCounters: Record<string, number>;
  ResourceLimits?: ResourceLimits;
  Kind: TuningJobRecord["kind"];
  BestTrainingJob?: TrainingJobSummary;
}

export async function hyperParameterTuningJobSummary(
  store: Store,
  job: TuningJobRecord,
): Promise<HyperParameterTuningJobSummary> {
  const counters = await store.countTrainingJobs(job.name);
  const best = await bestTrainingJob(store, job);
  const config = (job.config ?? {}) as { HyperParameterTuningJobConfig?: { ResourceLimits?: ResourceLimits } };
  const limits = job.kind === "tuning-job" ? config.HyperParameterTuningJobConfig?.ResourceLimits : undefined;
  return {
    HyperParameterTuningJobName: job.name,
    ...(job.kind === "tuning-job" ? { HyperParameterTuningJobArn: tuningJobArn(job.name) } : {}),
    HyperParameterTuningJobStatus: job.status,
    Strategy: strategyOf(job),
    CreationTime: iso(job.createdAt),
    HyperParameterTuningEndTime: iso(job.endedAt),
    LastModifiedTime: iso(job.updatedAt),
    TrainingJobStatusCounters: trainingJobStatusCounters(
      counters.status,
      await retryableFailures(store, job.name, counters.status.Failed),
    ),
    ObjectiveStatusCounters: counters.objective,
    ...(limits ? { ResourceLimits: limits } : {}),
    Kind: job.kind,
    ...(best ? { BestTrainingJob: summarizeTrainingJob(best, objectiveOf(job)) } : {}),
  };
}

/** One entry of ListTrainingJobs' TrainingJobSummaries. */
export interface TrainingJobListSummary {
  TrainingJobName: string;
  TrainingJobArn: string;
  CreationTime: string | undefined;
  TrainingEndTime?: string;
  LastModifiedTime: string | undefined;
  TrainingJobStatus: string;
  SecondaryStatus?: string;
}

export function trainingJobListSummary(job: TrainingJobRecord): TrainingJobListSummary {
  return {
    TrainingJobName: job.name,
    TrainingJobArn: trainingJobArn(job.name),
    CreationTime: iso(job.createdAt),
    ...(job.endedAt === null ? {} : { TrainingEndTime: iso(job.endedAt) }),
    LastModifiedTime: iso(job.updatedAt),
    TrainingJobStatus: job.status,
    ...(job.secondaryStatus === null ? {} : { SecondaryStatus: job.secondaryStatus }),
  };
}
