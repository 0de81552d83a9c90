import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { storeContract } from "../store.contract.js";
import { loadMigrations } from "./migrations.js";
import { SqliteStore } from "./sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "tunekit-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(dir, `store-${counter++}.db`);

storeContract("SqliteStore (file)", () => new SqliteStore(freshPath()));

describe("SqliteStore files", () => {
  it("persists across reopening and runs in WAL mode", async () => {
    const path = freshPath();
    const first = new SqliteStore(path);
    await first.createTuningJob({ name: "kept", kind: "study", config: {}, seed: 1, now: 1 });
    await first.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.prepare("SELECT version, name FROM schema_migrations").all()).toEqual([
      { version: 1, name: "initial" },
      { version: 2, name: "strategy_state" },
      { version: 3, name: "training_job_runtime" },
      { version: 4, name: "tuning_job_completion" },
      { version: 5, name: "service_mode" },
      { version: 6, name: "tags" },
      { version: 7, name: "workers" },
      { version: 8, name: "run_leases" },
    ]);
    db.close();
    const second = new SqliteStore(path);
    expect((await second.getTuningJob("kept"))?.seed).toBe(1);
    await second.close();
  });

  it("refuses a file that is not a database, and leaves it untouched", () => {
    const path = freshPath();
    writeFileSync(path, "this is a text file, not a database\n".repeat(20));
    const before = readFileSync(path);
    expect(() => new SqliteStore(path)).toThrow(
      expect.objectContaining({ code: "E_STORE_CORRUPT", message: expect.stringContaining(path) }),
    );
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("refuses a database whose pages are damaged", async () => {
    const path = freshPath();
    const store = new SqliteStore(path);
    for (let i = 0; i < 50; i++)
      await store.createTuningJob({ name: `j${i}`, kind: "study", config: { pad: "x".repeat(500) }, seed: i, now: i });
    await store.close();
    const bytes = readFileSync(path);
    bytes.fill(0xa5, 4096, bytes.length);
    writeFileSync(path, bytes);
    const opening = async () => {
      const damaged = new SqliteStore(path);
      try {
        await damaged.listTuningJobs();
      } finally {
        await damaged.close();
      }
    };
    await expect(opening()).rejects.toMatchObject({ code: "E_STORE_CORRUPT" });
  });

  it("refuses an SQLite database that belongs to another program", () => {
    const path = freshPath();
    const db = new Database(path);
    db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY)");
    db.close();
    expect(() => new SqliteStore(path)).toThrow(expect.objectContaining({ code: "E_STORE_FOREIGN" }));
    const again = new Database(path, { readonly: true });
    const tables = again.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    again.close();
    expect(tables).toEqual([{ name: "customers" }]);
  });

  it("refuses a store written by a newer tunekit and changes nothing in it", async () => {
    const path = freshPath();
    await new SqliteStore(path).close();
    const db = new Database(path);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)").run();
    db.close();
    expect(() => new SqliteStore(path)).toThrow(
      expect.objectContaining({
        code: "E_STORE_SCHEMA_TOO_NEW",
        message: expect.stringMatching(/version 99.*up to 8/),
      }),
    );
    const check = new Database(path, { readonly: true });
    expect(check.prepare("SELECT max(version) AS v FROM schema_migrations").get()).toEqual({ v: 99 });
    check.close();
  });

  const fixture = (version: number) => {
    const path = freshPath();
    writeFileSync(path, readFileSync(new URL(`../../../test/fixtures/store-schema-${version}.db`, import.meta.url)));
    return new SqliteStore(path);
  };

  it("upgrades a store made by schema 1 (the fixture kept from that release)", async () => {
    const store = fixture(1);
    expect(await store.getTuningJob("fixture-study")).toMatchObject({ kind: "study", trialCount: 2, runOptions: null });
    expect((await store.listTrainingJobs({ tuningJobName: "fixture-study" })).map((j) => j.status)).toEqual([
      "Completed",
      "InProgress",
    ]);
    await store.close();
  });

  it("upgrades a store made by schema 4: metric points become attempt 0's, and leases get fencing tokens", async () => {
    const store = fixture(4);
    expect(await store.getTuningJob("fixture-tuning")).toMatchObject({ kind: "tuning-job", trialCount: 1 });
    expect((await store.listMetricPoints("fixture-tuning-001")).map((p) => [p.attempt, p.value])).toEqual([
      [0, 0.5],
      [0, 0.75],
    ]);
    expect(await store.readLog("fixture-tuning-001")).toEqual([]);
    // The old lease (token 0, long expired) is taken over with a real token.
    const lease = await store.acquireLease({ kind: "tuning-job", name: "fixture-tuning", owner: "new", ttlMs: 1000 });
    expect(lease?.token).toBeGreaterThan(0);
    await store.close();
  });

  it("applies migrations in order and rejects gaps in their numbering", () => {
    const migrationsDir = join(dir, "bad-migrations");
    rmSync(migrationsDir, { recursive: true, force: true });
    mkdirSync(migrationsDir);
    writeFileSync(join(migrationsDir, "0001_a.sql"), "SELECT 1;");
    writeFileSync(join(migrationsDir, "0003_c.sql"), "SELECT 1;");
    expect(() => loadMigrations(migrationsDir)).toThrow(/numbered 1, 2, 3/);
  });
});
