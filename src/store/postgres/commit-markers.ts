import { randomUUID } from "node:crypto";
import type { Queryable } from "./queryable.js";

/** How many settled markers one transaction deletes, at most. */
const DELETED_PER_TRANSACTION = 50;
/** A statement that begins with common table expressions, to which the markers' are added. */
const WITH = /^\s*WITH\s/i;

export interface Begun {
  /** The marker this transaction inserts. */
  readonly marker: string;
  /** What to send: BEGIN with the marker, or the marked statement (see `marked`). */
  readonly sql: string;
  readonly params: readonly unknown[];
  /** The settled markers it deletes, to hand back if the transaction does not commit. */
  readonly deleting: readonly string[];
}

/**
 * Commit markers (see migrations/0001_initial.sql): every write transaction inserts one, and when the answer to its
 * COMMIT is lost the marker says whether it was applied. Once a transaction's outcome is known its marker is
 * settled, and a later transaction deletes it, in the same statement or message, at no extra round trip.
 */
export class CommitMarkers {
  private readonly settled: string[] = [];

  /**
   * BEGIN for a transaction of several statements, inserting a fresh marker and deleting settled ones. The markers
   * are UUIDs made here (hexadecimal digits and dashes), so they are written into the SQL as they are.
   */
  begin(): Begun {
    const marker = randomUUID();
    const deleting = this.settled.splice(0, DELETED_PER_TRANSACTION);
    const deletion =
      deleting.length === 0 ? "" : `DELETE FROM commit_markers WHERE id IN ('${deleting.join("', '")}'); `;
    return {
      marker,
      deleting,
      params: [],
      sql: `BEGIN; ${deletion}INSERT INTO commit_markers (id) VALUES ('${marker}')`,
    };
  }

  /**
   * One statement made its own transaction's marker: common table expressions put before it insert a fresh marker
   * and delete settled ones, so the statement commits on its own (no BEGIN, no COMMIT) with its marker. `relaxed`
   * turns synchronous_commit off for that transaction alone (set_config's `true`; the WHERE only makes it run).
   * The text is the same each time, so it is prepared once; the markers travel as parameters.
   */
  marked(sql: string, params: readonly unknown[], relaxed: boolean): Begun {
    const marker = randomUUID();
    const deleting = this.settled.splice(0, DELETED_PER_TRANSACTION);
    const n = params.length;
    const durability = relaxed ? " WHERE set_config('synchronous_commit', 'off', true) = 'off'" : "";
    const markers = `commit_marker AS (INSERT INTO commit_markers (id) SELECT $${n + 1}::uuid${durability}),
      settled_markers AS (DELETE FROM commit_markers WHERE id = ANY ($${n + 2}::uuid[]))`;
    const text = WITH.test(sql) ? sql.replace(WITH, `WITH ${markers},\n`) : `WITH ${markers}\n${sql}`;
    return { marker, deleting, sql: text, params: [...params, marker, deleting] };
  }

  /** The transaction did not commit: its deletions are still to do. */
  abandoned(begun: Begun): void {
    this.settled.push(...begun.deleting);
  }

  settle(marker: string): void {
    this.settled.push(marker);
  }

  /**
   * Whether the transaction that inserted `marker` committed, asked on another connection by inserting the marker
   * again as a probe. The unique key makes the probe wait while that transaction is still in progress (the server
   * has not yet noticed its client is gone), then either meet its committed marker or take the key, so that the
   * transaction, if it were somehow still to commit, never can. Asking twice gives the same answer.
   */
  async committed(db: Queryable, marker: string): Promise<boolean> {
    const [row] = await db.query<{ probe: boolean }>(
      `INSERT INTO commit_markers (id, probe) VALUES ($1, true)
       ON CONFLICT (id) DO UPDATE SET probe = commit_markers.probe RETURNING probe`,
      [marker],
    );
    this.settle(marker);
    return row?.probe === false;
  }
}
