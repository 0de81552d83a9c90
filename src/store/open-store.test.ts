import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, expect, it } from "vitest";
import { throwawayDatabase } from "../../test/fixtures/postgres.js";
import { storeLocation } from "./location.js";
import { openStore } from "./open-store.js";
import { PostgresStore } from "./postgres/postgres-store.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "tunekit-open-store-"));
const database = await throwawayDatabase("open");
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await database.drop();
});

it("opens an SQLite file for a path, relative ones from the working directory", async () => {
  const path = join(dir, "nested", "tunekit.db");
  const store = await openStore(relative(process.cwd(), path));
  expect(store).toBeInstanceOf(SqliteStore);
  expect((store as SqliteStore).path).toBe(path);
  await store.createTuningJob({ name: "kept", kind: "study", config: {}, seed: 1, now: 1 });
  await store.close();
  const again = await openStore(path);
  expect((await again.getTuningJob("kept"))?.seed).toBe(1);
  await again.close();
});

it("opens a PostgreSQL database for a postgres:// or postgresql:// URL", async () => {
  for (const url of [database.url, database.url.replace(/^postgres:/, "postgresql:")]) {
    const store = await openStore(url, { postgres: { poolSize: 1 } });
    expect(store).toBeInstanceOf(PostgresStore);
    expect(store.kind).toBe("postgres");
    expect(await store.listTuningJobs()).toEqual([]);
    await store.close();
  }
});

it("refuses any other URL instead of making a file of that name", async () => {
  await expect(openStore("mysql://root@127.0.0.1/tunekit")).rejects.toMatchObject({
    code: "E_VALIDATION",
    field: "store",
    message: expect.stringContaining("mysql://"),
  });
});

it("keeps a URL given as the store's location as it is", () => {
  expect(storeLocation("postgres://tunekit@db.example:5432/tunekit")).toBe(
    "postgres://tunekit@db.example:5432/tunekit",
  );
  expect(storeLocation("here.db")).toBe(join(process.cwd(), "here.db"));
});
