import { leaseLost } from "../errors.js";
import type { Fence, ListOptions } from "../records.js";
import type { Queryable } from "./database.js";

/** Collects a statement's parameters and hands out their placeholders ($1, $2, ...) in order. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** LIMIT and OFFSET as parameters, so that a statement's text (and its prepared plan) serves every page. */
  limit(options: ListOptions): string {
    const limit = options.limit === undefined ? null : Math.max(0, Math.floor(options.limit));
    return ` LIMIT ${this.add(limit)} OFFSET ${this.add(Math.max(0, Math.floor(options.offset ?? 0)))}`;
  }

  /** SQL written with `?` placeholders (the listings shared with SQLite), its values added in order. */
  numbered(sql: string, values: readonly unknown[]): string {
    let i = 0;
    return sql.replace(/\?/g, () => this.add(values[i++]));
  }
}

/** JSON for a `json` column; undefined (not given) is stored as NULL. */
export const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/** Builds `a = $1, b = $2` from a patch, through a whitelist of record fields to columns. */
export function assignments(patch: Record<string, unknown>, columns: Record<string, string>, params: Params): string {
  const parts: string[] = [];
  for (const [field, value] of Object.entries(patch)) {
    const column = columns[field];
    if (column !== undefined && value !== undefined) parts.push(`${column} = ${params.add(value)}`);
  }
  return parts.join(", ");
}

/**
 * The condition a write made under a lease adds to its WHERE: the lease still has the fence's token. The lease row
 * is locked (FOR SHARE) until the write commits, so a takeover waits for the write, or the write sees the takeover.
 */
export function fenceHolds(fence: Fence | undefined, params: Params): string {
  if (!fence) return "TRUE";
  return `EXISTS (SELECT 1 FROM leases WHERE resource_kind = ${params.add(fence.kind)}
    AND resource_key = lower(${params.add(fence.name)}) AND token = ${params.add(fence.token)} FOR SHARE)`;
}

/** After a fenced write changed nothing: E_LEASE_LOST when the lease is why. */
export async function checkFence(tx: Queryable, fence: Fence | undefined): Promise<void> {
  if (!fence) return;
  const rows = await tx.query<{ token: number }>(
    "SELECT token FROM leases WHERE resource_kind = $1 AND resource_key = lower($2)",
    [fence.kind, fence.name],
  );
  if (rows[0]?.token !== fence.token) throw leaseLost(fence.kind, fence.name, fence.token);
}
