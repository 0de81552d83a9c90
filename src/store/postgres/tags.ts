import type { ResourceKind, Tag } from "../records.js";
import type { Database } from "./database.js";

/** SageMaker's tags on a job (see Store.addTags): one statement each, so a retried write lands the same. */

export async function addTags(db: Database, kind: ResourceKind, name: string, tags: readonly Tag[]): Promise<void> {
  if (tags.length === 0) return;
  // A key given twice keeps its last value, as one after the other would.
  const last = new Map(tags.map((t) => [t.Key, t.Value]));
  await db.write(
    `INSERT INTO tags (resource_kind, resource_name, key, value)
     SELECT $1, $2, k, v FROM unnest($3::text[], $4::text[]) AS t (k, v)
     ON CONFLICT (resource_kind, resource_key, key) DO UPDATE SET value = excluded.value`,
    [kind, name, [...last.keys()], [...last.values()]],
    { recover: async () => [] },
  );
}

export async function listTags(db: Database, kind: ResourceKind, name: string): Promise<Tag[]> {
  return db.query<Tag>(
    `SELECT key AS "Key", value AS "Value" FROM tags
     WHERE resource_kind = $1 AND resource_key = lower($2) ORDER BY key COLLATE "C"`,
    [kind, name],
  );
}

export async function deleteTags(
  db: Database,
  kind: ResourceKind,
  name: string,
  keys: readonly string[],
): Promise<void> {
  await db.write(
    "DELETE FROM tags WHERE resource_kind = $1 AND resource_key = lower($2) AND key = ANY($3::text[])",
    [kind, name, [...keys]],
    { recover: async () => [] },
  );
}
