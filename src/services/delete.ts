import { rmSync } from "node:fs";
import { TunekitError } from "../errors.js";
import type { Store, TrainingJobRecord, TuningJobRecord } from "../store/index.js";

const RUNNING = new Set(["InProgress", "Stopping"]);

/**
 * Removes a finished training job: its directory (its /opt/ml and log) and
 * its rows (metrics, log cursor). Artifacts already written to the output
 * path are the user's and stay. A running job must be stopped first.
 */
export async function deleteTrainingJob(store: Store, job: TrainingJobRecord): Promise<void> {
  if (RUNNING.has(job.status)) {
    throw new TunekitError(
      "E_NOT_DELETABLE",
      `training job ${job.name} is ${job.status}; stop it first (tunekit stop ${job.name})`,
    );
  }
  // The record first: a store that cannot be written (read-only) refuses before any file is gone.
  await store.deleteTrainingJob(job.name);
  if (job.jobDir) rmSync(job.jobDir, { recursive: true, force: true });
}

/** Finished standalone training jobs that ended before `before` (ms since the epoch). */
export async function prunableTrainingJobs(store: Store, before: number): Promise<TrainingJobRecord[]> {
  return (await store.listTrainingJobs({ standalone: true })).filter(
    (job) => !RUNNING.has(job.status) && job.tuningJobName === null && job.endedAt !== null && job.endedAt < before,
  );
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "7d", "12h", "30m", "90s", "2w" → milliseconds. */
export function parseAge(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (!match)
    throw new TunekitError(
      "E_VALIDATION",
      `--older-than: expected a number and a unit (s, m, h, d, w), e.g. 7d; got "${text}"`,
      { field: "--older-than" },
    );
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}

/**
 * Removes an ended tuning job (or ask/tell study) with its training jobs: their directories and rows. As for a
 * training job, artifacts already written to the output path stay. A running one must be stopped first.
 */
export async function deleteTuningJob(store: Store, job: TuningJobRecord): Promise<void> {
  if (RUNNING.has(job.status)) {
    const what = job.kind === "study" ? "study" : "tuning job";
    throw new TunekitError(
      "E_NOT_DELETABLE",
      `${what} ${job.name} is ${job.status}; stop it first (tunekit stop ${job.name})`,
    );
  }
  const children = await store.listTrainingJobs({ tuningJobName: job.name });
  await store.deleteTuningJob(job.name);
  for (const child of children) if (child.jobDir) rmSync(child.jobDir, { recursive: true, force: true });
}
