import { ValidationError } from "../errors.js";
import { objectiveOf } from "../identity.js";
import type { Store, TrainingJobSortKey, TrainingJobStatus, TuningJobRecord } from "../store/index.js";
import { summarizeTrainingJob, type TrainingJobSummary } from "./describe.js";

import { SORT_BY, type SortBy } from "./sort-by.js";

export { SORT_BY, type SortBy };

export interface ListForTuningJobOptions {
  sortBy?: SortBy;
  sortOrder?: "Ascending" | "Descending";
  statusEquals?: TrainingJobStatus;
  /** 1–100, as SageMaker allows; undefined lists every job. */
  maxResults?: number;
  nextToken?: string;
}

/** The API's sort names and the store's. */
export const SORT_KEYS: Record<SortBy, TrainingJobSortKey> = {
  Name: "name",
  CreationTime: "createdAt",
  Status: "status",
  FinalObjectiveMetricValue: "objectiveValue",
};

/**
 * ListTrainingJobsForHyperParameterTuningJob: the summaries of a tuning job's
 * training jobs. Sorting by FinalObjectiveMetricValue leaves out jobs without
 * one, as SageMaker does; the default order is SageMaker's (Name, Ascending).
 * NextToken is the offset of the next page.
 */
export async function listTrainingJobsForTuningJob(
  store: Store,
  job: TuningJobRecord,
  options: ListForTuningJobOptions = {},
): Promise<{ TrainingJobSummaries: TrainingJobSummary[]; NextToken?: string }> {
  const sortBy = options.sortBy ?? "Name";
  if (!SORT_BY.includes(sortBy)) {
    throw new ValidationError("SortBy", `must be one of ${SORT_BY.join(", ")}, got ${JSON.stringify(sortBy)}`);
  }
  const max = options.maxResults;
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 100)) {
    throw new ValidationError("MaxResults", `must be an integer from 1 to 100, got ${max}`);
  }
  const offset = options.nextToken === undefined ? 0 : Number(options.nextToken);
  if (!Number.isInteger(offset) || offset < 0) {
    throw new ValidationError("NextToken", `is not a token this list gave: ${JSON.stringify(options.nextToken)}`);
  }
  const { jobs: page, total } = await store.pageTrainingJobs(job.name, {
    sortBy: SORT_KEYS[sortBy],
    descending: options.sortOrder === "Descending",
    ...(options.statusEquals ? { status: options.statusEquals } : {}),
    ...(max === undefined ? {} : { limit: max }),
    offset,
  });
  const objective = objectiveOf(job);
  const next = offset + page.length;
  return {
    TrainingJobSummaries: page.map((j) => summarizeTrainingJob(j, objective)),
    ...(next < total ? { NextToken: String(next) } : {}),
  };
}
