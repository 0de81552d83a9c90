import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cuttingProxy } from "../../../test/fixtures/cutting-proxy.js";
import { admin, terminateSessions, throwawayDatabase } from "../../../test/fixtures/postgres.js";
import { PrivateCluster, postgresBinaries } from "../../../test/fixtures/private-postgres.js";
import type { Lease } from "../records.js";
import { PostgresStore } from "./postgres-store.js";

const database = await throwawayDatabase("reconnect");
afterAll(() => database.drop());

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What a controller writes for each trial of a tuning job under its lease. Each write checks its own answer: a
 * write repeated after it had committed would show here as a conflict, a refused transition or a doubled chunk.
 */
async function runTrials(store: PostgresStore, tuningJob: string, count: number, lease: Lease): Promise<void> {
  for (let i = 0; i < count; i++) {
    const name = `${tuningJob}-${i}`;
    await store.createTrainingJob(
      { name, tuningJobName: tuningJob, trialIndex: i, hyperparameters: { i }, now: i },
      lease,
    );
    await store.appendLog(name, 0, `trial ${i}\n`, i, lease);
    await store.appendMetricPoints(name, 0, [{ metricName: "loss", value: i, timestamp: i }], lease);
    const ended = await store.updateTrainingJob(
      name,
      { status: "Completed", objectiveValue: i, objectiveStatus: "Succeeded", now: i },
      { from: ["InProgress"], fence: lease },
    );
    expect(ended?.status).toBe("Completed");
  }
}

async function startTuningJob(store: PostgresStore, name: string): Promise<Lease> {
  await store.createTuningJob({ name, kind: "tuning-job", config: {}, seed: 1, now: 0 });
  return (await store.acquireLease({ kind: "tuning-job", name, owner: "controller", ttlMs: 600_000 })) as Lease;
}

/**
 * Every trial there once and completed, with exactly its one log chunk and metric point. Output is committed
 * without waiting for the disk (see Database.write), so where `outputMayBeLost` says so a trial's may be missing
 * after a crash; it is never doubled.
 */
async function expectEveryTrialOnce(
  store: PostgresStore,
  tuningJob: string,
  count: number,
  outputMayBeLost: (trial: number) => boolean = () => false,
): Promise<void> {
  expect((await store.getTuningJob(tuningJob))?.trialCount).toBe(count);
  const points = await store.listTrainingJobPoints(tuningJob);
  expect(points.map((p) => [p.trialIndex, p.status])).toEqual(
    Array.from({ length: count }, (_, i) => [i, "Completed"]),
  );
  for (let i = 0; i < count; i++) {
    const log = await store.readLog(`${tuningJob}-${i}`);
    const metrics = (await store.listMetricPoints(`${tuningJob}-${i}`)).map((p) => p.value);
    if (outputMayBeLost(i) && log.length === 0) expect(metrics.length).toBeLessThanOrEqual(1);
    else if (outputMayBeLost(i) && metrics.length === 0) expect(log).toHaveLength(1);
    else {
      expect(log).toEqual([{ seq: 0, attempt: 0, timestamp: i, text: `trial ${i}\n` }]);
      expect(metrics).toEqual([i]);
    }
  }
}

it("carries on when the server ends its sessions mid-run (pg_terminate_backend), losing and doubling nothing", async () => {
  const store = await PostgresStore.open(database.url, { schema: "terminated", poolSize: 3 });
  const lease = await startTuningJob(store, "tj");
  let running = true;
  const work = runTrials(store, "tj", 100, lease).finally(() => {
    running = false;
  });
  let ended = 0;
  while (running) {
    ended += await terminateSessions(database.name);
    await pause(100);
  }
  await work;
  expect(ended).toBeGreaterThan(0);
  await expectEveryTrialOnce(store, "tj", 100);
  await store.close();
}, 120_000);

it("survives its idle connections being ended: the pool's errors do not end the process", async () => {
  const store = await PostgresStore.open(database.url, { schema: "idle", poolSize: 3 });
  await Promise.all([store.listTuningJobs(), store.listTrainingJobs(), store.now()]);
  expect(await terminateSessions(database.name)).toBeGreaterThan(0);
  await pause(200);
  expect(await store.listTuningJobs()).toEqual([]);
  await store.close();
});

