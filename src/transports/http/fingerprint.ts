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
export async function topicFingerprint(store: Store, topic: Topic): Promise<string> {
  if (topic.trainingJob) {
    const job = await store.getTrainingJob(topic.trainingJob);
    if (!job) return JSON.stringify([]);
    const points = await store.listMetricPoints(job.name);
    const log = await store.readLog(job.name, { newest: true, limit: 1 });
    return JSON.stringify([job.status, job.updatedAt, job.retryAttempt, points.length, log[log.length - 1]?.seq ?? -1]);
  }
  if (topic.tuningJob) {
    const job = await store.getTuningJob(topic.tuningJob);
    return JSON.stringify([
      job?.status,
      job?.updatedAt,
      job?.trialCount,
      job && (await store.countTrainingJobs(job.name)),
    ]);
  }
  return JSON.stringify(
    (await store.listTuningJobs({ limit: 1000 })).map((j) => [j.name, j.status, j.updatedAt, j.trialCount]),
  );
}

export const FINGERPRINT_HEADER = "x-tunekit-fingerprint";
