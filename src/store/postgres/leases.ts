import type { Fence, Lease, LeaseKind, LeaseProcess, LeaseRequest, ResourceKind } from "../records.js";
import { type LeaseRow, toLease } from "../sqlite/rows.js";
import type { Database } from "./database.js";

// Every time here is the database's clock (tunekit_clock_ms()), never the caller's: machines whose clocks disagree
// still agree on when a lease expires.

const RUNNING = "('InProgress', 'Stopping')";

/**
 * One statement: inserts the lease, or takes it over when it expired (a new token from the sequence), or extends it
 * for the owner that holds it (the same token). Running it twice has the effect of running it once, so it may be
 * repeated after a connection failure.
 */
export async function acquireLease(db: Database, request: LeaseRequest): Promise<Lease | undefined> {
  const [row] = await db.query<LeaseRow>(
    `WITH clock AS (SELECT tunekit_clock_ms() AS ms)
     INSERT INTO leases AS l (resource_kind, resource_name, token, owner, host, pid, pgid, process_start_time,
       acquired_at, heartbeat_at, expires_at)
     SELECT $1::text, $2::text, nextval('lease_tokens'), $3::text, $4::text, $5::integer, $6::integer,
       $7::double precision, clock.ms, clock.ms, clock.ms + ceil($8::double precision)::bigint
     FROM clock
     ON CONFLICT (resource_kind, resource_key) DO UPDATE SET
       resource_name = excluded.resource_name,
       token = CASE WHEN l.owner = excluded.owner THEN l.token ELSE excluded.token END,
       acquired_at = CASE WHEN l.owner = excluded.owner THEN l.acquired_at ELSE excluded.acquired_at END,
       owner = excluded.owner, host = excluded.host, pid = excluded.pid, pgid = excluded.pgid,
       process_start_time = excluded.process_start_time, heartbeat_at = excluded.heartbeat_at,
       expires_at = excluded.expires_at
     WHERE l.owner = excluded.owner OR l.expires_at <= excluded.heartbeat_at
     RETURNING *`,
    [
      request.kind,
      request.name,
      request.owner,
      request.host ?? null,
      request.pid ?? null,
      request.pgid ?? null,
      request.processStartTime ?? null,
      request.ttlMs,
    ],
  );
  return row && toLease(row);
}

/** One statement, and repeating it only extends the lease again: safe to repeat after a connection failure. */
export async function renewLease(
  db: Database,
  fence: Fence,
  ttlMs: number,
  process: LeaseProcess,
): Promise<Lease | undefined> {
  const [row] = await db.query<LeaseRow>(
    `UPDATE leases SET heartbeat_at = clock.ms, expires_at = clock.ms + ceil($1::double precision)::bigint,
       host = coalesce($2, host), pid = coalesce($3, pid), pgid = coalesce($4, pgid),
       process_start_time = coalesce($5, process_start_time)
     FROM (SELECT tunekit_clock_ms() AS ms) clock
     WHERE resource_kind = $6 AND resource_key = lower($7) AND token = $8
     RETURNING leases.*`,
    [
      ttlMs,
      process.host ?? null,
      process.pid ?? null,
      process.pgid ?? null,
      process.processStartTime ?? null,
      fence.kind,
      fence.name,
      fence.token,
    ],
  );
  return row && toLease(row);
}

export async function releaseLease(db: Database, fence: Fence): Promise<boolean> {
  const deleted = await db.write(
    "DELETE FROM leases WHERE resource_kind = $1 AND resource_key = lower($2) AND token = $3 RETURNING 1",
    [fence.kind, fence.name, fence.token],
    { recover: async () => [1] },
  );
  return deleted.length === 1;
}

export async function getLease(db: Database, kind: LeaseKind, name: string): Promise<Lease | undefined> {
  const [row] = await db.query<LeaseRow>("SELECT * FROM leases WHERE resource_kind = $1 AND resource_key = lower($2)", [
    kind,
    name,
  ]);
  return row && toLease(row);
}

export async function listUnleased(db: Database, kind: ResourceKind): Promise<string[]> {
  const jobs =
    kind === "tuning-job"
      ? `SELECT name, name_key, created_at FROM tuning_jobs WHERE kind = 'tuning-job' AND status IN ${RUNNING}`
      : `SELECT name, name_key, created_at FROM training_jobs
         WHERE tuning_job_key IS NULL AND request IS NOT NULL AND status IN ${RUNNING}`;
  const rows = await db.query<{ name: string }>(
    `SELECT j.name FROM (${jobs}) j CROSS JOIN (SELECT tunekit_clock_ms() AS ms) clock
     WHERE NOT EXISTS (SELECT 1 FROM leases l
       WHERE l.resource_kind = $1 AND l.resource_key = j.name_key AND l.expires_at > clock.ms)
     ORDER BY j.created_at, j.name`,
    [kind],
  );
  return rows.map((row) => row.name);
}

export async function now(db: Database): Promise<number> {
  const [row] = await db.query<{ ms: number }>("SELECT tunekit_clock_ms() AS ms");
  return row?.ms as number;
}
