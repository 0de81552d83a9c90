import { randomUUID } from "node:crypto";
import type { Queryable } from "./database.js";

/** How many settled markers one transaction deletes, at most. */
const DELETED_PER_TRANSACTION = 50;

export interface Begun {
  /** The marker this transaction inserts. */
  readonly marker: string;
  /** The message that begins the transaction: BEGIN, the marker's insertion and settled markers' deletion. */
  readonly sql: string;
  /** The settled markers it deletes, to hand back if the transaction does not commit. */
  readonly deleting: readonly string[];
}

/**
 * Commit markers (see migrations/0001_initial.sql): every write transaction inserts one, and when the answer to its
 * COMMIT is lost the marker says whether it was applied. Once a transaction's outcome is known its marker is
 * settled, and a later transaction deletes it in the message that begins it, at no extra round trip.
 */
export class CommitMarkers {
  private readonly settled: string[] = [];

  /**
   * Begins a transaction with a fresh marker. `relaxed` commits it without waiting for the disk. The markers are
   * UUIDs made here (hexadecimal digits and dashes), so they are written into the SQL as they are.
   */
  begin(relaxed = false): Begun {
    const marker = randomUUID();
    const deleting = this.settled.splice(0, DELETED_PER_TRANSACTION);
    const deletion =
      deleting.length === 0 ? "" : `DELETE FROM commit_markers WHERE id IN ('${deleting.join("', '")}'); `;
    const durability = relaxed ? "SET LOCAL synchronous_commit = off; " : "";
    return {
      marker,
      deleting,
      sql: `BEGIN; ${durability}${deletion}INSERT INTO commit_markers (id) VALUES ('${marker}')`,
    };
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
