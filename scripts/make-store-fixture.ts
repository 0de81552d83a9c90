// Writes test/fixtures/store-schema-N.db: a small store made by the current
// schema, kept so later releases can test that they still open and upgrade it.
// Run once per released schema version; never regenerate an existing file.
import { existsSync } from "node:fs";
import { SqliteStore } from "../src/store/index.js";
import { loadMigrations } from "../src/store/sqlite/migrations.js";

const version = loadMigrations().length;
const path = `test/fixtures/store-schema-${version}.db`;
if (existsSync(path)) throw new Error(`${path} exists: fixtures of released schemas are never regenerated`);
const store = new SqliteStore(path);
store.createTuningJob({
  name: "fixture-study",
  kind: "study",
  config: { strategy: "Random" },
  seed: 3,
  now: 1_700_000_000_000,
});
store.createTrainingJob({
  name: "fixture-study-000",
  tuningJobName: "fixture-study",
  trialIndex: 0,
  hyperparameters: { x: 0.5 },
  now: 1_700_000_000_001,
});
store.updateTrainingJob("fixture-study-000", {
  status: "Completed",
  objectiveValue: 1.5,
  objectiveStatus: "Succeeded",
  now: 1_700_000_000_002,
});
store.createTrainingJob({
  name: "fixture-study-001",
  tuningJobName: "fixture-study",
  trialIndex: 1,
  hyperparameters: { x: 0.25 },
  now: 1_700_000_000_003,
});
store.close();
// Fold the WAL into the main file so the fixture is one self-contained file.
const Database = (await import("better-sqlite3")).default;
const db = new Database(path);
db.pragma("journal_mode = DELETE");
db.close();
console.log(`wrote ${path}`);
