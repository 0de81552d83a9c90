import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type PostgresStore, type TrainingJobRecord } from "../src/store/index.js";
import { type ThrowawayDatabase, throwawayDatabase } from "./fixtures/postgres.js";
import { PYTHON, startTunekit, startWorker, type TunekitProcess, type WorkerProcess } from "./helpers/fleet.js";
import { api, post, waitFor } from "./helpers/serve.js";
import { startRedis, type TestRedis } from "./support/redis-server.js";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy.js";

/**
 * Training jobs on worker machines: `tunekit serve --executor queue` dispatching through BullMQ on a redis-server
 * of the test's own (a free port, never the shared 6379) to `tunekit worker` processes, each with its own work
 * directory, all sharing a throwaway PostgreSQL database. The code reaches the workers only as a source bundle in
 * the store: the directory it comes from is mapped on the controller alone. A worker's lock lives 3 s here (30 s
 * by default) so a lost worker is noticed quickly.
 */
const CODE = fileURLToPath(new URL("./fixtures/jobs/workers/", import.meta.url));
const MAIN = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));

/** `tunekit ARGS` to its end. */
function cli(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], { encoding: "utf8", timeout: 120_000 });
}
const LOCK_S = 3;
/** The first suite's directory: made when it starts, so a run that filters it out leaves nothing behind. */
let root: string;
let counter = 0;

// biome-ignore lint/suspicious/noExplicitAny: requests are built field by field.
type Request = Record<string, any>;

interface Shape {
  jobs: number;
  parallel: number;
  epochs: number;
  sleep: number;
  strategy?: "Bayesian" | "Random";
  earlyStopping?: boolean;
}

/** A CreateHyperParameterTuningJob request for the tiny script; `probe` counts the processes that ran each job. */
function tuningRequest(name: string, shape: Shape, probe: string): Request {
  return {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobConfig: {
      Strategy: shape.strategy ?? "Random",
      RandomSeed: 11,
      HyperParameterTuningJobObjective: { Type: "Minimize", MetricName: "loss" },
      ResourceLimits: { MaxNumberOfTrainingJobs: shape.jobs, MaxParallelTrainingJobs: shape.parallel },
      ParameterRanges: {
        ContinuousParameterRanges: [
          { Name: "learning_rate", MinValue: "0.0001", MaxValue: "0.1", ScalingType: "Logarithmic" },
        ],
      },
      TrainingJobEarlyStoppingType: shape.earlyStopping ? "Auto" : "Off",
    },
    TrainingJobDefinition: {
      AlgorithmSpecification: {
        TrainingImage: "local",
        TrainingInputMode: "File",
        MetricDefinitions: [{ Name: "loss", Regex: "loss=([0-9\\.]+)" }],
      },
      StaticHyperParameters: {
        epochs: String(shape.epochs),
        sleep: String(shape.sleep),
        probe,
        sagemaker_program: '"train.py"',
        sagemaker_submit_directory: '"s3://tunekit-test/code"',
      },
      RoleArn: "arn:aws:iam::123456789012:role/SageMakerRole",
      OutputDataConfig: { S3OutputPath: "s3://tunekit-test/output" },
      ResourceConfig: { InstanceType: "ml.m5.large", InstanceCount: 1, VolumeSizeInGB: 1 },
      StoppingCondition: { MaxRuntimeInSeconds: 600 },
    },
    // The code directory is a path on the controller's machine only; workers get it as a bundle from the store.
    TunekitRunOptions: {
      baseDir: root,
      python: PYTHON,
      stopGraceMs: 2000,
      s3Map: [{ prefix: "s3://tunekit-test/code", dir: CODE }],
    },
  };
}

interface Describe {
  HyperParameterTuningJobStatus: string;
}

/** How many processes ran each job (the script leaves one file per process in the probe directory). */
function processesPerJob(probe: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const file of readdirSync(probe)) {
    const job = file.slice(0, file.lastIndexOf("."));
    counts.set(job, (counts.get(job) ?? 0) + 1);
  }
  return counts;
}

