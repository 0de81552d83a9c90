import type { ResourceKind, StopRequest } from "../records.js";
import { type StopRequestRow, toStopRequest } from "../sqlite/rows.js";
import type { Database } from "./database.js";

const PENDING = `SELECT * FROM stop_requests
  WHERE acknowledged_at IS NULL AND resource_kind = $1 AND resource_key = lower($2) ORDER BY id`;

/** At most one request per job is pending (a unique index): a second asker gets the first one's request. */
export async function requestStop(
  db: Database,
  kind: ResourceKind,
  name: string,
  now: number,
  reason: string | undefined,
): Promise<StopRequest> {
  return db.transaction(async (tx) => {
    const [inserted] = await tx.query<StopRequestRow>(
      `INSERT INTO stop_requests (resource_kind, resource_name, reason, requested_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (resource_kind, resource_key) WHERE acknowledged_at IS NULL DO NOTHING
       RETURNING *`,
      [kind, name, reason ?? null, now],
    );
    const [row] = inserted ? [inserted] : await tx.query<StopRequestRow>(PENDING, [kind, name]);
    return toStopRequest(row as StopRequestRow);
  });
}

export async function pendingStopRequests(db: Database, kind: ResourceKind, name: string): Promise<StopRequest[]> {
  return (await db.query<StopRequestRow>(PENDING, [kind, name])).map(toStopRequest);
}

export async function acknowledgeStopRequest(db: Database, id: number, now: number): Promise<boolean> {
  const changed = await db.write(
    "UPDATE stop_requests SET acknowledged_at = $1 WHERE id = $2 AND acknowledged_at IS NULL RETURNING 1",
    [now, id],
    { recover: async () => [1] },
  );
  return changed.length === 1;
}
