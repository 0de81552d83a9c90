import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../src/store/index.js";
import { PrivateCluster, postgresBinaries } from "./fixtures/private-postgres.js";
import { runLoad } from "./helpers/load.js";
import { api, post, type ServeProcess, startServe, waitFor } from "./helpers/serve.js";
import { testStores } from "./helpers/stores.js";

/**
 * tunekit as a service: `tunekit serve` processes sharing one store run the jobs submitted to them over HTTP,
 * and take over from each other. Leases live 6 s here (30 s by default) so takeovers come quickly.
 */
const PYTHON = process.env.TUNEKIT_TEST_PYTHON ?? "/usr/bin/python3";
const CODE = fileURLToPath(new URL("./fixtures/jobs/tuning/", import.meta.url));
const LEASE_TTL_S = 6;
const root = mkdtempSync(join(tmpdir(), "tunekit-service-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

const running: ServeProcess[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) {
    p.signal("SIGCONT");
    await p.stop();
  }
});

// biome-ignore lint/suspicious/noExplicitAny: requests are built field by field.
type Request = Record<string, any>;

/** The tuning fixture's request: `jobs` training jobs, `parallel` at a time, each 3 epochs of `sleep` seconds. */
function tuningRequest(name: string, jobs: number, parallel: number, sleep: number): Request {
  const request = JSON.parse(readFileSync(join(CODE, "tuning-job.json"), "utf8")) as Request;
  request.HyperParameterTuningJobName = name;
  request.HyperParameterTuningJobConfig.Strategy = "Random";
  request.HyperParameterTuningJobConfig.ResourceLimits = {
    MaxNumberOfTrainingJobs: jobs,
    MaxParallelTrainingJobs: parallel,
  };
  request.TrainingJobDefinition.StaticHyperParameters.sleep = String(sleep);
  request.TunekitRunOptions = {
    baseDir: root,
    python: PYTHON,
    s3Map: [
      { prefix: "s3://my-bucket/code", dir: CODE },
      { prefix: "s3://my-bucket/output", dir: join(root, "out") },
    ],
  };
  return request;
}

async function serve(store: string, extra: string[] = []): Promise<ServeProcess> {
  const home = join(root, `home-${counter++}`);
  const p = await startServe(["--store", store, "--lease-ttl", String(LEASE_TTL_S), ...extra], { TUNEKIT_HOME: home });
  running.push(p);
  return p;
}

interface Describe {
  HyperParameterTuningJobStatus: string;
  TrainingJobStatusCounters: Record<string, number>;
}

async function ended(url: string, name: string): Promise<Describe> {
  return waitFor(
    `${name} to end`,
    async () => {
      const job = await api<Describe>(`${url}/api/tuning-jobs/${name}`);
      return ["Completed", "Failed", "Stopped"].includes(job.HyperParameterTuningJobStatus) && job;
    },
    300_000,
  );
}

/** The pid in a lease's owner (`host:pid:name`), or undefined when nobody holds it. */
async function ownerPid(store: Store, kind: "tuning-job" | "training-job", name: string): Promise<number | undefined> {
  const lease = await store.getLease(kind, name);
  if (!lease || lease.expiresAt <= (await store.now())) return undefined;
  return Number(lease.owner.split(":")[1]);
}

/** Every training job ran to one end, each its own trial, none left running, with one attempt's full series. */
async function expectExactlyOnce(store: Store, name: string, jobs: number): Promise<void> {
  const children = await store.listTrainingJobs({ tuningJobName: name });
  expect(children).toHaveLength(jobs);
  expect(children.map((c) => c.trialIndex)).toEqual(Array.from({ length: jobs }, (_, i) => i));
  for (const child of children) {
    expect(child.status, `${child.name}: ${child.failureReason}`).toBe("Completed");
    expect(child.objectiveStatus).toBe("Succeeded");
    const points = await store.listMetricPoints(child.name, { metricName: "val_loss" });
    // The attempt that counts emitted its 3 epochs once: nothing of a lost attempt is mixed in.
    expect(points.map((p) => p.attempt)).toEqual([child.retryAttempt, child.retryAttempt, child.retryAttempt]);
  }
}

