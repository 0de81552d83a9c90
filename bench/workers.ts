// `npm run bench:workers`: what running training jobs on `tunekit worker` processes through BullMQ costs beside
// running them with the local executor, in the same run, on one PostgreSQL store (a throwaway database on
// TUNEKIT_TEST_POSTGRES, default the local server) and a redis-server of the benchmark's own on a free port.
//
// Each row runs --jobs no-op Python training jobs through an executor, keeping as many in flight as it has slots
// (--slots per worker, times 1, 2 and 4 workers; the local executor with the same number at once), the way the
// tuner drives an executor; the two alternate in --rounds blocks, so a change in a shared machine's load weighs
// on both alike. Added cost per job = (wall time through workers − wall time through the local
// executor, at the same concurrency) × concurrency / jobs: what a slot spends per job on the queue. Prints a
// table and writes bench/results/workers-DATE.md. Run it with `nice -n 10` on a shared machine.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { Executor } from "../src/executors/executor.js";
import { LocalExecutor } from "../src/executors/local-executor.js";
import { queueSettings } from "../src/executors/queue/protocol.js";
import { QueueExecutor } from "../src/executors/queue/queue-executor.js";
import { defaultJobSettings } from "../src/jobs/index.js";
import { openStore, type Store } from "../src/store/index.js";
import { throwawayDatabase } from "../test/fixtures/postgres.js";
import { PYTHON, startWorker, type WorkerProcess } from "../test/helpers/fleet.js";
import { startRedis } from "../test/support/redis-server.js";
import { postgresBackends, processCpuMs, redisCpuMs } from "./process-cpu.js";
import { machineDescription, markdownTable } from "./report.js";

const { values: args } = parseArgs({
  options: {
    jobs: { type: "string", default: "1000" },
    slots: { type: "string", default: "2" },
    workers: { type: "string", default: "1,2,4" },
    sandbox: { type: "string", default: "auto" },
    rounds: { type: "string", default: "4" },
    out: { type: "string" },
  },
});
const JOBS = Number(args.jobs);
const SLOTS = Number(args.slots);
const FLEETS = (args.workers as string).split(",").map(Number);
const SANDBOX = args.sandbox as "auto" | "none";
const ROUNDS = Number(args.rounds);
const CODE = new URL("./jobs/", import.meta.url).pathname;

const home = mkdtempSync(join(tmpdir(), "tunekit-bench-workers-"));
const database = await throwawayDatabase("bench_workers");
const store: Store = await openStore(database.url);
const redis = await startRedis();
let runs = 0;

function request(name: string) {
  return {
    TrainingJobName: name,
    AlgorithmSpecification: {
      TrainingInputMode: "File",
      MetricDefinitions: [{ Name: "loss", Regex: "loss=([0-9.]+)" }],
    },
    HyperParameters: {
      sagemaker_program: '"noop.py"',
      sagemaker_submit_directory: JSON.stringify(CODE),
      x: "0.5",
    },
    // Each worker maps the output bucket to a directory of its own (see startWorker); locally, a directory here.
    OutputDataConfig: { S3OutputPath: "s3://tunekit-test/output" },
    ResourceConfig: { InstanceType: "local", InstanceCount: 1 },
    StoppingCondition: { MaxRuntimeInSeconds: 60 },
  };
}

/** Runs `n` jobs through `executor`, `width` in flight at once, as the tuner would; returns the wall time. */
async function drive(executor: Executor, n: number, width: number): Promise<number> {
  const tuning = `bench-${runs++}`;
  await store.createTuningJob({ name: tuning, kind: "tuning-job", config: {}, seed: 1, now: Date.now() });
  let launched = 0;
  let ended = 0;
  const started = performance.now();
  while (ended < n) {
    while (launched < n && launched - ended < width) {
      const name = `${tuning}-${String(launched).padStart(4, "0")}`;
      const record = await store.createTrainingJob({
        name,
        tuningJobName: tuning,
        trialIndex: launched,
        hyperparameters: {},
        request: request(name),
        now: Date.now(),
      });
      executor.reserve();
      await executor.launch(record);
      launched++;
    }
    for (const event of await executor.next(executor.clock.now() + 5000)) {
      if (event.type !== "ended") continue;
      if (event.record.status !== "Completed") throw new Error(`${event.job}: ${event.record.failureReason}`);
      ended++;
    }
  }
  if (process.env.TUNEKIT_BENCH_TIMELINE) {
    const jobs = await store.listTrainingJobs({ tuningJobName: tuning });
    const avg = (f: (j: (typeof jobs)[0]) => number) => (jobs.reduce((a, j) => a + f(j), 0) / jobs.length).toFixed(1);
    const at = (j: (typeof jobs)[0], status: string) =>
      j.statusTransitions.find((t) => t.Status === status)?.StartTime ?? Number.NaN;
    console.error(
      `${tuning}: created→Starting ${avg((j) => at(j, "Starting") - j.createdAt)} ms, Starting→Training ${avg((j) => at(j, "Training") - at(j, "Starting"))} ms, Training→Uploading ${avg((j) => at(j, "Uploading") - at(j, "Training"))} ms, Uploading→end ${avg((j) => (j.endedAt ?? 0) - at(j, "Uploading"))} ms, end→next created ${avg(
        (j) => {
          const next = jobs.find((k) => k.trialIndex === (j.trialIndex ?? 0) + width);
          return next ? next.createdAt - (j.endedAt ?? 0) : 0;
        },
      )} ms`,
    );
  }
  return performance.now() - started;
}

