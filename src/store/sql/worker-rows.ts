import type { WorkerHeartbeat, WorkerRecord } from "../records.js";

/** A row of the workers table as SQLite and PostgreSQL return it (lists as JSON text, the flag as 0/1). */
export interface WorkerRow {
  name: string;
  host: string;
  pid: number;
  slots: number;
  gpus: string;
  running: string;
  accepting: number;
  started_at: number;
  heartbeat_at: number;
}

export function toWorker(row: WorkerRow): WorkerRecord {
  return {
    name: row.name,
    host: row.host,
    pid: Number(row.pid),
    slots: Number(row.slots),
    gpus: JSON.parse(row.gpus) as string[],
    running: JSON.parse(row.running) as string[],
    accepting: Number(row.accepting) === 1,
    startedAt: Number(row.started_at),
    heartbeatAt: Number(row.heartbeat_at),
  };
}

/** A heartbeat as named parameters of the upsert. */
export function workerParams(beat: WorkerHeartbeat) {
  return {
    name: beat.name,
    host: beat.host,
    pid: beat.pid,
    slots: beat.slots,
    gpus: JSON.stringify(beat.gpus),
    running: JSON.stringify(beat.running),
    accepting: beat.accepting ? 1 : 0,
  };
}
