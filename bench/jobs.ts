// `npm run bench:jobs`: what running a script as a tunekit training job costs
// beyond running the script itself, one at a time and 8 at a time, beside
// Syne Tune's LocalBackend in the same run, on an SQLite store and on a PostgreSQL one (a throwaway database on
// TUNEKIT_TEST_POSTGRES, default the local server). Prints a table and writes bench/results/jobs-DATE.md.
//
// Overhead per job = (wall time through the system − wall time running the same
// scripts directly, at the same concurrency) × concurrency / jobs: the time a
// worker slot spends per job on the system rather than on the script.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { systemClock } from "../src/clock.js";
import { defaultJobSettings } from "../src/jobs/index.js";
import { runTrainingJobHere } from "../src/services/submit.js";
import { openStore, SqliteStore, type Store } from "../src/store/index.js";
import { type ThrowawayDatabase, throwawayDatabase } from "../test/fixtures/postgres.js";
import { machineDescription, markdownTable } from "./report.js";

const { values: args } = parseArgs({
  options: {
    jobs: { type: "string", default: "200" },
    sequential: { type: "string", default: "30" },
    workers: { type: "string", default: "8" },
    python: { type: "string", default: process.env.TUNEKIT_BENCH_PYTHON ?? "/usr/bin/python3" },
    "syne-tune-source": { type: "string", default: process.env.SYNE_TUNE_SOURCE },
    // Which stores the tunekit rows run on: sqlite, postgres, or both (the ratio between them is printed).
    stores: { type: "string", default: "sqlite,postgres" },
    // Rounds: each row is measured once per round, the stores' rows interleaved, and the medians reported, so a
    // burst of other work on the machine moves one round's figure, not the table.
    rounds: { type: "string", default: "3" },
  },
});
const JOBS = Number(args.jobs);
const SEQUENTIAL = Number(args.sequential);
const WORKERS = Number(args.workers);
const ROUNDS = Math.max(1, Number(args.rounds));
const PYTHON = args.python as string;
const here = new URL("./jobs/", import.meta.url).pathname;

