// `npm run bench:s3`: the time to materialise one channel for every job of a tuning job, with the
// per-machine download cache and without it, against a real S3 protocol server on this machine
// (s3rver in its own process, or moto with --server moto). Prints a table and writes
// bench/results/s3-DATE.md.
//
// Each job resolves the channel (ListObjectsV2, as prepare does) and materialises it into its own
// channel directory, --parallel jobs at a time, as a tuning job with MaxParallelTrainingJobs would.
// Without the cache every job downloads every object; with it the first downloads them and the
// others hard-link them.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import {
  DownloadCache,
  materializeChannel,
  ObjectStores,
  resolveChannels,
  type S3Settings,
} from "../src/objects/index.js";
import { createS3Client } from "../src/objects/s3-client.js";
import { startMoto } from "../test/support/s3-servers.js";
import { machineDescription, markdownTable, median } from "./report.js";

const { values: args } = parseArgs({
  options: {
    server: { type: "string", default: "s3rver" },
    jobs: { type: "string", default: "30" },
    parallel: { type: "string", default: "3" },
    mb: { type: "string", default: "200" },
    files: { type: "string", default: "20" },
  },
});
const JOBS = Number(args.jobs);
const PARALLEL = Number(args.parallel);
const FILES = Number(args.files);
const FILE_BYTES = Math.round((Number(args.mb) * 1024 * 1024) / FILES);
const CHANNEL_URI = "s3://bench/datasets/glue/";

const home = mkdtempSync(join(tmpdir(), "tunekit-bench-s3-"));
const loadAtStart = loadavg()[0] ?? Number.NaN;
const server = await startServer(args.server as string);
try {
  const settings: S3Settings = { endpoint: server.endpoint, region: "us-east-1", credentials: server.credentials };
  const stores = new ObjectStores({ s3: settings });
  await upload(stores, settings);
  const request = {
    AlgorithmSpecification: { TrainingInputMode: "File" as const, MetricDefinitions: [] },
    InputDataConfig: [{ ChannelName: "training", DataSource: { S3DataSource: { S3Uri: CHANNEL_URI } } }],
  };
  const runs = [];
  for (const cached of [false, true]) {
    const cache = cached ? new DownloadCache(join(home, "cache")) : undefined;
    const times: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < JOBS) {
          const job = next++;
          const dest = join(home, "jobs", `${cached ? "cached" : "direct"}-${job}`, "input", "data", "training");
          const t0 = performance.now();
          const plan = (await resolveChannels(request, stores)).channels[0];
          if (!plan) throw new Error("no channel resolved");
          await materializeChannel(plan, dest, { stores, ...(cache ? { cache } : {}) });
          times[job] = performance.now() - t0;
          check(dest);
          rmSync(join(home, "jobs", `${cached ? "cached" : "direct"}-${job}`), { recursive: true, force: true });
        }
      }),
    );
    const total = performance.now() - started;
    runs.push({
      cached,
      total,
      times,
      downloaded: cached ? treeBytes(join(home, "cache")) : JOBS * FILES * FILE_BYTES,
    });
    console.log(`${cached ? "with" : "without"} cache: ${(total / 1000).toFixed(1)} s`);
  }
  stores.close();
  report(runs);
} finally {
  await server.stop();
  rmSync(home, { recursive: true, force: true });
}

async function upload(stores: ObjectStores, settings: S3Settings): Promise<void> {
  const admin = createS3Client(settings);
  await admin.send(new CreateBucketCommand({ Bucket: "bench" }));
  admin.destroy();
  const source = join(home, "dataset");
  mkdirSync(source);
  for (let i = 0; i < FILES; i++) {
    const name = `part-${String(i).padStart(3, "0")}.bin`;
    writeFileSync(join(source, name), randomBytes(FILE_BYTES));
    const uri = `${CHANNEL_URI}${i % 2 ? "dev" : "train"}/${name}`;
    await stores.for(uri).upload(join(source, name), uri);
  }
  rmSync(source, { recursive: true, force: true });
}

function check(dest: string): void {
  const bytes = treeBytes(dest);
  if (bytes !== FILES * FILE_BYTES) throw new Error(`${dest} holds ${bytes} bytes, not ${FILES * FILE_BYTES}`);
}

function treeBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.endsWith(".lock"))
    .reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);
}

function report(runs: { cached: boolean; total: number; times: number[]; downloaded: number }[]): void {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const rows = runs.map((r) => [
    r.cached ? "with the cache" : "without a cache",
    String(JOBS),
    String(PARALLEL),
    mb(r.downloaded),
    s(r.total),
    s(r.times[0] ?? Number.NaN),
    s(median(r.times.slice(PARALLEL))),
  ]);
  const [direct, cached] = runs;
  const ratio = direct && cached ? direct.total / cached.total : Number.NaN;
  const table = markdownTable(
    [
      "materialising",
      "jobs",
      "at once",
      "downloaded, MiB",
      "all jobs, s",
      "first job, s",
      `median job after the first ${PARALLEL}, s`,
    ],
    rows,
  );
  console.log(`\n${table}\n\nwithout / with the cache: ${ratio.toFixed(1)}x`);
  const date = new Date().toISOString().slice(0, 10);
  const command = `npm run bench:s3${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  writeFileSync(
    new URL(`./results/s3-${date}.md`, import.meta.url),
    `# bench:s3, ${date}

Command: \`${command}\`
Machine: ${machineDescription()}; load average ${loadAtStart.toFixed(1)} at the start (other processes share the machine)
Server: ${args.server} on this machine, in its own process, plain HTTP on 127.0.0.1
Channel: ${FILES} objects of ${mb(FILE_BYTES)} MiB (${mb(FILES * FILE_BYTES)} MiB) under ${CHANNEL_URI}, in two "folders"

Each job resolves the channel (one ListObjectsV2, as prepare does) and materialises it into its own
channel directory, ${PARALLEL} jobs at a time. Without a cache every job downloads and verifies every object;
with the cache the objects are downloaded once (the cache directory starts empty) and hard-linked into the
other jobs' channels. Each channel is checked to hold every byte, then removed.

${table}

Without / with the cache: **${ratio.toFixed(1)}x** the time for all ${JOBS} jobs.
`,
  );
  console.log(`wrote bench/results/s3-${date}.md`);
}

interface BenchServer {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

async function startServer(kind: string): Promise<BenchServer> {
  if (kind === "moto") {
    const moto = await startMoto();
    const settings = moto.settings;
    return {
      endpoint: settings.endpoint as string,
      credentials: settings.credentials as BenchServer["credentials"],
      stop: () => moto.close(),
    };
  }
  if (kind !== "s3rver") throw new Error(`--server must be s3rver or moto, got ${kind}`);
  const directory = join(home, "s3rver");
  mkdirSync(directory);
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", new URL("./s3rver-process.ts", import.meta.url).pathname, directory],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout?.once("data", (line: Buffer) => resolve(JSON.parse(line.toString()).endpoint));
    child.once("exit", (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
  return {
    endpoint,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
