import { ValidationError } from "../../errors.js";
import { emptyCounters } from "../counters.js";
import type {
  ObjectiveCounters,
  ObjectiveResult,
  ObjectiveStatus,
  StatusCounters,
  TrainingJobPageOptions,
  TrainingJobPoint,
  TrainingJobRecord,
  TrainingJobStatus,
} from "../records.js";
import { type TrainingJobRow, toTrainingJob } from "../sqlite/rows.js";
import type { Database } from "./database.js";
import { Params } from "./sql.js";

// The reads a controller and the console make of one tuning job's jobs, each served by an index of
// migrations/0001_initial.sql (see there), so they stay cheap at 10,000 jobs.

const SORT_COLUMNS: Record<TrainingJobPageOptions["sortBy"], string> = {
  name: "name_key",
  createdAt: "created_at",
  status: "status",
  objectiveValue: "objective_value",
};

export async function listTrainingJobPoints(db: Database, tuningJobName: string): Promise<TrainingJobPoint[]> {
  const rows = await db.query<TrainingJobRow>(
    `SELECT name, trial_index, definition_name, status, stop_reason, hyperparameters, objective_value,
       objective_status, created_at, started_at, ended_at
     FROM training_jobs WHERE tuning_job_key = lower($1) ORDER BY trial_index`,
    [tuningJobName],
  );
  return rows.map((row) => ({
    name: row.name,
    trialIndex: row.trial_index,
    definitionName: row.definition_name,
    status: row.status,
    stopReason: row.stop_reason,
    hyperparameters: JSON.parse(row.hyperparameters),
    objectiveValue: row.objective_value,
    objectiveStatus: row.objective_status,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  }));
}

export async function countTrainingJobs(
  db: Database,
  tuningJobName: string,
): Promise<{ status: StatusCounters; objective: ObjectiveCounters }> {
  const counters = emptyCounters();
  const rows = await db.query<{ status: TrainingJobStatus; objective_status: ObjectiveStatus; n: number }>(
    `SELECT status, objective_status, count(*) AS n FROM training_jobs
     WHERE tuning_job_key = lower($1) GROUP BY status, objective_status`,
    [tuningJobName],
  );
  for (const row of rows) {
    counters.status[row.status] += row.n;
    counters.objective[row.objective_status] += row.n;
  }
  return counters;
}

export async function bestTrainingJob(
  db: Database,
  tuningJobName: string,
  objective: "Maximize" | "Minimize",
): Promise<TrainingJobRecord | undefined> {
  // The direction is one of two fixed words, never user text, so it is safe to splice into the SQL. Trial indices
  // are unique within a tuning job, so they settle every tie.
  const direction = objective === "Maximize" ? "DESC" : "ASC";
  const [row] = await db.query<TrainingJobRow>(
    `SELECT * FROM training_jobs
     WHERE tuning_job_key = lower($1) AND objective_status = 'Succeeded' AND objective_value IS NOT NULL
     ORDER BY objective_value ${direction}, trial_index LIMIT 1`,
    [tuningJobName],
  );
  return row && toTrainingJob(row);
}

/**
 * The page's trial indices come from an index that holds the sort key and the trial index (one entry per job up to
 * the page's end, never a whole row), and only the page's rows are read: a page deep in 10,000 jobs neither reads
 * nor sorts 10,000 records.
 */
export async function pageTrainingJobs(
  db: Database,
  tuningJobName: string,
  options: TrainingJobPageOptions,
): Promise<{ jobs: TrainingJobRecord[]; total: number }> {
  // Column names from this fixed table and a fixed direction word: nothing from the caller reaches the SQL.
  const column = SORT_COLUMNS[options.sortBy];
  if (!column) throw new ValidationError("sortBy", `must be one of ${Object.keys(SORT_COLUMNS).join(", ")}`);
  const direction = options.descending ? "DESC" : "ASC";
  const p = new Params();
  const job = `lower(${p.add(tuningJobName)})`;
  const conditions = [`tuning_job_key = ${job}`];
  if (options.status !== undefined) conditions.push(`status = ${p.add(options.status)}`);
  if (options.sortBy === "objectiveValue") conditions.push("objective_value IS NOT NULL");
  const where = ` WHERE ${conditions.join(" AND ")}`;
  const filter = [...p.values];
  const order = `${column} ${direction}, trial_index`;
  const page = `SELECT t.* FROM (SELECT trial_index FROM training_jobs${where} ORDER BY ${order}${p.limit(options)}) page
    JOIN training_jobs t ON t.tuning_job_key = ${job} AND t.trial_index = page.trial_index
    ORDER BY t.${column} ${direction}, t.trial_index`;
  // Two statements on two connections at once: the page and the count need not wait for each other.
  const [rows, [count]] = await Promise.all([
    db.query<TrainingJobRow>(page, p.values),
    db.query<{ total: number }>(`SELECT count(*) AS total FROM training_jobs${where}`, filter),
  ]);
  return { jobs: rows.map(toTrainingJob), total: count?.total ?? 0 };
}

export async function listObjectiveResults(db: Database, tuningJobName: string): Promise<ObjectiveResult[]> {
  return db.query<ObjectiveResult>(
    `SELECT objective_value AS value, ended_at AS "endedAt", trial_index AS "trialIndex" FROM training_jobs
     WHERE tuning_job_key = lower($1) AND objective_status = 'Succeeded' AND objective_value IS NOT NULL
     ORDER BY coalesce(ended_at, 0), coalesce(trial_index, 0)`,
    [tuningJobName],
  );
}