interface Row {
  workers: number;
  width: number;
  localMs: number;
  queueMs: number;
  /** CPU time of this benchmark's processes (itself and its jobs, the workers and theirs, Redis, PostgreSQL). */
  localCpuMs: number;
  queueCpuMs: number;
  /** The same CPU time by kind of process. */
  localByKind: Map<string, number>;
  queueByKind: Map<string, number>;
}

const databaseName = new URL(database.url).pathname.slice(1);
/**
 * CPU time so far of every process the benchmark runs: itself (the controller's side, and the local executor's
 * jobs), the workers (and their jobs), Redis, and the PostgreSQL backends serving its database. On a shared
 * machine this, unlike wall time, does not count what other processes do meanwhile.
 */
async function cpuNow(fleet: readonly WorkerProcess[]): Promise<Map<string, number>> {
  const cpu = new Map<string, number>([["self", processCpuMs(process.pid)]]);
  for (const worker of fleet) cpu.set(`worker ${worker.pid}`, processCpuMs(worker.pid));
  for (const pid of await postgresBackends(database.url, databaseName)) cpu.set(`postgres ${pid}`, processCpuMs(pid));
  cpu.set("redis", redisCpuMs(await redis.cli("INFO", "cpu")));
  return cpu;
}

/** The CPU time spent between two readings (a backend that appeared since counts from zero). */
function cpuSpent(before: Map<string, number>, after: Map<string, number>): number {
  let spent = 0;
  for (const [key, ms] of after) spent += ms - (before.get(key) ?? 0);
  return spent;
}

/** The CPU time spent between two readings by kind of process (self, worker, postgres, redis). */
function cpuByKind(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const by = new Map<string, number>([
    ["self", 0],
    ["worker", 0],
    ["postgres", 0],
    ["redis", 0],
  ]);
  for (const [key, ms] of after) {
    const kind = key.split(" ")[0] as string;
    by.set(kind, (by.get(kind) ?? 0) + ms - (before.get(key) ?? 0));
  }
  return by;
}

/** Adds one block's CPU by kind into a row's running totals. */
function addInto(total: Map<string, number>, block: Map<string, number>): void {
  for (const [kind, ms] of block) total.set(kind, (total.get(kind) ?? 0) + ms);
}

/** Runs a block through an executor, returning its wall time and the CPU it cost, by kind of process. */
async function block(
  executor: Executor,
  n: number,
  width: number,
  fleet: readonly WorkerProcess[],
): Promise<{ wallMs: number; cpuMs: number; byKind: Map<string, number> }> {
  const before = await cpuNow(fleet);
  const wallMs = await drive(executor, n, width);
  const after = await cpuNow(fleet);
  const byKind = cpuByKind(before, after);
  console.error(
    `${executor.constructor.name}: ${n} jobs, CPU per job, ms: ${[...byKind].map(([k, v]) => `${k} ${(v / n).toFixed(1)}`).join(", ")}`,
  );
  return { wallMs, cpuMs: cpuSpent(before, after), byKind };
}
const rows: Row[] = [];
const settings = (dir: string) =>
  defaultJobSettings(join(home, dir), {
    python: PYTHON,
    sandbox: SANDBOX,
    s3Map: [{ prefix: "s3://tunekit-test/output", dir: join(home, dir, "output") }],
    resources: { cpus: 1, gpus: [] },
  });

