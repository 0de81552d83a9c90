import type {
  CreateHyperParameterTuningJobResponse,
  CreateTrainingJobResponse,
  ListHyperParameterTuningJobsResponse,
  ListTrainingJobsForHyperParameterTuningJobResponse,
  ListTrainingJobsResponse,
} from "@aws-sdk/client-sagemaker";
import type { TunekitError } from "../../errors.js";
import { objectiveOf, trainingJobArn, tuningJobArn } from "../../identity.js";
import { deleteTuningJob } from "../../services/delete.js";
import { SORT_KEYS } from "../../services/list-training-jobs-for-tuning-job.js";
import { stopJob } from "../../services/stop.js";
import { createTrainingJob, createTuningJob } from "../../services/submit.js";
import type { ResourceKind, Store, Tag, TrainingJobStatus, TuningJobStatus } from "../../store/index.js";
import { AwsError } from "./aws-error.js";
import type { Input, Operation, OperationContext } from "./context.js";
import { decodeNextToken, encodeNextToken } from "./next-token.js";
import {
  describeTrainingJobResponse,
  describeTuningJobResponse,
  hyperParameterTrainingJobSummary,
  trainingJobSummary,
  tuningJobSummary,
} from "./shapes.js";
import { AddTags, addTags, DeleteTags, ListTags } from "./tags.js";

/** SageMaker's default page size for these listings. */
const DEFAULT_MAX_RESULTS = 10;

async function tuningJobNamed(store: Store, name: string) {
  const job = await store.getTuningJob(name);
  if (job?.kind !== "tuning-job") {
    throw new AwsError("ResourceNotFound", `Amazon SageMaker can't find a tuning job with name ${name}`);
  }
  return job;
}

async function trainingJobNamed(store: Store, name: string) {
  const job = await store.getTrainingJob(name);
  if (!job) throw new AwsError("ResourceNotFound", `Requested resource not found: training job ${name}`);
  return job;
}

/** Creation and modification windows, from epoch seconds to the store's milliseconds. */
function windows(input: Input) {
  const ms = (key: string) => (input[key] === undefined ? undefined : Math.round((input[key] as number) * 1000));
  return Object.fromEntries(
    Object.entries({
      createdAfter: ms("CreationTimeAfter"),
      createdBefore: ms("CreationTimeBefore"),
      modifiedAfter: ms("LastModifiedTimeAfter"),
      modifiedBefore: ms("LastModifiedTimeBefore"),
    }).filter(([, v]) => v !== undefined),
  );
}

const LIST_SORT = { Name: "name", CreationTime: "createdAt", Status: "status" } as const;

/** One page of a listing: a page of `max + 1` tells whether another follows without counting them all. */
function paged<T>(operation: string, input: Input, offset: number, max: number, items: T[]) {
  const more = items.length > max;
  return {
    items: items.slice(0, max),
    ...(more ? { NextToken: encodeNextToken(operation, input, offset + max) } : {}),
  };
}

/** Stopping a job that has ended is refused as SageMaker refuses it: a ValidationException naming its status. */
async function stop(context: OperationContext, kind: ResourceKind, name: string, label: string): Promise<object> {
  try {
    await stopJob(context.store, kind, name, context.clock.now());
  } catch (error) {
    if ((error as TunekitError).code === "E_NOT_STOPPABLE") {
      const record =
        kind === "tuning-job" ? await context.store.getTuningJob(name) : await context.store.getTrainingJob(name);
      throw new AwsError(
        "ValidationException",
        `The request was rejected because the ${label} is in status ${record?.status ?? "unknown"}.`,
      );
    }
    throw error;
  }
  return {};
}

