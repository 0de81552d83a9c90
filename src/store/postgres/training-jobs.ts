import { alreadyExists, leaseLost, notFound, staleAttempt, trialIndexConflict } from "../errors.js";
import type {
  Fence,
  NewTrainingJob,
  TrainingJobListOptions,
  TrainingJobPatch,
  TrainingJobRecord,
  TrainingJobStatus,
  WriteGuard,
} from "../records.js";
import { POSTGRES_DIALECT, trainingJobListing } from "../sql/list-query.js";
import { type TrainingJobRow, toTrainingJob } from "../sqlite/rows.js";
import { uniqueViolation } from "./connection-failures.js";
import type { Database, Queryable } from "./database.js";
import { assignments, checkFence, fenceHolds, json, Params } from "./sql.js";

const COLUMNS = {
  status: "status",
  objectiveValue: "objective_value",
  objectiveStatus: "objective_status",
  failureReason: "failure_reason",
  stopReason: "stop_reason",
  retryAttempt: "retry_attempt",
  startedAt: "started_at",
  endedAt: "ended_at",
  secondaryStatus: "secondary_status",
  statusTransitions: "status_transitions",
  jobDir: "job_dir",
  modelArtifacts: "model_artifacts",
  now: "updated_at",
};

/**
 * One statement inserts the job and, for a tuning job's trial, advances the tuning job's trial count from exactly
 * `trialIndex`: the count's row lock makes a racer for the same index wait, then find the count moved and insert
 * nothing. The index is checked before the name, so a racer that lost an index learns that (and retries).
 */
export async function createTrainingJob(db: Database, job: NewTrainingJob, fence?: Fence): Promise<TrainingJobRecord> {
  const p = new Params();
  // Typed, because in INSERT ... SELECT PostgreSQL does not infer a parameter's type from its column.
  const values = [
    `${p.add(job.name)}::text`,
    "parent.name",
    `${p.add(job.trialIndex ?? null)}::integer`,
    `${p.add(job.definitionName ?? null)}::text`,
    `${p.add(job.status ?? "InProgress")}::text`,
    `${p.add(json(job.hyperparameters))}::json`,
    `${p.add(json(job.request))}::json`,
    `${p.add(json(job.strategyState))}::json`,
    `${p.add(job.secondaryStatus ?? null)}::text`,
    `${p.add(job.jobDir ?? null)}::text`,
    `${p.add(json(job.runOptions))}::json`,
    `${p.add(job.now)}::double precision`,
    `${p.add(job.now)}::double precision`,
  ];
  const parent =
    job.tuningJobName === undefined
      ? `SELECT NULL::text AS name WHERE ${fenceHolds(fence, p)}`
      : `UPDATE tuning_jobs SET trial_count = trial_count + 1
         WHERE name_key = lower(${p.add(job.tuningJobName)}) AND trial_count = ${p.add(job.trialIndex ?? null)}
           AND ${fenceHolds(fence, p)}
         RETURNING name`;
  let rows: TrainingJobRow[];
  try {
    rows = await db.write<TrainingJobRow>(
      `WITH parent AS (${parent})
       INSERT INTO training_jobs (name, tuning_job_name, trial_index, definition_name, status, hyperparameters,
         request, strategy_state, secondary_status, job_dir, run_options, created_at, updated_at)
       SELECT ${values.join(", ")} FROM parent
       RETURNING *`,
      p.values,
      { recover: () => trainingJobRows(db, job.name) },
    );
  } catch (error) {
    if (uniqueViolation(error) === "training_jobs_pkey") throw alreadyExists("training job", job.name);
    throw error;
  }
  if (rows[0]) return toTrainingJob(rows[0]);
  // Nothing was inserted. Only a fence refuses a standalone job; a trial may be refused for three reasons.
  if (job.tuningJobName === undefined) {
    const lost = fence as Fence;
    throw leaseLost(lost.kind, lost.name, lost.token);
  }
  return refuseTrial(db, job.tuningJobName, job.trialIndex, fence);
}

const trainingJobRows = (db: Database, name: string) =>
  db.query<TrainingJobRow>("SELECT * FROM training_jobs WHERE name_key = lower($1)", [name]);

