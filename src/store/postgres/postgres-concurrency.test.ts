import { afterAll, afterEach, expect, it, vi } from "vitest";
import { admin, throwawayDatabase } from "../../../test/fixtures/postgres.js";
import type { Lease } from "../records.js";
import { PostgresStore } from "./postgres-store.js";

// Several stores, each with its own pool of connections, on one database: what several controllers on several
// machines are to PostgreSQL.
const database = await throwawayDatabase("concurrency");
afterAll(() => database.drop());

const opened: PostgresStore[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

let schemas = 0;
async function stores(count: number): Promise<PostgresStore[]> {
  schemas += 1;
  const schema = `shared_${schemas}`;
  const first = await PostgresStore.open(database.url, { schema, poolSize: 2 });
  const rest = await Promise.all(
    Array.from({ length: count - 1 }, () => PostgresStore.open(database.url, { schema, poolSize: 2 })),
  );
  opened.push(first, ...rest);
  return [first, ...rest];
}

it("gives each trial index to one of several racing stores, without gaps, and tells the losers", async () => {
  const racers = await stores(6);
  const [first] = racers as [PostgresStore];
  await first.createTuningJob({ name: "race", kind: "study", config: {}, seed: 1, now: 1 });
  // Everyone asks for index 0 at once: one wins, every other learns it lost.
  const outcomes = await Promise.allSettled(
    racers.map((store, i) =>
      store.createTrainingJob({
        name: `first-${i}`,
        tuningJobName: "race",
        trialIndex: 0,
        hyperparameters: {},
        now: 2,
      }),
    ),
  );
  expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
  for (const outcome of outcomes.filter((o) => o.status === "rejected")) {
    expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: "E_STORE_CONFLICT" });
  }
  // Then all of them keep taking the next index until there are 80 trials.
  const total = 80;
  await Promise.all(
    racers.map(async (store, worker) => {
      for (;;) {
        const next = (await store.getTuningJob("race"))?.trialCount as number;
        if (next >= total) return;
        try {
          await store.createTrainingJob({
            name: `trial-${next}-by-${worker}`,
            tuningJobName: "race",
            trialIndex: next,
            hyperparameters: { worker },
            now: 3,
          });
        } catch (error) {
          // A lost race: read the count again and try the next index.
          expect(error).toMatchObject({ code: "E_STORE_CONFLICT" });
        }
      }
    }),
  );
  const indices = (await first.listTrainingJobPoints("race")).map((p) => p.trialIndex);
  expect(indices).toEqual(Array.from({ length: total }, (_, i) => i));
  expect((await first.getTuningJob("race"))?.trialCount).toBe(total);
});

it("numbers concurrent metric and log appends to one job without a collision, each writer's in its order", async () => {
  const writers = await stores(5);
  const [first] = writers as [PostgresStore];
  await first.createTrainingJob({ name: "busy", hyperparameters: {}, now: 1 });
  const rounds = 25;
  await Promise.all(
    writers.map(async (store, w) => {
      for (let r = 0; r < rounds; r++) {
        await Promise.all([
          store.appendMetricPoints("busy", 0, [
            { metricName: `w${w}`, value: r, timestamp: r },
            { metricName: `w${w}`, value: r + 0.5, timestamp: r },
          ]),
          store.appendLog("busy", 0, `w${w} r${r}\n`, r),
        ]);
      }
    }),
  );
  const points = await first.listMetricPoints("busy");
  expect(points.map((p) => p.seq)).toEqual(Array.from({ length: writers.length * rounds * 2 }, (_, i) => i));
  const log = await first.readLog("busy");
  expect(log.map((c) => c.seq)).toEqual(Array.from({ length: writers.length * rounds }, (_, i) => i));
  for (let w = 0; w < writers.length; w++) {
    const mine = await first.listMetricPoints("busy", { metricName: `w${w}` });
    expect(mine.map((p) => p.value)).toEqual(Array.from({ length: rounds }, (_, r) => [r, r + 0.5]).flat());
    expect(log.filter((c) => c.text.startsWith(`w${w} `)).map((c) => c.text)).toEqual(
      Array.from({ length: rounds }, (_, r) => `w${w} r${r}\n`),
    );
  }
});

it("times leases by the database's clock: stores whose own clocks are wrong still agree on expiry", async () => {
  const [a, b] = (await stores(2)) as [PostgresStore, PostgresStore];
  const server = await admin(
    async (client) =>
      Number((await client.query("SELECT extract(epoch FROM clock_timestamp()) * 1000 AS ms")).rows[0].ms),
    database.url,
  );
  expect(Math.abs((await a.now()) - server)).toBeLessThan(5000);
  // The client believes it is an hour later than it is: the lease must still look alive to everyone.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(server + 3_600_000);
  const lease = (await a.acquireLease({ kind: "tuning-job", name: "tj", owner: "a", ttlMs: 1500 })) as Lease;
  expect(Math.abs(lease.expiresAt - 1500 - server)).toBeLessThan(5000);
  expect(await b.acquireLease({ kind: "tuning-job", name: "tj", owner: "b", ttlMs: 60_000 })).toBeUndefined();
  expect(await b.listUnleased("tuning-job")).toEqual([]);
  // Now it believes it is an hour earlier: once the database's clock passes the expiry, the lease is free.
  vi.setSystemTime(server - 3_600_000);
  await vi.waitFor(
    async () =>
      expect(await b.acquireLease({ kind: "tuning-job", name: "tj", owner: "b", ttlMs: 60_000 })).toMatchObject({
        owner: "b",
      }),
    { timeout: 20_000, interval: 200 },
  );
  expect(await a.renewLease(lease, 60_000)).toBeUndefined();
});
