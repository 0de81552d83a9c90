import type { Store, TrainingJobRecord, TrainingJobStatus } from "../store/index.js";
import { summarizeTrainingJob, type TrainingJobSummary } from "./describe.js";

/** How many records one read takes while looking for standalone jobs. */
const CHUNK = 500;

export interface StandaloneListOptions {
  readonly limit: number;
  readonly offset: number;
  readonly status?: TrainingJobStatus;
}

/**
 * Training jobs that belong to no tuning job (`tunekit train`), newest first, one page of them. The store lists
 * every training job (tuning jobs' children too) oldest first, so this reads them in chunks and keeps the
 * standalone ones: its cost grows with all the training jobs in the store, not with the page.
 */
export async function standaloneTrainingJobs(
  store: Store,
  options: StandaloneListOptions,
): Promise<{ TrainingJobSummaries: TrainingJobSummary[]; Total: number }> {
  const standalone: TrainingJobRecord[] = [];
  for (let offset = 0; ; offset += CHUNK) {
    const chunk = await store.listTrainingJobs({
      limit: CHUNK,
      offset,
      ...(options.status ? { status: options.status } : {}),
    });
    for (const job of chunk) if (job.tuningJobName === null) standalone.push(job);
    if (chunk.length < CHUNK) break;
  }
  standalone.reverse();
  return {
    TrainingJobSummaries: standalone
      .slice(options.offset, options.offset + options.limit)
      .map((job) => summarizeTrainingJob(job)),
    Total: standalone.length,
  };
}
