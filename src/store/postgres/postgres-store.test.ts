import { afterAll, describe, expect, it } from "vitest";
import { admin, freshStore, throwawayDatabase } from "../../../test/fixtures/postgres.js";
import { storeContract } from "../store.contract.js";
import { PostgresStore } from "./postgres-store.js";

// One database for this file's run, dropped at the end; each test gets a schema of its own in it. Without a server
// this fails here, at once, saying how to start one.
const database = await throwawayDatabase("store");
afterAll(() => database.drop());

storeContract("PostgresStore", () => freshStore(database.url));

describe("PostgresStore", () => {
  it("returns records exactly as stored: JSON values, big numbers as numbers, NUL characters in logs", async () => {
    const store = await freshStore(database.url);
    try {
      const config = { b: 1, a: [0.1, -0, 1e300, 5e-324], nested: { "\u0000key": "nul \u0000 inside", t: true } };
      await store.createTuningJob({
        name: "exact",
        kind: "study",
        config,
        seed: 2 ** 52 + 1,
        now: 1_700_000_000_123.5,
      });
      const job = await store.getTuningJob("exact");
      expect(job?.config).toEqual(JSON.parse(JSON.stringify(config)));
      expect(job).toMatchObject({ seed: 2 ** 52 + 1, createdAt: 1_700_000_000_123.5 });
      await store.createTrainingJob({ name: "t", hyperparameters: { lr: 0.001, opt: "adam" }, now: 1 });
      await store.appendLog("t", 0, "binary \u0000 output ✓\n", 2);
      expect((await store.readLog("t"))[0]?.text).toBe("binary \u0000 output ✓\n");
      const lease = await store.acquireLease({ kind: "tuning-job", name: "exact", owner: "me", ttlMs: 1000 });
      expect(typeof lease?.token).toBe("number");
      expect(typeof lease?.expiresAt).toBe("number");
    } finally {
      await store.close();
    }
  });

  it("keeps the schema as numbered migrations in a ledger, and reopens a store it made", async () => {
    const store = await freshStore(database.url, { schema: "reopened" });
    await store.createTuningJob({ name: "kept", kind: "study", config: {}, seed: 1, now: 1 });
    await store.close();
    const again = await PostgresStore.open(database.url, { schema: "reopened", poolSize: 2 });
    expect((await again.getTuningJob("kept"))?.seed).toBe(1);
    await again.close();
    const ledger = await admin(
      (client) => client.query("SELECT version, name FROM reopened.tunekit_schema_migrations ORDER BY version"),
      database.url,
    );
    expect(ledger.rows).toEqual([
      { version: 1, name: "initial" },
      { version: 2, name: "tags" },
      { version: 3, name: "workers" },
      { version: 4, name: "run_leases" },
    ]);
  });

  it("migrates once when several processes open an empty database at the same moment", async () => {
    const opened = await Promise.all(
      Array.from({ length: 6 }, () => PostgresStore.open(database.url, { schema: "together", poolSize: 1 })),
    );
    await Promise.all(opened.map((store) => store.close()));
    const ledger = await admin(
      (client) => client.query("SELECT count(*)::int AS n FROM together.tunekit_schema_migrations"),
      database.url,
    );
    // Each migration once, however many opened it.
    expect(ledger.rows[0].n).toBe(4);
  });

  it("refuses a database that holds another program's tables, and leaves it untouched", async () => {
    await admin(async (client) => {
      await client.query("CREATE SCHEMA shop");
      await client.query("CREATE TABLE shop.customers (id integer PRIMARY KEY)");
    }, database.url);
    await expect(PostgresStore.open(database.url, { schema: "shop" })).rejects.toMatchObject({
      code: "E_STORE_FOREIGN",
    });
    const tables = await admin(
      (client) => client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'shop'"),
      database.url,
    );
    expect(tables.rows).toEqual([{ tablename: "customers" }]);
  });

  it("refuses a store written by a newer tunekit and changes nothing in it", async () => {
    await (await freshStore(database.url, { schema: "future" })).close();
    await admin(
      (client) =>
        client.query("INSERT INTO future.tunekit_schema_migrations (version, name, applied_at) VALUES (99, 'x', 0)"),
      database.url,
    );
    await expect(PostgresStore.open(database.url, { schema: "future" })).rejects.toMatchObject({
      code: "E_STORE_SCHEMA_TOO_NEW",
      message: expect.stringMatching(/version 99.*up to 4/),
    });
    const ledger = await admin(
      (client) => client.query("SELECT max(version) AS v FROM future.tunekit_schema_migrations"),
      database.url,
    );
    expect(ledger.rows[0].v).toBe(99);
  });

  it("refuses a URL that is not postgres://, a bad schema name, and a database that does not exist", async () => {
    await expect(PostgresStore.open("mysql://root@127.0.0.1/db")).rejects.toMatchObject({ code: "E_VALIDATION" });
    await expect(PostgresStore.open("postgres://u:secret@")).rejects.toThrow(/postgres:\/\/user@host/);
    await expect(PostgresStore.open(database.url, { schema: "Robert'); DROP" })).rejects.toMatchObject({
      field: "schema",
    });
    const missing = new URL(database.url);
    missing.pathname = "/tunekit_no_such_database";
    await expect(PostgresStore.open(missing.toString())).rejects.toMatchObject({
      code: "E_STORE_UNAVAILABLE",
      message: expect.stringContaining("createdb"),
    });
  });

  it("accepts postgresql:// as well", async () => {
    const store = await PostgresStore.open(database.url.replace(/^postgres:/, "postgresql:"), { schema: "ql" });
    expect(store.kind).toBe("postgres");
    expect(await store.listTuningJobs()).toEqual([]);
    await store.close();
  });
});
