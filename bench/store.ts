// `npm run bench:store`: what each store call costs on SQLite and on PostgreSQL with a tuning job of 10,000
// training jobs: the reads a controller and the console make over and over, the writes of one training job's life,
// and that life as a whole, one job at a time and 8 at a time. Prints tables, PostgreSQL's plans for the hot reads,
// and writes bench/results/store-DATE.md. PostgreSQL is the server at TUNEKIT_BENCH_POSTGRES (default
// postgres://postgres@127.0.0.1:5432/postgres), where the benchmark creates and drops a database of its own.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import { type Lease, PostgresStore, SqliteStore, type Store } from "../src/store/index.js";
import { machineDescription, markdownTable, median } from "./report.js";
import { lives, populate, WRITES } from "./store-workload.js";

const { values: args } = parseArgs({
  options: {
    jobs: { type: "string", default: "10000" },
    calls: { type: "string", default: "200" },
    lives: { type: "string", default: "200" },
    postgres: {
      type: "string",
      default: process.env.TUNEKIT_BENCH_POSTGRES ?? "postgres://postgres@127.0.0.1:5432/postgres",
    },
  },
});
const JOBS = Number(args.jobs);
const CALLS = Number(args.calls);
const LIVES = Number(args.lives);

const admin = async (sql: string, url = args.postgres as string) => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
};
const dbName = `tunekit_bench_store_${process.pid}`;
const dbUrl = Object.assign(new URL(args.postgres as string), { pathname: `/${dbName}` }).toString();
const home = mkdtempSync(join(tmpdir(), "tunekit-bench-store-"));

/** Median and 95th percentile, in ms, of `calls` calls of `fn`. */
async function time(fn: (i: number) => Promise<unknown>, calls = CALLS): Promise<[number, number]> {
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return [median(samples), samples[Math.floor(samples.length * 0.95)] as number];
}

const READS: [string, (s: Store) => Promise<unknown>][] = [
  ["listTrainingJobPoints (10,000 jobs)", (s) => s.listTrainingJobPoints("big")],
  ["countTrainingJobs", (s) => s.countTrainingJobs("big")],
  ["bestTrainingJob", (s) => s.bestTrainingJob("big", "Maximize")],
  [
    "pageTrainingJobs by objective, first 50",
    (s) => s.pageTrainingJobs("big", { sortBy: "objectiveValue", descending: true, limit: 50 }),
  ],
  [
    "pageTrainingJobs by name, 50 at offset 5,000",
    (s) => s.pageTrainingJobs("big", { sortBy: "name", limit: 50, offset: 5000 }),
  ],
  [
    "pageTrainingJobs by status descending, first 50",
    (s) => s.pageTrainingJobs("big", { sortBy: "status", descending: true, limit: 50 }),
  ],
  ["listObjectiveResults (10,000 results)", (s) => s.listObjectiveResults("big")],
  ["listUnleased", (s) => s.listUnleased("tuning-job")],
  ["getTrainingJob", (s) => s.getTrainingJob("big-5000")],
  ["pendingStopRequests", (s) => s.pendingStopRequests("tuning-job", "big")],
];

/** Per job: wall-clock ms, and CPU ms of this process and (for PostgreSQL) of the server's sessions serving it. */
interface Life {
  wall: number;
  cpu: number;
}

interface Measured {
  reads: [number, number][];
  writes: [number, number][];
  lifeAlone: Life;
  lifeEight: Life;
}

/**
 * CPU time so far, in ms, of this process and of each PostgreSQL session serving the benchmark's database (read from
 * /proc: the server runs on this machine). Unlike wall-clock time it does not grow with what else shares the cores.
 */
async function cpuTimes(postgres: boolean): Promise<Map<string, number>> {
  const own = process.cpuUsage();
  const times = new Map([["self", (own.user + own.system) / 1000]]);
  if (!postgres) return times;
  const { rows } = await admin(
    `SELECT pid FROM pg_stat_activity WHERE datname = '${dbName}' AND application_name = 'tunekit'`,
  );
  for (const { pid } of rows as { pid: number }[]) {
    // Fields after the command's name: utime and stime are the 12th and 13th, in ticks of 10 ms.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    times.set(String(pid), (Number(fields[11]) + Number(fields[12])) * 10);
  }
  return times;
}

