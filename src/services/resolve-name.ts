import { TunekitError } from "../errors.js";
import { kindLabel } from "../identity.js";
import type { ResourceKind, Store, TrainingJobRecord, TuningJobRecord } from "../store/index.js";

export type Resolved =
  | { kind: "tuning-job"; record: TuningJobRecord }
  | { kind: "training-job"; record: TrainingJobRecord };

/**
 * The one rule for names given to describe, stop and logs: a tuning job is
 * looked for first, then a training job; `force` picks one kind; a name that
 * is both is an error that says how to choose.
 */
export async function resolveName(store: Store, name: string, force?: ResourceKind): Promise<Resolved> {
  const tuning = force === "training-job" ? undefined : await store.getTuningJob(name);
  const training = force === "tuning-job" ? undefined : await store.getTrainingJob(name);
  if (tuning && training) {
    throw new TunekitError(
      "E_AMBIGUOUS_NAME",
      `"${name}" names both a tuning job and a training job: add --tuning-job or --training-job`,
      { field: "name" },
    );
  }
  if (tuning) return { kind: "tuning-job", record: tuning };
  if (training) return { kind: "training-job", record: training };
  const what = force === undefined ? "tuning job or training job" : kindLabel(force);
  throw new TunekitError("E_NOT_FOUND", `no ${what} named "${name}" in this store`, { field: "name" });
}

/** A training job by name (case-insensitive); E_NOT_FOUND names what was looked for. */
export async function resolveTrainingJob(store: Store, name: string): Promise<TrainingJobRecord> {
  return (await resolveName(store, name, "training-job")).record as TrainingJobRecord;
}
