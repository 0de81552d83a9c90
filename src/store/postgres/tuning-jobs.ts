import { alreadyExists, notFound } from "../errors.js";
import type {
  NewTuningJob,
  TuningJobListOptions,
  TuningJobPatch,
  TuningJobRecord,
  TuningJobStatus,
  WriteGuard,
} from "../records.js";
import { POSTGRES_DIALECT, tuningJobListing } from "../sql/list-query.js";
import { type TuningJobRow, toTuningJob } from "../sqlite/rows.js";
import { uniqueViolation } from "./connection-failures.js";
import type { Database } from "./database.js";
import { assignments, checkFence, fenceHolds, json, Params } from "./sql.js";

const COLUMNS = {
  status: "status",
  failureReason: "failure_reason",
  completionReason: "completion_reason",
  convergenceDetectedAt: "convergence_detected_at",
  endedAt: "ended_at",
  now: "updated_at",
};

export async function createTuningJob(db: Database, job: NewTuningJob): Promise<TuningJobRecord> {
  try {
    const [row] = await db.write<TuningJobRow>(
      `INSERT INTO tuning_jobs (name, kind, status, config, seed, run_options, created_at, updated_at)
       VALUES ($1, $2, 'InProgress', $3, $4, $5, $6, $6) RETURNING *`,
      [job.name, job.kind, json(job.config), job.seed, json(job.runOptions), job.now],
      { recover: () => tuningJobRows(db, job.name) },
    );
    return toTuningJob(row as TuningJobRow);
  } catch (error) {
    if (uniqueViolation(error) !== undefined) throw alreadyExists("tuning job", job.name);
    throw error;
  }
}

const tuningJobRows = (db: Database, name: string) =>
  db.query<TuningJobRow>("SELECT * FROM tuning_jobs WHERE name_key = lower($1)", [name]);

export async function getTuningJob(db: Database, name: string): Promise<TuningJobRecord | undefined> {
  const [row] = await tuningJobRows(db, name);
  return row && toTuningJob(row);
}

export async function listTuningJobs(db: Database, options: TuningJobListOptions): Promise<TuningJobRecord[]> {
  const { where, params, order } = tuningJobListing(options, POSTGRES_DIALECT);
  const p = new Params();
  const sql = `SELECT * FROM tuning_jobs${p.numbered(where, params)} ORDER BY ${order}${p.limit(options)}`;
  return (await db.query<TuningJobRow>(sql, p.values)).map(toTuningJob);
}

export async function updateTuningJob(
  db: Database,
  name: string,
  patch: TuningJobPatch,
  guard: WriteGuard<TuningJobStatus>,
): Promise<TuningJobRecord | undefined> {
  const p = new Params();
  const set = assignments({ ...patch }, COLUMNS, p);
  const from = guard.from ? ` AND status = ANY(${p.add(guard.from)})` : "";
  const [row] = await db.write<TuningJobRow>(
    `UPDATE tuning_jobs SET ${set} WHERE name_key = lower(${p.add(name)})${from} AND ${fenceHolds(guard.fence, p)}
     RETURNING *`,
    p.values,
    { recover: () => tuningJobRows(db, name) },
  );
  if (row) return toTuningJob(row);
  // Nothing changed: say why, in the order SQLite checks (no such job, the lease lost, then the status).
  if ((await tuningJobRows(db, name)).length === 0) throw notFound("tuning job", name);
  await checkFence(db, guard.fence);
  return undefined;
}

export async function deleteTuningJob(db: Database, name: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query("SELECT 1 FROM tuning_jobs WHERE name_key = lower($1) FOR UPDATE", [name]);
    if (!row) return false;
    // Training jobs, and with them their metric points and logs, go with the row (ON DELETE CASCADE); leases and
    // stop requests are keyed by name.
    const children = "SELECT name_key FROM training_jobs WHERE tuning_job_key = lower($1)";
    await tx.query(
      `DELETE FROM leases WHERE resource_kind IN ('training-job', 'training-run') AND resource_key IN (${children})`,
      [name],
    );
    await tx.query(`DELETE FROM stop_requests WHERE resource_kind = 'training-job' AND resource_key IN (${children})`, [
      name,
    ]);
    await tx.query(`DELETE FROM tags WHERE resource_kind = 'training-job' AND resource_key IN (${children})`, [name]);
    await tx.query("DELETE FROM tags WHERE resource_kind = 'tuning-job' AND resource_key = lower($1)", [name]);
    await tx.query("DELETE FROM leases WHERE resource_kind = 'tuning-job' AND resource_key = lower($1)", [name]);
    await tx.query("DELETE FROM stop_requests WHERE resource_kind = 'tuning-job' AND resource_key = lower($1)", [name]);
    await tx.query("DELETE FROM tuning_jobs WHERE name_key = lower($1)", [name]);
    return true;
  });
}