it("applies a write exactly once when the connection is cut as it commits, whether the commit landed or not", async () => {
  const server = new URL(database.url);
  const proxy = await cuttingProxy({ host: server.hostname, port: Number(server.port || 5432) });
  server.host = `127.0.0.1:${proxy.port}`;
  const store = await PostgresStore.open(server.toString(), { schema: "cut", poolSize: 2 });
  try {
    await store.createTuningJob({ name: "tj", kind: "study", config: {}, seed: 1, now: 0 });
    await store.createTuningJob({ name: "gone", kind: "study", config: {}, seed: 1, now: 0 });
    // The server commits and the answer is lost: the store must learn that it committed, not do it again (which
    // would find the index taken, the transition already made, the chunk doubled, the job already deleted).
    let cut = proxy.cutAt("after-sending", "t-0");
    const created = await store.createTrainingJob({
      name: "t-0",
      tuningJobName: "tj",
      trialIndex: 0,
      hyperparameters: {},
      now: 1,
    });
    await cut;
    expect(created).toMatchObject({ name: "t-0", trialIndex: 0 });
    cut = proxy.cutAt("after-sending", "once\n");
    await store.appendLog("t-0", 0, "once\n", 2);
    await cut;
    cut = proxy.cutAt("after-sending", "Stopping");
    expect(
      await store.updateTrainingJob("t-0", { status: "Stopping", now: 3 }, { from: ["InProgress"] }),
    ).toMatchObject({ status: "Stopping" });
    await cut;
    cut = proxy.cutAt("after-sending", "COMMIT");
    expect(await store.deleteTuningJob("gone")).toBe(true);
    await cut;
    // The change never reaches the server (or its COMMIT does not, and it rolls back): the store must do it again.
    cut = proxy.cutAt("instead-of-sending", "again\n");
    await store.appendLog("t-0", 0, "again\n", 4);
    await cut;
    cut = proxy.cutAt("instead-of-sending", "Stopped");
    expect(await store.updateTrainingJob("t-0", { status: "Stopped", now: 5 }, { from: ["Stopping"] })).toMatchObject({
      status: "Stopped",
    });
    await cut;
    expect((await store.readLog("t-0")).map((c) => [c.seq, c.text])).toEqual([
      [0, "once\n"],
      [1, "again\n"],
    ]);
    expect((await store.getTuningJob("tj"))?.trialCount).toBe(1);
    expect(await store.getTuningJob("gone")).toBeUndefined();
  } finally {
    await store.close();
    await proxy.close();
  }
});

const bin = postgresBinaries();

// A real restart needs a server the test may stop: a cluster of its own (initdb, pg_ctl), run as the postgres user
// when the tests run as root. Skipped only where PostgreSQL's programs are not installed.
describe.skipIf(bin === undefined)("on a PostgreSQL cluster of the test's own", () => {
  let cluster: PrivateCluster | undefined;
  beforeAll(async () => {
    cluster = await PrivateCluster.create(bin as string);
  }, 120_000);
  afterAll(() => cluster?.destroy());

  const trialCount = async (store: PostgresStore, name: string) => (await store.getTuningJob(name))?.trialCount ?? 0;
  const reached = async (store: PostgresStore, name: string, count: number) => {
    while ((await trialCount(store, name)) < count) await pause(20);
  };

  it("carries on across a restart of the server mid-run, losing and doubling nothing", async () => {
    const server = cluster as PrivateCluster;
    const store = await PostgresStore.open(server.url, { schema: "restarted", poolSize: 3 });
    const lease = await startTuningJob(store, "restarted");
    const work = runTrials(store, "restarted", 150, lease);
    await reached(store, "restarted", 40);
    await server.restart("fast");
    await reached(store, "restarted", 100);
    await server.restart("fast");
    await work;
    await expectEveryTrialOnce(store, "restarted", 150);
    await store.close();
  }, 180_000);

  it("carries on across a crash of the server: every committed state change kept, nothing doubled", async () => {
    const server = cluster as PrivateCluster;
    const store = await PostgresStore.open(server.url, { schema: "crashed", poolSize: 3 });
    const lease = await startTuningJob(store, "crashed");
    const work = runTrials(store, "crashed", 150, lease);
    await reached(store, "crashed", 60);
    const beforeCrash = await trialCount(store, "crashed");
    await server.restart("immediate");
    const afterCrash = await trialCount(store, "crashed");
    await work;
    // Output of the crash's last moments may be gone; 50 trials before it is a wide margin for "moments".
    await expectEveryTrialOnce(store, "crashed", 150, (i) => i >= beforeCrash - 50 && i <= afterCrash);
    await store.close();
  }, 180_000);

  it("fails with E_STORE_UNAVAILABLE once the server is gone longer than allowed, and recovers when it is back", async () => {
    const server = cluster as PrivateCluster;
    const store = await PostgresStore.open(server.url, { schema: "bounded", maxUnavailableMs: 1500 });
    await store.createTuningJob({ name: "before", kind: "study", config: {}, seed: 1, now: 0 });
    await server.stop();
    try {
      await expect(store.getTuningJob("before")).rejects.toMatchObject({
        code: "E_STORE_UNAVAILABLE",
        message: expect.stringContaining("could not be reached"),
      });
      await expect(
        store.createTuningJob({ name: "during", kind: "study", config: {}, seed: 1, now: 0 }),
      ).rejects.toMatchObject({ code: "E_STORE_UNAVAILABLE" });
    } finally {
      await server.start();
    }
    expect((await store.getTuningJob("before"))?.name).toBe("before");
    expect(await store.getTuningJob("during")).toBeUndefined();
    await store.close();
  }, 120_000);
});

it("names the server and how to start one when none answers, within seconds", async () => {
  const nowhere = "postgres://postgres@127.0.0.1:1/postgres";
  await expect(admin(async () => undefined, nowhere)).rejects.toThrow(/pg_ctlcluster --skip-systemctl-redirect/);
  await expect(PostgresStore.open(nowhere, { maxUnavailableMs: 300 })).rejects.toMatchObject({
    code: "E_STORE_UNAVAILABLE",
    message: expect.stringContaining("127.0.0.1:1/postgres"),
  });
});