export const OPERATIONS: Readonly<Record<string, Operation>> = {
  async CreateHyperParameterTuningJob(input, context): Promise<CreateHyperParameterTuningJobResponse> {
    const { Tags: tags, ...request } = input;
    if (context.maxRunningTuningJobs !== undefined) {
      const running = await context.store.listTuningJobs({ kind: "tuning-job", status: "InProgress" });
      if (running.length >= context.maxRunningTuningJobs) {
        throw new AwsError(
          "ResourceLimitExceeded",
          `The account-level service limit 'Number of concurrent hyperparameter tuning jobs' is ${context.maxRunningTuningJobs} jobs, with current utilization of ${running.length} jobs.`,
        );
      }
    }
    const record = await createTuningJob(context.store, request, context.settings, context.clock);
    if (tags) await addTags(context.store, "tuning-job", record.name, tags as Tag[]);
    context.onSubmitted?.();
    return { HyperParameterTuningJobArn: tuningJobArn(record.name) };
  },

  async DescribeHyperParameterTuningJob(input, { store, clock }) {
    const job = await tuningJobNamed(store, input.HyperParameterTuningJobName as string);
    return describeTuningJobResponse(store, job, clock.now());
  },

  async ListHyperParameterTuningJobs(input, { store }): Promise<ListHyperParameterTuningJobsResponse> {
    const operation = "ListHyperParameterTuningJobs";
    const offset = decodeNextToken(operation, input);
    const max = (input.MaxResults as number | undefined) ?? DEFAULT_MAX_RESULTS;
    const jobs = await store.listTuningJobs({
      kind: "tuning-job",
      ...(input.StatusEquals ? { status: input.StatusEquals as TuningJobStatus } : {}),
      ...(input.NameContains ? { nameContains: input.NameContains as string } : {}),
      ...windows(input),
      sortBy: LIST_SORT[(input.SortBy as keyof typeof LIST_SORT | undefined) ?? "Name"],
      descending: input.SortOrder === "Descending",
      offset,
      limit: max + 1,
    });
    const page = paged(operation, input, offset, max, jobs);
    return {
      HyperParameterTuningJobSummaries: await Promise.all(page.items.map((job) => tuningJobSummary(store, job))),
      ...(page.NextToken ? { NextToken: page.NextToken } : {}),
    };
  },

  async ListTrainingJobsForHyperParameterTuningJob(
    input,
    { store },
  ): Promise<ListTrainingJobsForHyperParameterTuningJobResponse> {
    const operation = "ListTrainingJobsForHyperParameterTuningJob";
    const job = await tuningJobNamed(store, input.HyperParameterTuningJobName as string);
    const offset = decodeNextToken(operation, input);
    const max = (input.MaxResults as number | undefined) ?? DEFAULT_MAX_RESULTS;
    // Sorting by FinalObjectiveMetricValue leaves out the jobs without one, as SageMaker does (the store's rule).
    const { jobs } = await store.pageTrainingJobs(job.name, {
      sortBy: SORT_KEYS[(input.SortBy as keyof typeof SORT_KEYS | undefined) ?? "Name"],
      descending: input.SortOrder === "Descending",
      ...(input.StatusEquals ? { status: input.StatusEquals as TrainingJobStatus } : {}),
      offset,
      limit: max + 1,
    });
    const page = paged(operation, input, offset, max, jobs);
    const objective = objectiveOf(job);
    return {
      TrainingJobSummaries: page.items.map((j) => hyperParameterTrainingJobSummary(j, objective)),
      ...(page.NextToken ? { NextToken: page.NextToken } : {}),
    };
  },

  StopHyperParameterTuningJob: async (input, context) => {
    const job = await tuningJobNamed(context.store, input.HyperParameterTuningJobName as string);
    return stop(context, "tuning-job", job.name, "hyperparameter tuning job");
  },

  async DeleteHyperParameterTuningJob(input, { store }) {
    const job = await tuningJobNamed(store, input.HyperParameterTuningJobName as string);
    await deleteTuningJob(store, job);
    return {};
  },

  async CreateTrainingJob(input, context): Promise<CreateTrainingJobResponse> {
    const { Tags: tags, ...request } = input;
    const record = await createTrainingJob(context.store, request, context.settings, context.clock);
    if (tags) await addTags(context.store, "training-job", record.name, tags as Tag[]);
    context.onSubmitted?.();
    return { TrainingJobArn: trainingJobArn(record.name) };
  },

  async DescribeTrainingJob(input, { store }) {
    return describeTrainingJobResponse(store, await trainingJobNamed(store, input.TrainingJobName as string));
  },

  async ListTrainingJobs(input, { store }): Promise<ListTrainingJobsResponse> {
    const operation = "ListTrainingJobs";
    const offset = decodeNextToken(operation, input);
    // tunekit has no warm pools and no training plans: no job matches a filter on either.
    if (input.WarmPoolStatusEquals !== undefined || input.TrainingPlanArnEquals !== undefined) {
      return { TrainingJobSummaries: [] };
    }
    const max = (input.MaxResults as number | undefined) ?? DEFAULT_MAX_RESULTS;
    const jobs = await store.listTrainingJobs({
      ...(input.StatusEquals ? { status: input.StatusEquals as TrainingJobStatus } : {}),
      ...(input.NameContains ? { nameContains: input.NameContains as string } : {}),
      ...windows(input),
      sortBy: LIST_SORT[(input.SortBy as keyof typeof LIST_SORT | undefined) ?? "CreationTime"],
      descending: input.SortOrder === "Descending",
      offset,
      limit: max + 1,
    });
    const page = paged(operation, input, offset, max, jobs);
    return {
      TrainingJobSummaries: page.items.map(trainingJobSummary),
      ...(page.NextToken ? { NextToken: page.NextToken } : {}),
    };
  },

  StopTrainingJob: async (input, context) => {
    const job = await trainingJobNamed(context.store, input.TrainingJobName as string);
    return stop(context, "training-job", job.name, "training job");
  },

  AddTags,
  ListTags,
  DeleteTags,
};
