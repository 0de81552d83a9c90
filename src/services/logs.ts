import type { Store, TrainingJobRecord } from "../store/index.js";

/** A stretch of a training job's log, and where to read on from. */
export interface LogPage {
  /** The cursor this page was read after (-1: from the start). */
  readonly after: number;
  /** The cursor to read on from: the last chunk's sequence number, or `after` when nothing was new. */
  readonly next: number;
  readonly text: string;
  /** The job has ended and nothing is left to read: following it can stop. */
  readonly complete: boolean;
}

/** Reads a job's log from the store after a cursor: the same from any machine, while it runs or after. */
export async function readLogPage(store: Store, job: TrainingJobRecord, after = -1, limit = 1000): Promise<LogPage> {
  const ended = job.status !== "InProgress" && job.status !== "Stopping";
  const chunks = await store.readLog(job.name, { afterSeq: after, limit });
  const next = chunks.length > 0 ? (chunks[chunks.length - 1]?.seq as number) : after;
  return { after, next, text: chunks.map((c) => c.text).join(""), complete: ended && chunks.length < limit };
}