async function life(store: Store, label: string, width: number, postgres: boolean): Promise<Life> {
  const before = await cpuTimes(postgres);
  const wall = await lives(store, label, LIVES, width);
  const after = await cpuTimes(postgres);
  let cpu = 0;
  for (const [who, time] of after) cpu += time - (before.get(who) ?? 0);
  return { wall, cpu: cpu / LIVES };
}

async function measureReads(store: Store): Promise<[number, number][]> {
  const reads: [number, number][] = [];
  for (const [, read] of READS) {
    await read(store);
    reads.push(await time(() => read(store)));
  }
  return reads;
}

async function measureWrites(store: Store, postgres: boolean): Promise<Omit<Measured, "reads">> {
  await store.createTuningJob({ name: "writes", kind: "tuning-job", config: {}, seed: 1, now: 0 });
  const fence = (await store.acquireLease({ kind: "tuning-job", name: "writes", owner: "w", ttlMs: 600_000 })) as Lease;
  const writes: [number, number][] = [];
  for (const [, write] of WRITES) writes.push(await time((i) => write(store, fence, i)));
  return {
    writes,
    lifeAlone: await life(store, "alone", 1, postgres),
    lifeEight: await life(store, "eight", 8, postgres),
  };
}

/** PostgreSQL's plans of the statements each hot read sends, run on the populated database. */
async function plans(store: Store): Promise<string> {
  const sections: string[] = [];
  const query = pg.Pool.prototype.query;
  for (const [label, read] of READS) {
    const sent: [string, unknown[]][] = [];
    pg.Pool.prototype.query = function (this: pg.Pool, ...a: unknown[]) {
      const config = a[0] as pg.QueryConfig;
      sent.push([config.text, config.values ?? []]);
      return (query as (...b: unknown[]) => unknown).apply(this, a);
    } as typeof query;
    await read(store);
    pg.Pool.prototype.query = query;
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    for (const [text, values] of sent) {
      const { rows } = await client.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${text}`, values);
      sections.push(`${label}:\n${rows.map((r) => `    ${r["QUERY PLAN"]}`).join("\n")}`);
    }
    await client.end();
  }
  return sections.join("\n\n");
}

const commit = async (mode: "on" | "off") => admin(`ALTER DATABASE ${dbName} SET synchronous_commit = ${mode}`);

const sqlite = new SqliteStore(join(home, "tunekit.db"));
let t = performance.now();
await populate(sqlite, JOBS);
console.log(`SQLite: ${JOBS} jobs written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
const onSqlite: Measured = { reads: await measureReads(sqlite), ...(await measureWrites(sqlite, false)) };
await sqlite.close();
rmSync(home, { recursive: true, force: true });

await admin(`CREATE DATABASE ${dbName}`);
let onPostgres: Measured;
let relaxed: Omit<Measured, "reads">;
let planText: string;
let roundTrip: [number, number];
const loadBefore = loadavg()[0] as number;
try {
  // Written without waiting for each commit to reach the disk (it is only the setting up); measured with it.
  await commit("off");
  const filling = await PostgresStore.open(dbUrl);
  t = performance.now();
  await populate(filling, JOBS);
  console.log(`PostgreSQL: ${JOBS} jobs written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await filling.close();
  // What autovacuum does soon after so many inserts: statistics for the planner, and the visibility map.
  await admin("VACUUM ANALYZE", dbUrl);
  await commit("on");
  const durable = await PostgresStore.open(dbUrl);
  planText = await plans(durable);
  const bare = new pg.Client({ connectionString: dbUrl });
  await bare.connect();
  roundTrip = await time(() => bare.query("SELECT 1"));
  await bare.end();
  onPostgres = { reads: await measureReads(durable), ...(await measureWrites(durable, true)) };
  await durable.close();
  await commit("off");
  const fast = await PostgresStore.open(dbUrl, { schema: "relaxed" });
  relaxed = await measureWrites(fast, true);
  await fast.close();
} finally {
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
}

const ms = ([m, p]: [number, number]) => `${m.toFixed(2)} / ${p.toFixed(2)}`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
const readTable = markdownTable(
  ["read (tuning job of 10,000 jobs)", "SQLite ms (median / p95)", "PostgreSQL ms (median / p95)"],
  READS.map(([label], i) => [
    label,
    ms(onSqlite.reads[i] as [number, number]),
    ms(onPostgres.reads[i] as [number, number]),
  ]),
);
const writeTable = markdownTable(
  ["write", "SQLite ms", "PostgreSQL ms", "PostgreSQL, synchronous_commit off, ms"],
  WRITES.map(([label], i) => [
    label,
    ms(onSqlite.writes[i] as [number, number]),
    ms(onPostgres.writes[i] as [number, number]),
    ms(relaxed.writes[i] as [number, number]),
  ]),
);
const lifeTable = markdownTable(
  [
    "a training job's 22 store calls",
    "SQLite",
    "PostgreSQL",
    "PostgreSQL / SQLite",
    "PostgreSQL, synchronous_commit off",
    "off / SQLite",
  ],
  (
    [
      ["wall ms/job, one job at a time", "lifeAlone", "wall"],
      ["wall ms/job, 8 jobs at a time", "lifeEight", "wall"],
      ["CPU ms/job (tunekit + PostgreSQL), one at a time", "lifeAlone", "cpu"],
      ["CPU ms/job (tunekit + PostgreSQL), 8 at a time", "lifeEight", "cpu"],
    ] as const
  ).map(([label, which, measure]) => {
    const [a, b, c] = [onSqlite, onPostgres, relaxed].map((m) => m[which][measure]) as [number, number, number];
    return [label, a.toFixed(2), b.toFixed(2), ratio(b, a), c.toFixed(2), ratio(c, a)];
  }),
);
console.log(readTable, "\n");
console.log(writeTable, "\n");
console.log(lifeTable, "\n");
console.log(planText);

const date = new Date().toISOString().slice(0, 10);
const command = `npm run bench:store${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
writeFileSync(
  new URL(`./results/store-${date}.md`, import.meta.url),
  `# bench:store, ${date}

Command: \`${command}\`
Machine: ${machineDescription()}; PostgreSQL on the same machine over TCP (127.0.0.1); load average
${loadBefore.toFixed(1)} when the run began and ${(loadavg()[0] as number).toFixed(1)} when it ended (other work shared the cores). A bare
round trip to PostgreSQL (\`SELECT 1\`) took ${ms(roundTrip)} ms (median / p95) during the run.

A tuning job of ${JOBS} finished training jobs (each with the request the tuner stores) written through each store;
then each call is timed ${CALLS} times in a row (median and 95th percentile). SQLite runs as tunekit configures it (WAL,
synchronous = NORMAL: a commit survives the process being killed, not the machine losing power). PostgreSQL runs
as tunekit runs it (a state change is on disk before its call returns; log chunks and metric points are not waited
for) and, in the last columns, with \`synchronous_commit = off\` set on the database (no commit waits for the disk:
a crash of PostgreSQL or the machine may lose the last fraction of a second of them). Wall-clock times grow with
whatever else shares the cores; CPU times (read from /proc for PostgreSQL's sessions) grow less, but do grow.

## Reads a controller and the console repeat

${readTable}

## Writes

${writeTable}

## A training job's life

The store calls one training job costs the controller and its runner (the trial created under the tuning job's lease,
its own lease, four updates, three log chunks, three metric batches, three stop-request polls, a heartbeat, the
release, and the controller's reads when it ends), ${LIVES} jobs, one at a time and 8 at a time.

${lifeTable}

## PostgreSQL's plans for the reads (EXPLAIN ANALYZE)

\`\`\`
${planText}
\`\`\`
`,
);