const ranOn = (job: TrainingJobRecord, workers: readonly WorkerProcess[]) =>
  workers.find((w) => job.jobDir?.startsWith(`${w.dir}/`))?.name;

describe("training jobs on workers through BullMQ", () => {
  let redis: TestRedis;
  let database: ThrowawayDatabase;
  let store: PostgresStore;
  let controller: TunekitProcess & { match: RegExpExecArray };
  let url: string;
  const workers: WorkerProcess[] = [];
  const extra: TunekitProcess[] = [];

  const worker = (name: string, storeUrl = database.url) =>
    startWorker(root, name, { queue: redis.url, store: storeUrl, slots: 2, lockSeconds: LOCK_S });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "tunekit-workers-"));
    redis = await startRedis();
    database = await throwawayDatabase("workers");
    store = (await openStore(database.url)) as PostgresStore;
    controller = await startTunekit(
      "controller",
      [
        "serve",
        "--port",
        "0",
        "--store",
        database.url,
        "--executor",
        "queue",
        "--queue",
        redis.url,
        "--lease-ttl",
        "6",
      ],
      /tunekit console on (http:\/\/\S+?)\/(\s|\?)/,
      { env: { TUNEKIT_HOME: join(root, "controller-home") } },
    );
    url = controller.match[1] as string;
    workers.push(...(await Promise.all(["w1", "w2", "w3"].map((name) => worker(name)))));
  }, 120_000);

  afterAll(async () => {
    for (const p of [controller, ...workers, ...extra]) await p?.stop();
    await store?.close();
    await redis?.close();
    await database?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  async function submit(shape: Shape): Promise<{ name: string; probe: string }> {
    const name = `fleet-${counter++}`;
    const probe = join(root, "probes", name);
    await post(`${url}/api/tuning-jobs`, tuningRequest(name, shape, probe));
    return { name, probe };
  }

  const status = async (name: string) =>
    (await api<Describe>(`${url}/api/tuning-jobs/${name}`)).HyperParameterTuningJobStatus;

  const children = (name: string) => store.listTrainingJobs({ tuningJobName: name });

  async function ended(name: string, want = "Completed"): Promise<TrainingJobRecord[]> {
    await waitFor(`${name} to end`, async () => {
      const now = await status(name);
      if (now !== "InProgress" && now !== "Stopping" && now !== want) {
        throw new Error(`${name} ended ${now}:\n${controller.output()}`);
      }
      return now === want;
    });
    return children(name);
  }

  /** A training job of `name` running its process on `on` (or anywhere), with at least one metric point. */
  async function runningOn(name: string, on?: WorkerProcess): Promise<TrainingJobRecord> {
    return waitFor(`a job of ${name} training on ${on?.name ?? "a worker"}`, async () => {
      for (const job of await children(name)) {
        if (job.status !== "InProgress" || job.secondaryStatus !== "Training") continue;
        if (on && !job.jobDir?.startsWith(`${on.dir}/`)) continue;
        if ((await store.listMetricPoints(job.name)).length > 0) return job;
      }
      return undefined;
    });
  }

  it("runs a seed-shaped tuning job (30 jobs, 3 at once, Bayesian, early stopping) across 3 workers: exactly 30 jobs, never more than 3 running", async () => {
    const { name, probe } = await submit({
      jobs: 30,
      parallel: 3,
      epochs: 5,
      sleep: 0.15,
      strategy: "Bayesian",
      earlyStopping: true,
    });
    // Sampled from the store, which every worker writes: jobs whose process is running.
    let most = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const training = (await children(name)).filter(
          (j) => (j.status === "InProgress" || j.status === "Stopping") && j.secondaryStatus === "Training",
        );
        most = Math.max(most, training.length);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const jobs = await ended(name);
    sampling = false;
    await sampler;
    expect(jobs).toHaveLength(30);
    expect(jobs.map((j) => j.trialIndex).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([...Array(30).keys()]);
    expect(jobs.every((j) => j.status === "Completed" || j.status === "Stopped")).toBe(true);
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBe(3);
    // Every job ran once, and the three workers shared them.
    expect([...processesPerJob(probe).values()].every((n) => n === 1)).toBe(true);
    expect(processesPerJob(probe).size).toBe(30);
    expect(new Set(jobs.map((j) => ranOn(j, workers))).size).toBe(3);
    // The workers listing: each worker, its slots, and a recent heartbeat.
    const fleet = await api<{ Workers: { Name: string; Slots: number; Status: string }[] }>(`${url}/api/workers`);
    expect(fleet.Workers.map((w) => [w.Name, w.Slots, w.Status])).toEqual([
      ["w1", 2, "Active"],
      ["w2", 2, "Active"],
      ["w3", 2, "Active"],
    ]);
    // A remote job's log is read from the store, as a local one's.
    const log = await api<{ events: { message: string }[] }>(
      `${url}/api/training-jobs/${(jobs[0] as TrainingJobRecord).name}/logs`,
    ).catch(() => undefined);
    if (log) expect(JSON.stringify(log)).toContain("loss=");
  }, 300_000);

  /** A CreateTrainingJob request for the tiny script: `epochs` lines, `sleep` seconds apart. */
  function standalone(name: string, epochs: number, sleep = 0.1): Request {
    const definition = tuningRequest("unused", { jobs: 1, parallel: 1, epochs, sleep }, join(root, "probes", name));
    return {
      TrainingJobName: name,
      ...definition.TrainingJobDefinition,
      HyperParameters: definition.TrainingJobDefinition.StaticHyperParameters,
      StaticHyperParameters: undefined,
      TunekitRunOptions: definition.TunekitRunOptions,
    };
  }

  it("runs a standalone training job on a worker, its log live in the store, and stops one on request and one at MaxRuntimeInSeconds", async () => {
    const job = (name: string, epochs: number) => standalone(name, epochs);
    await post(`${url}/api/training-jobs`, job("solo-done", 3));
    const done = await waitFor("solo-done to complete", async () => {
      const record = await store.getTrainingJob("solo-done");
      if (record?.status === "Failed") throw new Error(record.failureReason ?? "failed");
      return record?.status === "Completed" ? record : undefined;
    });
    expect(ranOn(done, workers)).toBeDefined();
    const log = await api<{ chunks?: unknown; events?: unknown }>(`${url}/api/training-jobs/solo-done/logs`);
    expect(JSON.stringify(log)).toContain("loss=");
    await post(`${url}/api/training-jobs`, job("solo-stopped", 1000));
    await waitFor("solo-stopped to train", async () => (await store.listMetricPoints("solo-stopped")).length > 0);
    await post(`${url}/api/training-jobs/solo-stopped/stop`, {});
    await waitFor(
      "solo-stopped to stop",
      async () => (await store.getTrainingJob("solo-stopped"))?.status === "Stopped",
    );
    // MaxRuntimeInSeconds is enforced on the worker, as locally.
    await post(`${url}/api/training-jobs`, {
      ...job("solo-overtime", 1000),
      StoppingCondition: { MaxRuntimeInSeconds: 1 },
    });
    const overtime = await waitFor("solo-overtime to stop", async () => {
      const record = await store.getTrainingJob("solo-overtime");
      return record?.status === "Stopped" ? record : undefined;
    });
    expect(overtime.stopReason).toBe("MaxRuntimeExceeded");
  }, 300_000);

  it("runs a standalone job once when Redis loses its entry mid-run: its worker holds the run's lease, its controller the job's", async () => {
    await post(`${url}/api/training-jobs`, standalone("solo-flushed", 16, 0.5));
    await waitFor("solo-flushed to train", async () => (await store.listMetricPoints("solo-flushed")).length > 0);
    // The controller's lease fences the job's writes; the worker running the process holds the run's and records it.
    const own = await store.getLease("training-job", "solo-flushed");
    const run = await store.getLease("training-run", "solo-flushed");
    expect(own).toMatchObject({ pid: controller.pid, pgid: null });
    expect(workers.map((w) => String(w.pid))).toContain(run?.owner.split(":")[1]);
    expect(run?.pgid).toBeGreaterThan(0);
    // Its entry is dispatched again and handed to a worker: that worker must see the run is held and leave it.
    expect(await redis.cli("FLUSHALL")).toBe("OK");
    const done = await waitFor("solo-flushed to complete", async () => {
      const record = await store.getTrainingJob("solo-flushed");
      if (record?.status === "Failed") throw new Error(record.failureReason ?? "failed");
      return record?.status === "Completed" ? record : undefined;
    });
    expect(controller.output()).toMatch(
      /training job solo-flushed: attempt 1 is no longer queued; dispatching it again/,
    );
    expect(done.retryAttempt).toBe(0);
    expect([...processesPerJob(join(root, "probes", "solo-flushed")).values()]).toEqual([1]);
    expect(await store.getLease("training-run", "solo-flushed")).toBeUndefined();
  }, 300_000);

  it("runs `tunekit tune --executor queue` on the workers, and `tunekit workers` lists them", async () => {
    const name = `cli-tune-${counter++}`;
    const request = tuningRequest(name, { jobs: 4, parallel: 2, epochs: 2, sleep: 0.1 }, join(root, "probes", name));
    delete request.TunekitRunOptions;
    const file = join(root, `${name}.json`);
    writeFileSync(file, JSON.stringify(request));
    const tune = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        MAIN,
        "tune",
        file,
        "--quiet",
        "--store",
        database.url,
        "--executor",
        "queue",
        "--queue",
        redis.url,
        "--python",
        PYTHON,
        "--s3-map",
        `s3://tunekit-test/code=${CODE}`,
      ],
      { encoding: "utf8", env: { ...process.env, TUNEKIT_HOME: join(root, "cli-home") }, timeout: 240_000 },
    );
    expect(tune.status, tune.stdout + tune.stderr).toBe(0);
    const jobs = await children(name);
    expect(jobs.map((j) => j.status)).toEqual(Array(4).fill("Completed"));
    expect(jobs.every((j) => ranOn(j, workers) !== undefined)).toBe(true);

    const table = cli("workers", "--store", database.url);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+HOST\s+STATUS\s+SLOTS\s+GPUS\s+RUNNING\s+LAST HEARTBEAT/);
    for (const w of ["w1", "w2", "w3"]) expect(table.stdout).toMatch(new RegExp(`^${w}\\s+\\S+\\s+Active\\s+0/2`, "m"));
    const listed = JSON.parse(cli("workers", "--store", database.url, "--json").stdout) as {
      Workers: { Name: string; Pid: number; RunningJobs: unknown[] }[];
    };
    expect(listed.Workers.map((w) => w.Name)).toEqual(["w1", "w2", "w3"]);
  }, 300_000);

  it("runs a job again on another worker when its worker is killed (SIGKILL), as its next attempt, once", async () => {
    const { name, probe } = await submit({ jobs: 4, parallel: 2, epochs: 12, sleep: 0.5 });
    // Whichever worker has a job running: BullMQ may hand all four to the others.
    const job = await runningOn(name);
    const victim = workers.find((w) => job.jobDir?.startsWith(`${w.dir}/`)) as WorkerProcess;
    const killedAt = performance.now();
    victim.signal("SIGKILL");
    const again = await waitFor(`${job.name} to run again elsewhere`, async () => {
      const now = await store.getTrainingJob(job.name);
      return now && now.retryAttempt === 1 && now.secondaryStatus === "Training" && ranOn(now, workers)
        ? now
        : undefined;
    });
    const seconds = (performance.now() - killedAt) / 1000;
    process.stdout.write(
      `worker killed: ${job.name} ran again on ${ranOn(again, workers)} after ${seconds.toFixed(1)} s\n`,
    );
    expect(ranOn(again, workers)).not.toBe(victim.name);
    const jobs = await ended(name);
    expect(jobs).toHaveLength(4);
    for (const j of jobs) {
      expect(j.status).toBe("Completed");
      expect(j.objectiveStatus).toBe("Succeeded");
      // One result per job: its points are its last attempt's only.
      expect((await store.listMetricPoints(j.name)).every((p) => p.attempt === j.retryAttempt)).toBe(true);
      expect(processesPerJob(probe).get(j.name)).toBe(j.retryAttempt + 1);
    }
    expect(jobs.find((j) => j.name === job.name)?.retryAttempt).toBe(1);
    workers[workers.indexOf(victim)] = await worker(`${basename(victim.dir)}b`);
  }, 300_000);

  it("refuses a worker's late results once it was paused past its lock (SIGSTOP, SIGCONT), and ends its process", async () => {
    const { name } = await submit({ jobs: 2, parallel: 2, epochs: 12, sleep: 0.5 });
    const job = await runningOn(name);
    const index = workers.findIndex((w) => w.name === ranOn(job, workers));
    const paused = workers[index] as WorkerProcess;
    paused.signal("SIGSTOP");
    const again = await waitFor(`${job.name} to run again elsewhere`, async () => {
      const now = await store.getTrainingJob(job.name);
      return now && now.retryAttempt === 1 && now.secondaryStatus === "Training" ? now : undefined;
    });
    expect(ranOn(again, workers)).not.toBe(paused.name);
    paused.signal("SIGCONT");
    await waitFor("the resumed worker to end its stale attempt", () => /runs elsewhere now/.test(paused.output()));
    const jobs = await ended(name);
    const record = jobs.find((j) => j.name === job.name) as TrainingJobRecord;
    expect(record).toMatchObject({ status: "Completed", retryAttempt: 1 });
    expect((await store.listMetricPoints(job.name)).every((p) => p.attempt === 1)).toBe(true);
    // Nothing of attempt 0 landed after attempt 1 began.
    const attempts = (await store.readLog(job.name)).map((c) => c.attempt);
    expect(attempts.slice(attempts.indexOf(1))).not.toContain(0);
  }, 300_000);

  it("completes with nothing lost or run twice when Redis restarts empty mid-run, and after FLUSHALL", async () => {
    const { name, probe } = await submit({ jobs: 6, parallel: 2, epochs: 8, sleep: 0.4 });
    await runningOn(name);
    await redis.restart();
    await waitFor(`a third job of ${name}`, async () => (await children(name)).length >= 3);
    await runningOn(name);
    expect(await redis.cli("FLUSHALL")).toBe("OK");
    const jobs = await ended(name);
    expect(jobs).toHaveLength(6);
    expect(jobs.every((j) => j.status === "Completed" && j.retryAttempt === 0)).toBe(true);
    expect([...processesPerJob(probe).values()]).toEqual([1, 1, 1, 1, 1, 1]);
  }, 300_000);

  it("stops every job of a stopped tuning job on every worker", async () => {
    const { name } = await submit({ jobs: 6, parallel: 6, epochs: 400, sleep: 0.5 });
    await waitFor(`six jobs of ${name} training on three workers`, async () => {
      const training = (await children(name)).filter((j) => j.secondaryStatus === "Training");
      return training.length === 6 && new Set(training.map((j) => ranOn(j, workers))).size === 3;
    });
    const asked = performance.now();
    await post(`${url}/api/tuning-jobs/${name}/stop`, {});
    const jobs = await ended(name, "Stopped");
    process.stdout.write(
      `stop: all 6 jobs Stopped ${((performance.now() - asked) / 1000).toFixed(1)} s after the request\n`,
    );
    expect(jobs.map((j) => j.status)).toEqual(Array(6).fill("Stopped"));
  }, 300_000);

  it("a worker that cannot reach the store stops taking jobs, and takes them again once it can", async () => {
    const pg = new URL(database.url);
    const proxy: TcpProxy = await startTcpProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
    pg.hostname = proxy.host;
    pg.port = String(proxy.port);
    const cutOff = await worker("cut-off", pg.toString());
    extra.push(cutOff);
    try {
      proxy.cut();
      await waitFor("the cut-off worker to stop taking jobs", () => /cannot reach the store/.test(cutOff.output()));
      const { name } = await submit({ jobs: 4, parallel: 4, epochs: 2, sleep: 0.1 });
      const jobs = await ended(name);
      expect(jobs.map((j) => ranOn(j, [...workers, cutOff]))).not.toContain("cut-off");
      proxy.restore();
      await waitFor("the worker to take jobs again", () => /the store answers again/.test(cutOff.output()));
    } finally {
      await cutOff.stop();
      await proxy.close();
    }
  }, 300_000);
});

