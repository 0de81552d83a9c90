import { notFound, staleAttempt } from "../errors.js";
import type { Fence, LogChunk, MetricPoint, StoredMetricPoint, WantedSeries } from "../records.js";
import type { Database, Queryable } from "./database.js";
import { checkFence, fenceHolds, Params } from "./sql.js";

/**
 * The CTE `job` that takes `count` sequence numbers of a job's `counter` (next_metric_seq or next_log_seq) for
 * `attempt`, if it is the job's current attempt and the fence holds. It is an UPDATE of the job's row, which locks
 * it, so concurrent appends to one job take turns and never take the same numbers. The statement it begins inserts
 * from `job` (its `job_key` and the `first` number taken), and counts `job`'s rows: none means refused.
 */
function takingSequence(
  counter: "next_metric_seq" | "next_log_seq",
  name: string,
  attempt: number,
  count: number,
  fence: Fence | undefined,
  p: Params,
): string {
  const n = p.add(count);
  return `WITH job AS (
      UPDATE training_jobs SET ${counter} = ${counter} + ${n}::integer
      WHERE name_key = lower(${p.add(name)}) AND retry_attempt = ${p.add(attempt)} AND ${fenceHolds(fence, p)}
      RETURNING name_key AS job_key, ${counter} - ${n}::integer AS first)`;
}

/**
 * Output commits without waiting for the disk (see WriteOptions.relaxed): a job writes many chunks, and waiting for
 * each to reach the disk would cost more than running the job. An append known to have committed was taken.
 */
const APPENDED = { relaxed: true, recover: async () => [{ n: 1 }] };

/** Why an append inserted nothing, in the order SQLite checks: no such job, the lease lost, an old attempt. */
async function refuseAppend(db: Queryable, name: string, attempt: number, fence: Fence | undefined): Promise<never> {
  const [job] = await db.query<{ name: string; retry_attempt: number }>(
    "SELECT name, retry_attempt FROM training_jobs WHERE name_key = lower($1)",
    [name],
  );
  if (!job) throw notFound("training job", name);
  await checkFence(db, fence);
  throw staleAttempt(job.name, attempt, job.retry_attempt);
}

export async function appendMetricPoints(
  db: Database,
  name: string,
  attempt: number,
  points: readonly MetricPoint[],
  fence: Fence | undefined,
): Promise<void> {
  const p = new Params();
  const job = takingSequence("next_metric_seq", name, attempt, points.length, fence, p);
  const [taken] = await db.write<{ n: number }>(
    `${job},
     points AS (
       INSERT INTO metric_points (job_key, seq, attempt, metric_name, value, timestamp)
       SELECT job.job_key, job.first + point.ord - 1, ${p.add(attempt)}::integer, point.metric_name, point.value,
         point.timestamp
       FROM job, unnest(${p.add(points.map((x) => x.metricName))}::text[],
         ${p.add(points.map((x) => x.value))}::double precision[],
         ${p.add(points.map((x) => x.timestamp))}::double precision[])
         WITH ORDINALITY AS point (metric_name, value, timestamp, ord))
     SELECT count(*) AS n FROM job`,
    p.values,
    APPENDED,
  );
  if (!taken?.n) await refuseAppend(db, name, attempt, fence);
}

export async function listMetricPoints(
  db: Database,
  name: string,
  options: { metricName?: string; afterSeq?: number },
): Promise<StoredMetricPoint[]> {
  const p = new Params();
  const metric = options.metricName === undefined ? "" : ` AND p.metric_name = ${p.add(options.metricName)}`;
  const rows = await db.query<{ seq: number; attempt: number; metric_name: string; value: number; timestamp: number }>(
    `SELECT p.seq, p.attempt, p.metric_name, p.value, p.timestamp
     FROM metric_points p JOIN training_jobs j ON j.name_key = p.job_key AND j.retry_attempt = p.attempt
     WHERE p.job_key = lower(${p.add(name)})${metric} AND p.seq > ${p.add(options.afterSeq ?? -1)}
     ORDER BY p.seq`,
    p.values,
  );
  return rows.map((r) => ({
    seq: r.seq,
    attempt: r.attempt,
    metricName: r.metric_name,
    value: r.value,
    timestamp: r.timestamp,
  }));
}

/** Many jobs' series of one metric each in one statement: hundreds of round trips were most of the learning curves' time. */
export async function listMetricSeries(
  db: Database,
  wanted: readonly WantedSeries[],
): Promise<Map<string, StoredMetricPoint[]>> {
  // One entry per job, the last one asked for winning, as the other stores read them.
  const unique = [...new Map(wanted.map((w) => [w.trainingJobName, w])).values()];
  const series = new Map<string, StoredMetricPoint[]>(unique.map((w) => [w.trainingJobName, []]));
  if (unique.length === 0) return series;
  const p = new Params();
  const rows = await db.query<{
    name: string;
    seq: number;
    attempt: number;
    metric_name: string;
    value: number;
    timestamp: number;
  }>(
    `SELECT want.name, p.seq, p.attempt, p.metric_name, p.value, p.timestamp
     FROM unnest(${p.add(unique.map((w) => w.trainingJobName))}::text[], ${p.add(unique.map((w) => w.metricName))}::text[])
       AS want (name, metric)
     JOIN training_jobs j ON j.name_key = lower(want.name)
     JOIN metric_points p ON p.job_key = j.name_key AND p.attempt = j.retry_attempt AND p.metric_name = want.metric
     ORDER BY want.name, p.seq`,
    p.values,
  );
  for (const r of rows) {
    series.get(r.name)?.push({
      seq: r.seq,
      attempt: r.attempt,
      metricName: r.metric_name,
      value: r.value,
      timestamp: r.timestamp,
    });
  }
  return series;
}

export async function appendLog(
  db: Database,
  name: string,
  attempt: number,
  text: string,
  timestamp: number,
  fence: Fence | undefined,
): Promise<void> {
  const p = new Params();
  const job = takingSequence("next_log_seq", name, attempt, 1, fence, p);
  const [taken] = await db.write<{ n: number }>(
    `${job},
     chunk AS (
       INSERT INTO log_chunks (job_key, seq, attempt, timestamp, text)
       SELECT job.job_key, job.first, ${p.add(attempt)}::integer, ${p.add(timestamp)}::double precision,
         ${p.add(Buffer.from(text, "utf8"))}::bytea
       FROM job)
     SELECT count(*) AS n FROM job`,
    p.values,
    APPENDED,
  );
  if (!taken?.n) await refuseAppend(db, name, attempt, fence);
}

export async function readLog(
  db: Database,
  name: string,
  options: { afterSeq?: number; limit?: number; newest?: boolean },
): Promise<LogChunk[]> {
  // The direction is one of two fixed words: nothing from the caller reaches the SQL.
  const rows = await db.query<{ seq: number; attempt: number; timestamp: number; text: Buffer }>(
    `SELECT seq, attempt, timestamp, text FROM log_chunks WHERE job_key = lower($1) AND seq > $2
     ORDER BY seq ${options.newest ? "DESC" : "ASC"} LIMIT $3`,
    [name, options.afterSeq ?? -1, options.limit ?? null],
  );
  const chunks = rows.map((row) => ({ ...row, text: row.text.toString("utf8") }));
  return options.newest ? chunks.reverse() : chunks;
}
