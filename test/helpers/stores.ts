import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { type ThrowawayDatabase, throwawayDatabase } from "../fixtures/postgres.js";

/** A store the end-to-end tests run against: a fresh, empty one per call, named as `--store` takes it. */
export interface TestStore {
  readonly label: string;
  readonly url: () => Promise<string>;
}

let files = 0;
const dir = mkdtempSync(join(tmpdir(), "tunekit-stores-"));
const databases: ThrowawayDatabase[] = [];
afterAll(async () => {
  for (const db of databases.splice(0)) await db.drop();
});

/** The stores every service test runs on: an SQLite file, and a throwaway database of the local PostgreSQL. */
export function testStores(): TestStore[] {
  return [
    { label: "SQLite", url: async () => join(dir, `store-${files++}.db`) },
    {
      label: "PostgreSQL",
      url: async () => {
        const db = await throwawayDatabase("service");
        databases.push(db);
        return db.url;
      },
    },
  ];
}
