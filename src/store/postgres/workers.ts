import type { WorkerHeartbeat, WorkerRecord } from "../records.js";
import { toWorker, type WorkerRow, workerParams } from "../sql/worker-rows.js";
import type { Database } from "./database.js";

// Each statement here has the same effect run twice as once, so a retry after a connection failure is safe.

export async function heartbeatWorker(db: Database, beat: WorkerHeartbeat): Promise<WorkerRecord> {
  const p = workerParams(beat);
  const [row] = await db.query<WorkerRow>(
    `INSERT INTO workers AS w (name, host, pid, slots, gpus, running, accepting, started_at, heartbeat_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, tunekit_clock_ms(), tunekit_clock_ms())
     ON CONFLICT (name) DO UPDATE SET
       started_at = CASE WHEN w.pid = excluded.pid AND w.host = excluded.host THEN w.started_at
         ELSE excluded.started_at END,
       host = excluded.host, pid = excluded.pid, slots = excluded.slots, gpus = excluded.gpus,
       running = excluded.running, accepting = excluded.accepting, heartbeat_at = excluded.heartbeat_at
     RETURNING *`,
    [p.name, p.host, p.pid, p.slots, p.gpus, p.running, p.accepting],
  );
  return toWorker(row as WorkerRow);
}

export async function listWorkers(db: Database): Promise<WorkerRecord[]> {
  return (await db.query<WorkerRow>("SELECT * FROM workers ORDER BY name")).map(toWorker);
}

export async function removeWorker(db: Database, name: string): Promise<boolean> {
  return (await db.query("DELETE FROM workers WHERE name = $1 RETURNING 1", [name])).length === 1;
}

export async function putSourceBundle(db: Database, sha256: string, bytes: Uint8Array): Promise<void> {
  await db.query(
    `INSERT INTO source_bundles (sha256, bytes, created_at) VALUES ($1, $2, tunekit_clock_ms())
     ON CONFLICT (sha256) DO NOTHING`,
    [sha256, Buffer.from(bytes)],
  );
}

export async function getSourceBundle(db: Database, sha256: string): Promise<Uint8Array | undefined> {
  const [row] = await db.query<{ bytes: Buffer }>("SELECT bytes FROM source_bundles WHERE sha256 = $1", [sha256]);
  return row && new Uint8Array(row.bytes);
}