/** Runs a command as root would (ip netns, ip link); its failure text, or undefined when it worked. */
function sh(...argv: string[]): string | undefined {
  const run = spawnSync(argv[0] as string, argv.slice(1), { encoding: "utf8" });
  return run.status === 0 ? undefined : `${argv.join(" ")}: ${run.stderr || run.error?.message || run.status}`;
}

/**
 * The controller and each worker in a network namespace of its own, joined by veth pairs to a bridge with private
 * addresses: no process can reach another through loopback, and Redis and PostgreSQL are reached at the bridge's
 * address (PostgreSQL through a forwarder, as it listens on loopback). Each worker has its own work directory, and
 * the code is mapped on the controller alone, so nothing leans on a shared path or on loopback.
 */
const tag = `${process.pid % 1000}${Math.floor(Math.random() * 100)}`;
const netnsRefused = (() => {
  const probe = `tkprobe${tag}`;
  const refused = sh("ip", "netns", "add", probe);
  if (!refused) sh("ip", "netns", "del", probe);
  return refused;
})();
if (netnsRefused) {
  process.stdout.write(`skipping the network namespace test: ip netns is not permitted here (${netnsRefused})\n`);
}

describe.skipIf(netnsRefused !== undefined)("controller and workers in network namespaces of their own", () => {
  const subnet = `10.${200 + (process.pid % 50)}.${Math.floor(Math.random() * 250) + 1}`;
  const bridge = `tkbr${tag}`;
  const spaces = ["ctl", "w1", "w2", "w3"].map((role, i) => ({
    role,
    ns: `tk${role}${tag}`,
    host: `veth${i}h${tag}`,
    peer: `veth${i}p${tag}`,
    address: `${subnet}.${10 + i}`,
  }));
  const processes: TunekitProcess[] = [];
  let redis: TestRedis;
  let proxy: TcpProxy;
  let database: ThrowawayDatabase;
  let store: PostgresStore;
  let nsRoot: string;

  beforeAll(async () => {
    nsRoot = mkdtempSync(join(tmpdir(), "tunekit-netns-"));
    const failed =
      sh("ip", "link", "add", bridge, "type", "bridge") ??
      sh("ip", "addr", "add", `${subnet}.1/24`, "dev", bridge) ??
      sh("ip", "link", "set", bridge, "up");
    if (failed) throw new Error(failed);
    for (const s of spaces) {
      const step =
        sh("ip", "netns", "add", s.ns) ??
        sh("ip", "link", "add", s.host, "type", "veth", "peer", "name", s.peer) ??
        sh("ip", "link", "set", s.peer, "netns", s.ns) ??
        sh("ip", "link", "set", s.host, "master", bridge) ??
        sh("ip", "link", "set", s.host, "up") ??
        sh("ip", "netns", "exec", s.ns, "ip", "addr", "add", `${s.address}/24`, "dev", s.peer) ??
        sh("ip", "netns", "exec", s.ns, "ip", "link", "set", s.peer, "up") ??
        sh("ip", "netns", "exec", s.ns, "ip", "link", "set", "lo", "up");
      if (step) throw new Error(step);
    }
    redis = await startRedis({ bind: `${subnet}.1`, host: `${subnet}.1`, password: `p${tag}` });
    database = await throwawayDatabase("netns");
    store = (await openStore(database.url)) as PostgresStore;
    const pg = new URL(database.url);
    proxy = await startTcpProxy({ host: pg.hostname, port: Number(pg.port || 5432) }, { host: `${subnet}.1` });
  }, 120_000);

  afterAll(async () => {
    for (const p of processes) await p.stop();
    await store?.close();
    await redis?.close();
    await proxy?.close();
    await database?.drop();
    for (const s of spaces) sh("ip", "netns", "del", s.ns);
    sh("ip", "link", "del", bridge);
    if (nsRoot) rmSync(nsRoot, { recursive: true, force: true });
  });

  it("runs a tuning job whose controller and workers share neither a path nor a loopback", async () => {
    const pg = new URL(database.url);
    pg.hostname = proxy.host;
    pg.port = String(proxy.port);
    const storeUrl = pg.toString();
    const [ctl, ...workerSpaces] = spaces as [(typeof spaces)[0], ...typeof spaces];
    const token = `t${tag}`;
    const controller = await startTunekit(
      "controller (netns)",
      [
        "serve",
        "--host",
        ctl.address,
        "--port",
        "0",
        "--token",
        token,
        "--store",
        storeUrl,
        "--executor",
        "queue",
        "--queue",
        redis.url,
      ],
      /tunekit console on (http:\/\/\S+?)\/(\s|\?)/,
      // On a network address the SageMaker API needs access keys, as a real deployment gives it.
      {
        netns: ctl.ns,
        env: { TUNEKIT_HOME: join(nsRoot, "controller-home"), TUNEKIT_AWS_ACCESS_KEYS: `AKIATEST:${token}` },
      },
    );
    processes.push(controller);
    const fleet = await Promise.all(
      workerSpaces.map((s) =>
        startWorker(nsRoot, `ns-${s.role}`, {
          queue: redis.url,
          store: storeUrl,
          slots: 1,
          lockSeconds: LOCK_S,
          netns: s.ns,
        }),
      ),
    );
    processes.push(...fleet);
    const url = controller.match[1] as string;
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const name = "netns-tune";
    const probe = join(nsRoot, "probe");
    const response = await fetch(`${url}/api/tuning-jobs`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify(tuningRequest(name, { jobs: 6, parallel: 3, epochs: 3, sleep: 0.2 }, probe)),
    });
    expect(response.status, await response.text()).toBeLessThan(300);
    await waitFor(`${name} to complete`, async () => {
      const job = await store.getTuningJob(name);
      if (job?.status === "Failed") throw new Error(`${job.failureReason}\n${controller.output()}`);
      return job?.status === "Completed";
    });
    const jobs = await store.listTrainingJobs({ tuningJobName: name });
    expect(jobs).toHaveLength(6);
    expect(jobs.every((j) => j.status === "Completed")).toBe(true);
    expect(new Set(jobs.map((j) => ranOn(j, fleet))).size).toBeGreaterThanOrEqual(2);
    const workersSeen = (await (await fetch(`${url}/api/workers`, { headers: auth })).json()) as {
      Workers: { Name: string; Status: string }[];
    };
    expect(workersSeen.Workers.map((w) => w.Name)).toEqual(["ns-w1", "ns-w2", "ns-w3"]);
  }, 300_000);
});

describe("the worker's command line", () => {
  it("refuses bad flags naming the field: no queue, a queue that is not Redis, more slots than GPUs, a bad name", () => {
    const cases: [string[], RegExp][] = [
      [["worker", "--store", "/tmp/x.db"], /queue: give the queue's Redis/],
      [
        ["worker", "--queue", "http://x:6379", "--store", "/tmp/x.db"],
        /queue: must be a redis:\/\/ or rediss:\/\/ URL/,
      ],
      [
        ["worker", "--queue", "redis://x:6379", "--gpus", "0,1", "--slots", "3"],
        /slots: 3 jobs at once need as many GPUs/,
      ],
      [["worker", "--queue", "redis://x:6379", "--name", "a b"], /name: must be letters, digits/],
      [["serve", "--executor", "queue", "--port", "0"], /queue: --executor queue needs the queue's Redis/],
      [["serve", "--executor", "remote", "--port", "0"], /executor: must be local or queue/],
    ];
    for (const [args, message] of cases) {
      const run = cli(...args);
      expect(run.status, `${args.join(" ")}: ${run.stdout}${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });
});