for (const { label, url: storeUrl } of testStores()) {
  describe(`tunekit serve on ${label}`, () => {
    it("runs a tuning job and a training job submitted over HTTP, and refuses a bad or taken request", async () => {
      const store = await storeUrl();
      const a = await serve(store);
      const created = await post<{ HyperParameterTuningJobName: string; HyperParameterTuningJobArn: string }>(
        `${a.url}/api/tuning-jobs`,
        tuningRequest("submitted", 4, 2, 0),
      );
      expect(created.HyperParameterTuningJobArn).toMatch(/hyper-parameter-tuning-job\/submitted$/);
      const again = await fetch(`${a.url}/api/tuning-jobs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(tuningRequest("submitted", 4, 2, 0)),
      });
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({ error: { code: "E_RESOURCE_IN_USE" } });
      const bad = tuningRequest("bad-one", 4, 0, 0);
      const refused = await fetch(`${a.url}/api/tuning-jobs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(bad),
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({
        error: { field: "HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs" },
      });
      expect((await fetch(`${a.url}/api/tuning-jobs/bad-one`)).status).toBe(404);
      const view = await ended(a.url, "submitted");
      expect(view.HyperParameterTuningJobStatus).toBe("Completed");
      const check = await openStore(store);
      try {
        await expectExactlyOnce(check, "submitted", 4);
      } finally {
        await check.close();
      }
    }, 400_000);

    it("answers concurrent clients creating, describing and listing jobs with no 5xx and no write lost", async () => {
      const store = await storeUrl();
      const a = await serve(store, ["--no-controller"]);
      const result = await runLoad({
        url: a.url,
        clients: 10,
        durationMs: 5000,
        prefix: "load",
        request: (name) => ({
          TrainingJobName: name,
          AlgorithmSpecification: {
            TrainingInputMode: "File",
            MetricDefinitions: [{ Name: "val_loss", Regex: "val_loss=(\\S+)" }],
          },
          HyperParameters: { sagemaker_program: '"objective.py"', sagemaker_submit_directory: JSON.stringify(CODE) },
          OutputDataConfig: { S3OutputPath: join(root, "out") },
          ResourceConfig: { InstanceType: "local", InstanceCount: 1 },
          StoppingCondition: { MaxRuntimeInSeconds: 60 },
        }),
      });
      expect(result.failures).toEqual([]);
      expect(result.created.length).toBeGreaterThan(0);
      const check = await openStore(store);
      try {
        const stored = new Set((await check.listTrainingJobs({ standalone: true })).map((j) => j.name));
        expect(result.created.filter((name) => !stored.has(name))).toEqual([]);
      } finally {
        await check.close();
      }
    }, 400_000);

    it("takes over the tuning jobs of a controller killed with SIGKILL: each finishes its budget, nothing twice", async () => {
      const store = await storeUrl();
      const check = await openStore(store);
      try {
        const a = await serve(store);
        for (const name of ["failover-a", "failover-b"]) {
          // Jobs of 4 s: A must still be running them once B has started, on a busy machine too.
          await post(`${a.url}/api/tuning-jobs`, tuningRequest(name, 8, 2, 4));
        }
        // A owns both before B starts, so killing A is killing the owner of both.
        for (const name of ["failover-a", "failover-b"]) {
          await waitFor(`A to own ${name}`, async () => (await ownerPid(check, "tuning-job", name)) === a.pid);
        }
        const b = await serve(store);
        await waitFor("A to have run a job", async () => {
          const jobs = await check.listTrainingJobs({ tuningJobName: "failover-a" });
          return jobs.some((j) => j.startedAt !== null);
        });
        a.signal("SIGKILL");
        for (const name of ["failover-a", "failover-b"]) {
          expect((await check.getTuningJob(name))?.status, "A ran it to its end before it could be killed").toBe(
            "InProgress",
          );
        }
        // A live controller takes over once the dead one's lease expires (within a scan, 2 s, on an idle machine;
        // the limit is generous for a busy one).
        for (const name of ["failover-a", "failover-b"]) {
          await waitFor(
            `B to take ${name} over`,
            async () => (await ownerPid(check, "tuning-job", name)) === b.pid,
            (LEASE_TTL_S + 120) * 1000,
          );
        }
        for (const name of ["failover-a", "failover-b"]) {
          expect((await ended(b.url, name)).HyperParameterTuningJobStatus).toBe("Completed");
          await expectExactlyOnce(check, name, 8);
        }
        const relaunched = (await check.listTrainingJobs({ tuningJobName: "failover-a" })).filter(
          (j) => j.retryAttempt > 0,
        );
        expect(
          relaunched.length +
            (await check.listTrainingJobs({ tuningJobName: "failover-b" })).filter((j) => j.retryAttempt > 0).length,
        ).toBeGreaterThan(0);
        expect(b.output()).toContain("taking it over");
      } finally {
        await check.close();
      }
    }, 600_000);

    it("refuses every write of a controller paused past its lease, which then stands down", async () => {
      const store = await storeUrl();
      const check = await openStore(store);
      try {
        const a = await serve(store);
        await post(`${a.url}/api/tuning-jobs`, tuningRequest("paused", 6, 2, 2));
        await waitFor("A to own the job", async () => (await ownerPid(check, "tuning-job", "paused")) === a.pid);
        await waitFor("A's first jobs to run", async () =>
          (await check.listTrainingJobs({ tuningJobName: "paused" })).some((j) => j.startedAt !== null),
        );
        const b = await serve(store);
        a.signal("SIGSTOP");
        await waitFor(
          "B to take the paused job over",
          async () => (await ownerPid(check, "tuning-job", "paused")) === b.pid,
          (LEASE_TTL_S + 120) * 1000,
        );
        const takenOver = await check.now();
        a.signal("SIGCONT");
        expect((await ended(b.url, "paused")).HyperParameterTuningJobStatus).toBe("Completed");
        await expectExactlyOnce(check, "paused", 6);
        await waitFor("A to stand down", () => a.output().includes("standing down"));
        expect(await api<{ running: string[] }>(`${a.url}/api/controller`)).toEqual(
          expect.objectContaining({ running: [] }),
        );
        // Nothing A wrote after the takeover landed: no log or metric of an attempt that was not current then.
        for (const job of await check.listTrainingJobs({ tuningJobName: "paused" })) {
          const late = (await check.readLog(job.name)).filter(
            (c) => c.timestamp > takenOver && c.attempt < job.retryAttempt,
          );
          expect(
            late,
            `${job.name} (attempt ${job.retryAttempt}): ${JSON.stringify(await check.readLog(job.name))}`,
          ).toEqual([]);
        }
      } finally {
        await check.close();
      }
    }, 600_000);
  });
}

describe.skipIf(postgresBinaries() === undefined)("tunekit serve on a PostgreSQL cluster of the test's own", () => {
  let cluster: PrivateCluster;
  beforeAll(async () => {
    cluster = await PrivateCluster.create(postgresBinaries() as string);
  }, 120_000);
  afterAll(async () => cluster?.destroy());

  it("finishes a tuning job across a restart and a crash of PostgreSQL mid-run: nothing lost, nothing twice", async () => {
    const check = await openStore(cluster.url);
    try {
      const a = await serve(cluster.url);
      await post(`${a.url}/api/tuning-jobs`, tuningRequest("pg-outage", 6, 2, 2));
      await waitFor("the first jobs to run", async () =>
        (await check.listTrainingJobs({ tuningJobName: "pg-outage" })).some((j) => j.startedAt !== null),
      );
      // A clean restart ends every session (57P01); a crash loses nothing committed. Both mid-run, while jobs
      // are writing their logs and metrics and the controller renews its lease.
      await cluster.restart("fast");
      await waitFor("a job to finish after the restart", async () =>
        (await check.listTrainingJobs({ tuningJobName: "pg-outage" })).some((j) => j.status === "Completed"),
      );
      await cluster.restart("immediate");
      expect((await ended(a.url, "pg-outage")).HyperParameterTuningJobStatus).toBe("Completed");
      await expectExactlyOnce(check, "pg-outage", 6);
      // The server never fell over: it answers and still runs its controller.
      expect(await api<{ running: string[] }>(`${a.url}/api/controller`)).toEqual(
        expect.objectContaining({ running: [] }),
      );
    } finally {
      await check.close();
    }
  }, 600_000);
});