/** Why a trial was not inserted, in the order SQLite checks: no such tuning job, the lease lost, the index. */
async function refuseTrial(
  db: Queryable,
  tuningJobName: string,
  trialIndex: number | undefined,
  fence: Fence | undefined,
): Promise<never> {
  const [parent] = await db.query<{ name: string; trial_count: number }>(
    "SELECT name, trial_count FROM tuning_jobs WHERE name_key = lower($1)",
    [tuningJobName],
  );
  if (!parent) throw notFound("tuning job", tuningJobName);
  await checkFence(db, fence);
  throw trialIndexConflict(parent.name, parent.trial_count, trialIndex ?? Number.NaN);
}

export async function getTrainingJob(db: Database, name: string): Promise<TrainingJobRecord | undefined> {
  const [row] = await trainingJobRows(db, name);
  return row && toTrainingJob(row);
}

export async function listTrainingJobs(db: Database, options: TrainingJobListOptions): Promise<TrainingJobRecord[]> {
  const { where, params, order } = trainingJobListing(options, POSTGRES_DIALECT, "created_at, id");
  const p = new Params();
  const sql = `SELECT * FROM training_jobs${p.numbered(where, params)} ORDER BY ${order}${p.limit(options)}`;
  return (await db.query<TrainingJobRow>(sql, p.values)).map(toTrainingJob);
}

/**
 * Fields that only record how a job is getting on. An update of these alone, without a guard, commits like output
 * (see WriteOptions.relaxed): a job makes several, and none decides anything. The next change that does (its end, a
 * transition) waits for the disk, and with it everything committed before.
 */
const PROGRESS = new Set(["secondaryStatus", "statusTransitions", "startedAt", "jobDir", "modelArtifacts", "now"]);

export async function updateTrainingJob(
  db: Database,
  name: string,
  patch: TrainingJobPatch,
  guard: WriteGuard<TrainingJobStatus>,
): Promise<TrainingJobRecord | undefined> {
  const { statusTransitions, ...rest } = patch;
  const p = new Params();
  const set = assignments({ ...rest, statusTransitions: statusTransitions && json(statusTransitions) }, COLUMNS, p);
  const from = guard.from ? ` AND status = ANY(${p.add(guard.from)})` : "";
  const attempt = guard.attempt === undefined ? "" : ` AND retry_attempt = ${p.add(guard.attempt)}`;
  const [row] = await db.write<TrainingJobRow>(
    `UPDATE training_jobs SET ${set} WHERE name_key = lower(${p.add(name)})${from}${attempt} AND ${fenceHolds(guard.fence, p)}
     RETURNING *`,
    p.values,
    {
      relaxed: !guard.from && Object.keys(patch).every((field) => PROGRESS.has(field)),
      recover: () => trainingJobRows(db, name),
    },
  );
  if (row) return toTrainingJob(row);
  // Nothing changed: say why, in the order SQLite checks (no such job, the lease lost, then the status).
  const [current] = await trainingJobRows(db, name);
  if (!current) throw notFound("training job", name);
  await checkFence(db, guard.fence);
  if (guard.attempt !== undefined && current.retry_attempt !== guard.attempt) {
    throw staleAttempt(current.name, guard.attempt, current.retry_attempt);
  }
  return undefined;
}

/** The job with its lease and stop requests (keyed by name); its metric points and log go with it (ON DELETE CASCADE). */
export async function deleteTrainingJob(db: Database, name: string): Promise<boolean> {
  const [deleted] = await db.write<{ n: number }>(
    `WITH job AS (DELETE FROM training_jobs WHERE name_key = lower($1) RETURNING name_key),
       lease AS (DELETE FROM leases WHERE resource_kind IN ('training-job', 'training-run') AND resource_key IN (SELECT name_key FROM job)),
       stops AS (DELETE FROM stop_requests
         WHERE resource_kind = 'training-job' AND resource_key IN (SELECT name_key FROM job)),
       tagged AS (DELETE FROM tags WHERE resource_kind = 'training-job' AND resource_key IN (SELECT name_key FROM job))
     SELECT count(*) AS n FROM job`,
    [name],
    { recover: async () => [{ n: 1 }] },
  );
  return (deleted?.n ?? 0) > 0;
}
