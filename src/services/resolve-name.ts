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
  throw await notFound(store, name, force);
}

/** E_NOT_FOUND, saying what the name is when it is the other kind, or which name was probably meant. */
async function notFound(store: Store, name: string, force: ResourceKind | undefined): Promise<TunekitError> {
  const error = (message: string) => new TunekitError("E_NOT_FOUND", message, { field: "name" });
  if (force === "training-job" && (await store.getTuningJob(name))) {
    return error(
      `"${name}" is a tuning job, not a training job: \`tunekit jobs ${name}\` lists its training jobs, whose names this command takes`,
    );
  }
  if (force === "tuning-job" && (await store.getTrainingJob(name))) {
    return error(`"${name}" is a training job, not a tuning job`);
  }
  const what = force === undefined ? "tuning job or training job" : kindLabel(force);
  const meant = force === "tuning-job" ? undefined : await childMeant(store, name);
  return error(`no ${what} named "${name}" in this store${meant ? `; did you mean "${meant}"?` : ""}`);
}

/**
 * A tuning job's children are named `<tuning job>-<NNN>-<8 hex>`; people type `<tuning job>-<NNN>`. The child
 * of that tuning job with that trial number, if there is one.
 */
async function childMeant(store: Store, name: string): Promise<string | undefined> {
  const match = /^(.+)-(\d{3,})$/.exec(name);
  if (!match || !(await store.getTuningJob(match[1] as string))) return undefined;
  const index = Number(match[2]) - 1;
  const prefix = `${name.toLowerCase()}-`;
  return (await store.listTrainingJobPoints(match[1] as string)).find(
    (job) => job.trialIndex === index && job.name.toLowerCase().startsWith(prefix),
  )?.name;
}

/** A training job by name (case-insensitive); E_NOT_FOUND names what was looked for. */
export async function resolveTrainingJob(store: Store, name: string): Promise<TrainingJobRecord> {
  return (await resolveName(store, name, "training-job")).record as TrainingJobRecord;
}
