import type { Store, TrainingJobStatus } from "../store/index.js";
import { summarizeTrainingJob, type TrainingJobSummary } from "./describe.js";

/** How many records one read takes while counting standalone jobs. */
const CHUNK = 500;

export interface StandaloneListOptions {
  readonly limit: number;
  readonly offset: number;
  readonly status?: TrainingJobStatus;
}

/**
 * Training jobs that belong to no tuning job (`tunekit train`), newest first, one page of them, and how many
 * there are. The page is one store read; the total counts the standalone jobs in chunks (a tuning job's
 * children are never read).
 */
export async function standaloneTrainingJobs(
  store: Store,
  options: StandaloneListOptions,
): Promise<{ TrainingJobSummaries: TrainingJobSummary[]; Total: number }> {
  const filter = { standalone: true, ...(options.status ? { status: options.status } : {}) } as const;
  const page = await store.listTrainingJobs({
    ...filter,
    sortBy: "createdAt",
    descending: true,
    limit: options.limit,
    offset: options.offset,
  });
  // Counted on from the page's end when the page is full (more may follow), from the start when it is past the end.
  const countFrom = async (start: number) => {
    for (let offset = start; ; offset += CHUNK) {
      const chunk = await store.listTrainingJobs({ ...filter, limit: CHUNK, offset });
      if (chunk.length < CHUNK) return offset + chunk.length;
    }
  };
  const end = options.offset + page.length;
  const total =
    page.length === options.limit
      ? await countFrom(end)
      : page.length === 0 && options.offset > 0
        ? await countFrom(0)
        : end;
  return { TrainingJobSummaries: page.map((job) => summarizeTrainingJob(job)), Total: total };
}