function runDirect(argv: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { cwd: here, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.resume();
    child.stderr.resume();
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${argv.join(" ")} exited ${code}`))));
  });
}

async function pool(n: number, width: number, task: (i: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) await task(next++);
    }),
  );
  return performance.now() - started;
}

const home = mkdtempSync(join(tmpdir(), "tunekit-bench-jobs-"));
const STORES = (args.stores as string).split(",");
for (const s of STORES) if (s !== "sqlite" && s !== "postgres") throw new Error("--stores: sqlite, postgres or both");
const sqlite = new SqliteStore(join(home, "tunekit.db"));
const database: ThrowawayDatabase | undefined = STORES.includes("postgres")
  ? await throwawayDatabase("bench_jobs")
  : undefined;
const postgres: Store | undefined = database ? await openStore(database.url) : undefined;
let counter = 0;

function request(program: string) {
  return {
    TrainingJobName: `bench-${counter++}`,
    AlgorithmSpecification: {
      TrainingInputMode: "File",
      MetricDefinitions: [{ Name: "loss", Regex: "loss=([0-9.]+)" }],
    },
    HyperParameters: { sagemaker_program: program, sagemaker_submit_directory: here, x: "0.5" },
    OutputDataConfig: { S3OutputPath: join(home, "out") },
    ResourceConfig: { InstanceType: "local", InstanceCount: 1 },
  };
}

async function runTunekit(store: Store, program: string, sandbox: "auto" | "none") {
  const settings = defaultJobSettings(home, { python: PYTHON, sandbox, resources: { cpus: 1, gpus: [] } });
  const record = await runTrainingJobHere(store, request(program), settings, systemClock);
  if (record.status !== "Completed") throw new Error(`${record.name}: ${record.failureReason}`);
}

interface Row {
  what: string;
  concurrency: number;
  jobs: number;
  directMs: number;
  systemMs: number;
}
const rows: Row[] = [];
/** The time a worker slot spends per job on the system rather than on the script. */
const overhead = (r: Row) => ((r.systemMs - r.directMs) * r.concurrency) / r.jobs;

/** Every round's figures of each row, in the order rows were first measured. */
const rounds = new Map<string, Row[]>();

async function measure(what: string, concurrency: number, n: number, direct: string[], system: () => Promise<void>) {
  // Warm both paths once (interpreter caches, JIT) before timing.
  await runDirect(direct);
  await system();
  const directMs = await pool(n, concurrency, () => runDirect(direct));
  const systemMs = await pool(n, concurrency, system);
  const key = `${what}|${concurrency}`;
  rounds.set(key, [...(rounds.get(key) ?? []), { what, concurrency, jobs: n, directMs, systemMs }]);
  console.error(
    `${what} x${concurrency}: direct ${directMs.toFixed(0)} ms, system ${systemMs.toFixed(0)} ms for ${n} jobs`,
  );
}

const bwrap = spawnSync("bwrap", ["--version"]).status === 0;
const pyDirect = [PYTHON, "noop.py", "--x", "0.5"];
const nodeDirect = [process.execPath, "noop.mjs", "--x", "0.5"];
const sandboxed = bwrap ? ", bubblewrap" : "";
const onStores: [string, Store][] = [
  ...(STORES.includes("sqlite") ? [["SQLite", sqlite] as [string, Store]] : []),
  ...(postgres ? [["PostgreSQL", postgres] as [string, Store]] : []),
];
for (let round = 0; round < ROUNDS; round++) {
  for (const [label, store] of onStores) await measureOn(label, store);
}
/** The median round of each row: the one whose overhead is the median (so its two times belong together). */
for (const measured of rounds.values()) {
  const sorted = [...measured].sort((a, b) => overhead(a) - overhead(b));
  rows.push(sorted[Math.floor((sorted.length - 1) / 2)] as Row);
}

async function measureOn(label: string, store: Store) {
  await measure(`tunekit on ${label}, Python no-op${sandboxed}`, 1, SEQUENTIAL, pyDirect, () =>
    runTunekit(store, "noop.py", "auto"),
  );
  await measure(`tunekit on ${label}, Python no-op, no sandbox`, 1, SEQUENTIAL, pyDirect, () =>
    runTunekit(store, "noop.py", "none"),
  );
  if (label === "SQLite") {
    await measure(`tunekit on ${label}, Node no-op${sandboxed}`, 1, SEQUENTIAL, nodeDirect, () =>
      runTunekit(store, "noop.mjs", "auto"),
    );
  }
  await measure(`tunekit on ${label}, Python no-op${sandboxed}`, WORKERS, JOBS, pyDirect, () =>
    runTunekit(store, "noop.py", "auto"),
  );
}

let syneVersion = "not run (give --syne-tune-source or SYNE_TUNE_SOURCE)";
if (args["syne-tune-source"]) {
  const source = args["syne-tune-source"] as string;
  const script = join(here, "noop_syne_tune.py");
  const env = { ...process.env, PYTHONPATH: source };
  const stDirect = [PYTHON, "noop_syne_tune.py", "--x", "0.5"];
  const directOnce = () =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(stDirect[0] as string, stDirect.slice(1), { cwd: here, env, stdio: "ignore" });
      child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`noop_syne_tune.py exited ${code}`))));
    });
  await directOnce();
  const directMs = await pool(JOBS, WORKERS, directOnce);
  const peer = spawnSync(
    PYTHON,
    [
      new URL("./syne_tune_peer.py", import.meta.url).pathname,
      "--source",
      source,
      "--script",
      script,
      "--trials",
      String(JOBS),
      "--workers",
      String(WORKERS),
    ],
    { encoding: "utf8", cwd: home, maxBuffer: 64 * 1024 * 1024 },
  );
  if (peer.status !== 0) throw new Error(`syne tune peer failed: ${peer.stderr.slice(-2000)}`);
  const result = JSON.parse(peer.stdout.trim().split("\n").pop() as string) as { wallSeconds: number; trials: number };
  rows.push({
    what: "Syne Tune LocalBackend, Python no-op",
    concurrency: WORKERS,
    jobs: result.trials,
    directMs,
    systemMs: result.wallSeconds * 1000,
  });
  const git = spawnSync("git", ["-C", source, "rev-parse", "--short", "HEAD"], { encoding: "utf8" });
  syneVersion = `Syne Tune from source${git.status === 0 ? ` (commit ${git.stdout.trim()})` : ` at ${source}`}, tuner sleep_time 0, RandomSearch`;
}
await sqlite.close();
await postgres?.close();
await database?.drop();
rmSync(home, { recursive: true, force: true });

const header = ["system", "at once", "jobs", "direct, ms", "through the system, ms", "overhead per job, ms", "jobs/s"];
const lines = rows.map((r) => [
  r.what,
  String(r.concurrency),
  String(r.jobs),
  r.directMs.toFixed(0),
  r.systemMs.toFixed(0),
  (((r.systemMs - r.directMs) * r.concurrency) / r.jobs).toFixed(1),
  ((r.jobs * 1000) / r.systemMs).toFixed(1),
]);
const table = markdownTable(header, lines);
console.log(table);
/** PostgreSQL's overhead per job over SQLite's, for each row measured on both. */
const ratios = rows
  .filter((r) => r.what.startsWith("tunekit on PostgreSQL"))
  .flatMap((r) => {
    const twin = rows.find((t) => t.what === r.what.replace("PostgreSQL", "SQLite") && t.concurrency === r.concurrency);
    return twin
      ? [
          [
            r.what.replace("tunekit on PostgreSQL, ", ""),
            String(r.concurrency),
            (overhead(r) / overhead(twin)).toFixed(2),
          ],
        ]
      : [];
  });
const ratioTable = ratios.length ? markdownTable(["job", "at once", "overhead on PostgreSQL / on SQLite"], ratios) : "";
if (ratioTable) console.log(ratioTable);

const date = new Date().toISOString().slice(0, 10);
const machine = machineDescription();
const command = `npm run bench:jobs${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
writeFileSync(
  new URL(`./results/jobs-${date}.md`, import.meta.url),
  `# bench:jobs, ${date}

Command: \`${command}\`
Machine: ${machine}; Python ${PYTHON}
Peer: ${syneVersion}

Each row runs the same no-op script (bench/jobs/) directly and through the system, at the same concurrency, once
in each of ${ROUNDS} rounds (the stores' rows interleaved); the table shows each row's median round by overhead.
Overhead per job = (system wall time − direct wall time) × concurrency / jobs. tunekit's figure includes the whole
contract: the job directory, config files, SM_* environment, argument building, process group, log capture, metric
extraction, the store's writes, model.tar.gz/output.tar.gz. Syne Tune's script imports syne_tune to report, so its direct
run includes that import.

${table}
${ratioTable ? `\nPostgreSQL (local server, over TCP on 127.0.0.1) against SQLite, the same rows:\n\n${ratioTable}\n` : ""}`,
);
console.log(`\nwrote bench/results/jobs-${date}.md`);
