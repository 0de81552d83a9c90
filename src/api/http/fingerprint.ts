import { existsSync, statSync } from "node:fs";
import { COMBINED_LOG } from "../../jobs/index.js";
import type { Store } from "../../store/index.js";

/** What a console page follows: one training job, one tuning job, or (neither) the list of tuning jobs. */
export interface Topic {
  readonly trainingJob?: string | undefined;
  readonly tuningJob?: string | undefined;
}

/**
 * A cheap summary of the state a page shows, which changes whenever that state does. The event stream sends it
 * when it changes, and the responses a page reads carry it (x-tunekit-fingerprint), so the page can tell
 * whether an event brings anything it has not drawn.
 */
export function topicFingerprint(store: Store, topic: Topic): string {
  if (topic.trainingJob) {
    const job = store.getTrainingJob(topic.trainingJob);
    const cursor = job && store.getLogCursor(job.name, COMBINED_LOG);
    const size = cursor && existsSync(cursor.path) ? statSync(cursor.path).size : 0;
    return JSON.stringify([job?.status, job?.updatedAt, job && store.listMetricPoints(job.name).length, size]);
  }
  if (topic.tuningJob) {
    const job = store.getTuningJob(topic.tuningJob);
    return JSON.stringify([job?.status, job?.updatedAt, job?.trialCount, job && store.countTrainingJobs(job.name)]);
  }
  return JSON.stringify(
    store.listTuningJobs({ limit: 1000 }).map((j) => [j.name, j.status, j.updatedAt, j.trialCount]),
  );
}

export const FINGERPRINT_HEADER = "x-tunekit-fingerprint";