for (const count of FLEETS) {
  const width = count * SLOTS;
  const local = new LocalExecutor(store, settings(`local-${count}`), { concurrency: width });
  await drive(local, Math.min(20, JOBS), width); // warm: interpreter caches, JIT

  const queue = queueSettings(redis.url, { name: `bench-${count}` });
  const fleet: WorkerProcess[] = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      startWorker(home, `bench-${count}-${i}`, {
        queue: redis.url,
        store: database.url,
        slots: SLOTS,
        lockSeconds: 30,
        // A worker's default heartbeat (the test helper's is shorter).
        extraArgs: ["--queue-name", queue.name, "--sandbox", SANDBOX, "--heartbeat-seconds", "2"],
      }),
    ),
  );
  const remote = new QueueExecutor(store, settings(`controller-${count}`), { queue });
  // A failed run must not leave worker processes behind.
  process.once("exit", () => {
    for (const worker of fleet) worker.signal("SIGKILL");
  });
  await drive(remote, Math.min(20, JOBS), width);
  // The two alternate in ROUNDS blocks, so a change in the machine's load (it is shared) weighs on both alike.
  let localMs = 0;
  let queueMs = 0;
  let localCpuMs = 0;
  let queueCpuMs = 0;
  const localByKind = new Map<string, number>();
  const queueByKind = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    const n = Math.round((JOBS * (round + 1)) / ROUNDS) - Math.round((JOBS * round) / ROUNDS);
    const here = await block(local, n, width, fleet);
    const there = await block(remote, n, width, fleet);
    localMs += here.wallMs;
    localCpuMs += here.cpuMs;
    queueMs += there.wallMs;
    queueCpuMs += there.cpuMs;
    addInto(localByKind, here.byKind);
    addInto(queueByKind, there.byKind);
  }
  await local.close();
  await remote.close();
  // Asked to leave (SIGTERM: it deregisters, and a profiled worker writes its profile), then made to.
  for (const worker of fleet) {
    const gone = new Promise((resolve) => worker.child.once("exit", resolve));
    worker.signal("SIGTERM");
    await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    await worker.stop();
  }
  rows.push({ workers: count, width, localMs, queueMs, localCpuMs, queueCpuMs, localByKind, queueByKind });
  console.error(
    `${count} worker(s), ${width} at once: local ${localMs.toFixed(0)} ms, workers ${queueMs.toFixed(0)} ms for ${JOBS} jobs`,
  );
}

await store.close();
await redis.close();
await database.drop();
rmSync(home, { recursive: true, force: true });

const header = [
  "workers",
  "jobs at once",
  "jobs",
  "local executor, s",
  "workers, s",
  "added cost per job, ms",
  "local jobs/s",
  "workers jobs/s",
  "CPU per job, local, ms",
  "CPU per job, workers, ms",
  "added CPU per job, ms",
];
const lines = rows.map((r) => [
  String(r.workers),
  String(r.width),
  String(JOBS),
  (r.localMs / 1000).toFixed(1),
  (r.queueMs / 1000).toFixed(1),
  (((r.queueMs - r.localMs) * r.width) / JOBS).toFixed(1),
  ((JOBS * 1000) / r.localMs).toFixed(1),
  ((JOBS * 1000) / r.queueMs).toFixed(1),
  (r.localCpuMs / JOBS).toFixed(1),
  (r.queueCpuMs / JOBS).toFixed(1),
  ((r.queueCpuMs - r.localCpuMs) / JOBS).toFixed(1),
]);
const table = markdownTable(header, lines);
console.log(table);
const kinds = ["self", "worker", "postgres", "redis"];
const perJob = (by: Map<string, number>) => kinds.map((k) => ((by.get(k) ?? 0) / JOBS).toFixed(1));
const byProcess = markdownTable(
  ["workers", ...kinds.map((k) => `local: ${k}`), ...kinds.map((k) => `workers: ${k}`)],
  rows.map((r) => [String(r.workers), ...perJob(r.localByKind), ...perJob(r.queueByKind)]),
);
console.log(byProcess);
const date = new Date().toISOString().slice(0, 10);
const out = args.out ?? `workers-${date}.md`;
const command = `nice -n 10 npm run bench:workers -- --jobs ${JOBS} --slots ${SLOTS} --workers ${FLEETS.join(",")} --sandbox ${SANDBOX} --rounds ${ROUNDS}${args.out ? ` --out ${out}` : ""}`;
writeFileSync(
  out.startsWith("/") ? out : new URL(`./results/${out}`, import.meta.url),
  `# bench:workers, ${date}\n\nCommand: \`${command}\`\n\nMachine: ${machineDescription()} (${hostname()}), load average when it ended ${(
    await import("node:os")
  )
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(
      " ",
    )}\n\nNo-op Python training jobs (bench/jobs/noop.py) on one PostgreSQL store; each row runs the same jobs through the local executor and through \`tunekit worker\` processes taking them from BullMQ on a local redis-server, as many in flight as the workers have slots, the two alternating in ${ROUNDS} blocks so the load of the shared machine weighs on both alike. Added cost per job = (workers − local) × jobs at once / jobs: what a slot spends per job on the queue, which on a machine with fewer cores than jobs at once also counts the waits for a core. CPU per job: the CPU time of every process of the benchmark (itself with the local executor's jobs, the workers with theirs, Redis, the PostgreSQL backends of its database) over the jobs, which the machine's other work does not enter.\n\n${table}\n\nCPU per job by process, ms, over all blocks: "self" is the benchmark's own process (with the local executor it runs the jobs, their Python processes included; with workers it only dispatches and follows them), "worker" the worker processes with their jobs, "postgres" the backends of its database, "redis" the queue's server.\n\n${byProcess}\n`,
);
