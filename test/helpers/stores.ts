import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A store the end-to-end tests run against: a fresh, empty one per call. */
export interface TestStore {
  readonly label: string;
  readonly url: () => Promise<string>;
}

let files = 0;
const dir = mkdtempSync(join(tmpdir(), "tunekit-stores-"));

/** The stores every service test runs on. */
export function testStores(): TestStore[] {
  return [{ label: "SQLite", url: async () => join(dir, `store-${files++}.db`) }];
}
