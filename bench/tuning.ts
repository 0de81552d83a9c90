// `npm run bench:tuning`: the tuning controller, measured two ways.
//
// 1. Simulated (virtual time): Bayesian, Random and Hyperband tuning jobs of 30
//    jobs, 3 in parallel, on the HPOBench MLP tables (../shared/data/hpo-tabular)
//    with modelled learning curves (bench/tabular-curves.ts), 20 seeds each. For
//    each, the regret of the configuration the tuner would pick (the best observed
//    one) against simulated wall-clock time: best mean-over-seeds accuracy minus
//    the chosen configuration's mean-over-seeds accuracy, in accuracy points.
// 2. Real: a tuning job of 200 no-op Python jobs (bench/jobs/noop.py), 8 in
//    parallel, run by the local executor: scheduling overhead per job, and how
//    long a slot sits idle between one job's end and the next one's start.
//
// Options: --seeds 20 --only australian,car --skip-real --skip-sim --jobs 200 --workers 8
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { parseTuningJobRequest } from "../src/config/tuning-job-request.js";
import { LocalExecutor, SimulatedExecutor, SlotPool } from "../src/executors/index.js";
import { defaultJobSettings } from "../src/jobs/index.js";
import { SqliteStore } from "../src/store/index.js";
import { MemoryStore } from "../src/store/memory/memory-store.js";
import { runTuningJob, suggestInProcess } from "../src/tuner/index.js";
import { dataDir, TABLE_CHOICES, TABLE_DATASETS } from "./problems.js";
import { machineDescription, markdownTable, median } from "./report.js";
import { EPOCHS, tabularCurves } from "./tabular-curves.js";

const { values: args } = parseArgs({
  options: {
    seeds: { type: "string", default: "20" },
    only: { type: "string" },
    "skip-real": { type: "boolean", default: false },
    "skip-sim": { type: "boolean", default: false },
    jobs: { type: "string", default: "200" },
    workers: { type: "string", default: "8" },
    strategies: { type: "string", default: "Random,Bayesian" },
    methods: { type: "string", default: "Random;Bayesian;Hyperband;Hyperband, 8h" },
    out: { type: "string" },
    python: { type: "string", default: process.env.TUNEKIT_BENCH_PYTHON ?? "/usr/bin/python3" },
  },
});
const SEEDS = Number(args.seeds);
/**
 * A method is a strategy and options: "8h" gives it 8 simulated hours (at most 300 jobs) instead of 30 jobs, so
 * methods compare at equal wall-clock budget; "median rule" turns early stopping on (Auto); "model" samples
 * Hyperband's configurations from the rung model (TunekitConfigurationSampler "Model").
 */
const KNOWN_METHODS = [
  "Random",
  "Bayesian",
  "Hyperband",
  "Hyperband, 8h",
  "Random, 8h",
  "Bayesian, median rule, 8h",
  "Hyperband, model, 8h",
] as const;
const METHODS = (args.methods as string).split(";").map((m) => m.trim());
for (const m of METHODS) {
  if (!(KNOWN_METHODS as readonly string[]).includes(m)) {
    throw new Error(`unknown method "${m}"; known (separated by ;): ${KNOWN_METHODS.join("; ")}`);
  }
}
const CHECKPOINTS_H = [1, 2, 4, 8];
const HOUR = 3600_000;

function tableRequest(name: string, method: string, seed: number) {
  const [strategy, ...options] = method.split(",").map((part) => part.trim());
  const budget = options.includes("8h") ? { MaxNumberOfTrainingJobs: 300, MaxRuntimeInSeconds: 8 * 3600 } : {};
  return {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobConfig: {
      Strategy: strategy,
      ...(options.includes("median rule") ? { TrainingJobEarlyStoppingType: "Auto" } : {}),
      ...(options.includes("model") ? { StrategyConfig: { TunekitConfigurationSampler: "Model" } } : {}),
      RandomSeed: seed,
      HyperParameterTuningJobObjective: { Type: "Maximize", MetricName: "accuracy" },
      ResourceLimits: { MaxNumberOfTrainingJobs: 30, MaxParallelTrainingJobs: 3, ...budget },
      ParameterRanges: {
        IntegerParameterRanges: Object.entries(TABLE_CHOICES).map(([Name, k]) => ({
          Name,
          MinValue: "0",
          MaxValue: String(k - 1),
          ScalingType: "Linear",
        })),
      },
    },
    TrainingJobDefinition: {
      AlgorithmSpecification: {
        TrainingImage: "simulated",
        TrainingInputMode: "File",
        MetricDefinitions: [{ Name: "accuracy", Regex: "accuracy=([0-9.]+)" }],
      },
      StaticHyperParameters: { epochs: String(EPOCHS) },
    },
  };
}

interface SimRun {
  /** Regret (accuracy points) of the best observed configuration at each checkpoint, and at the end. */
  regretAt: number[];
  regretEnd: number;
  hours: number;
  wallMs: number;
  stopped: number;
}

async function simulate(dataset: string): Promise<Record<string, SimRun[]>> {
  const path = `${dataDir()}/hpo-tabular/hpobench_${dataset}.json.gz`;
  const table = JSON.parse(gunzipSync(readFileSync(path)).toString("utf8")) as Record<string, number[]>;
  const means = new Map(Object.entries(table).map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length]));
  const bestMean = Math.max(...means.values());
  const key = (hp: Record<string, unknown>) =>
    Object.keys(TABLE_CHOICES)
      .map((n) => hp[n])
      .join("");
  const out: Record<string, SimRun[]> = {};
  for (const method of METHODS) {
    out[method] = [];
    for (let seed = 0; seed < SEEDS; seed++) {
      const store = new MemoryStore();
      const executor = new SimulatedExecutor(store, "accuracy", tabularCurves(table, seed));
      const started = performance.now();
      const record = await runTuningJob({
        store,
        job: parseTuningJobRequest(tableRequest(`${dataset.replace(/_/g, "-")}-${seed}`, method, seed)),
        executor,
        suggest: suggestInProcess,
      });
      const wallMs = performance.now() - started;
      const jobs = (await store.listTrainingJobs({ tuningJobName: record.name }))
        .filter((j) => j.objectiveValue !== null)
        .sort((a, b) => (a.endedAt as number) - (b.endedAt as number));
      const regretBy = (t: number) => {
        let chosen: (typeof jobs)[number] | undefined;
        for (const j of jobs) {
          if ((j.endedAt as number) > t) break;
          if (!chosen || (j.objectiveValue as number) > (chosen.objectiveValue as number)) chosen = j;
        }
        return chosen ? 100 * (bestMean - (means.get(key(chosen.hyperparameters)) as number)) : Number.NaN;
      };
      out[method].push({
        regretAt: CHECKPOINTS_H.map((h) => regretBy(h * HOUR)),
        regretEnd: regretBy(Number.POSITIVE_INFINITY),
        hours: (record.endedAt as number) / HOUR,
        wallMs,
        stopped: (await store.listTrainingJobs({ tuningJobName: record.name })).filter((j) => j.status === "Stopped")
          .length,
      });
    }
  }
  return out;
}

const fmt = (x: number, digits = 2) => (Number.isNaN(x) ? "-" : x.toFixed(digits));

/** One table row: medians over the seeds' runs. */
function simRow(table: string, method: string, runs: readonly SimRun[]): string[] {
  return [
    table,
    method,
    ...CHECKPOINTS_H.map((_, i) =>
      fmt(median(runs.map((r) => r.regretAt[i] as number).filter((x) => !Number.isNaN(x)))),
    ),
    fmt(median(runs.map((r) => r.regretEnd))),
    fmt(median(runs.map((r) => r.hours)), 1),
    fmt(median(runs.map((r) => r.stopped)), 0),
    fmt(median(runs.map((r) => r.wallMs)), 0),
  ];
}
const sections: string[] = [];

if (!args["skip-sim"]) {
  const datasets = args.only
    ? TABLE_DATASETS.filter((d) => (args.only as string).split(",").includes(d))
    : TABLE_DATASETS;
  const rows: string[][] = [];
  const all: Record<string, SimRun[]> = Object.fromEntries(METHODS.map((m) => [m, []]));
  for (const dataset of datasets) {
    const result = await simulate(dataset);
    for (const method of METHODS) {
      const runs = result[method] as SimRun[];
      all[method]?.push(...runs);
      rows.push(simRow(dataset, method, runs));
      console.error(`${dataset} ${method}: end regret ${fmt(median(runs.map((r) => r.regretEnd)))}`);
    }
  }
  for (const method of METHODS) {
    const runs = all[method] as SimRun[];
    rows.push(simRow("**all**", method, runs));
  }
  const header = [
    "table",
    "strategy",
    ...CHECKPOINTS_H.map((h) => `regret @${h}h`),
    "regret at end",
    "hours to end",
    "jobs stopped",
    "wall ms",
  ];
  const table = markdownTable(header, rows);
  console.log(table);
  sections.push(`## Simulated: 30 jobs, 3 in parallel, on the HPOBench MLP tables

Median over ${SEEDS} seeds of the regret, in accuracy points (best mean-over-seeds accuracy of the table minus
the mean-over-seeds accuracy of the configuration with the best observed objective so far), at simulated
wall-clock times, and when the tuning job ended. "-": no job had finished yet. "wall ms": real time to simulate
the whole tuning job (suggestions computed in-process). Hyperband: MinResource 1, MaxResource ${EPOCHS} (from the
epochs static hyperparameter), rungs at 1, 3, 9 epochs, random sampling unless "model" (the joint GP over configuration and epochs,
src/strategies/rung-model/). "8h": 8
simulated hours (at most 300 jobs) instead of 30 jobs; "median rule": early stopping Auto. The learning-curve model is in
bench/tabular-curves.ts; table encoding as in bench:bayesian (integer index per choice).

${table}`);
}

if (!args["skip-real"]) {
  const JOBS = Number(args.jobs);
  const WORKERS = Number(args.workers);
  const here = new URL("./jobs/", import.meta.url).pathname;
  const home = mkdtempSync(join(tmpdir(), "tunekit-bench-tuning-"));
  const direct = async () => {
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (next++ < JOBS) {
          await new Promise<void>((resolve, reject) => {
            const child = spawn(args.python as string, ["noop.py", "--x", "0.5"], { cwd: here, stdio: "ignore" });
            child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`noop.py exited ${code}`))));
          });
        }
      }),
    );
    return performance.now() - started;
  };
  const rows: string[][] = [];
  const directMs = await direct();
  for (const strategy of (args.strategies as string).split(",")) {
    const store = new SqliteStore(join(home, `${strategy}.db`));
    const settings = defaultJobSettings(home, {
      python: args.python as string,
      resources: { cpus: WORKERS, gpus: [] },
      slots: WORKERS,
    });
    const request = {
      HyperParameterTuningJobName: `noop-${strategy.toLowerCase()}`,
      HyperParameterTuningJobConfig: {
        Strategy: strategy,
        RandomSeed: 1,
        HyperParameterTuningJobObjective: { Type: "Minimize", MetricName: "loss" },
        ResourceLimits: { MaxNumberOfTrainingJobs: JOBS, MaxParallelTrainingJobs: WORKERS },
        ParameterRanges: { ContinuousParameterRanges: [{ Name: "x", MinValue: "0", MaxValue: "1" }] },
      },
      TrainingJobDefinition: {
        AlgorithmSpecification: {
          TrainingInputMode: "File",
          MetricDefinitions: [{ Name: "loss", Regex: "loss=([0-9.]+)" }],
        },
        StaticHyperParameters: { sagemaker_program: "noop.py", sagemaker_submit_directory: here },
        OutputDataConfig: { S3OutputPath: join(home, "out") },
        ResourceConfig: { InstanceType: "local", InstanceCount: 1 },
        StoppingCondition: { MaxRuntimeInSeconds: 600 },
      },
    };
    const started = performance.now();
    const record = await runTuningJob({
      store,
      job: parseTuningJobRequest(request),
      executor: new LocalExecutor(store, settings, {
        slots: new SlotPool(join(home, `slots-${strategy}`), WORKERS, settings.resources),
      }),
    });
    const wallMs = performance.now() - started;
    const jobs = await store.listTrainingJobs({ tuningJobName: record.name });
    await store.close();
    if (record.status !== "Completed" || jobs.some((j) => j.status !== "Completed")) {
      throw new Error(`${record.name} ended ${record.status}: ${record.failureReason}`);
    }
    // The k-th job to end frees the slot the (k + WORKERS)-th job to start takes.
    const ends = jobs.map((j) => j.endedAt as number).sort((a, b) => a - b);
    const starts = jobs.map((j) => j.startedAt as number).sort((a, b) => a - b);
    const creates = jobs.map((j) => j.createdAt).sort((a, b) => a - b);
    const idle = starts.slice(WORKERS).map((s, k) => s - (ends[k] as number));
    const launch = creates.slice(WORKERS).map((c, k) => c - (ends[k] as number));
    idle.sort((a, b) => a - b);
    const durations = jobs.map((j) => (j.endedAt as number) - j.createdAt);
    const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] as number;
    rows.push([
      strategy,
      String(JOBS),
      String(WORKERS),
      directMs.toFixed(0),
      wallMs.toFixed(0),
      (((wallMs - directMs) * WORKERS) / JOBS).toFixed(1),
      fmt(median(durations), 0),
      fmt(median(launch), 1),
      fmt(median(idle), 1),
      fmt(q(idle, 0.95), 1),
      fmt(idle[idle.length - 1] as number, 1),
    ]);
    console.error(`real ${strategy}: ${wallMs.toFixed(0)} ms`);
  }
  rmSync(home, { recursive: true, force: true });
  const bwrap = spawnSync("bwrap", ["--version"]).status === 0;
  const header = [
    "strategy",
    "jobs",
    "at once",
    "direct, ms",
    "tuning job, ms",
    "overhead per job, ms",
    "job, median ms",
    "launch after an end, median ms",
    "slot idle, median ms",
    "slot idle, p95 ms",
    "slot idle, max ms",
  ];
  const table = markdownTable(header, rows);
  console.log(table);
  sections.push(`## Real: ${JOBS} no-op jobs, ${WORKERS} in parallel

A tuning job whose training jobs run bench/jobs/noop.py (print one metric and exit) under the full contract
(${bwrap ? "bubblewrap sandbox" : "no sandbox: bubblewrap not installed"}, job directory, SM_* environment, log
capture, metric extraction, SQLite store, model.tar.gz). "direct": the same script run ${JOBS} times, ${WORKERS} at a
time, without tunekit. Overhead per job = (tuning job − direct) × ${WORKERS} / ${JOBS}. A slot's idle time is from
one job's end (its record written Completed) to the next job's process start in that slot: noticing the end,
the suggestion (in-process for Random, in the worker thread for Bayesian), preparing the child request and its
directory, and the spawn.
"launch after an end" stops at the new job's record being created.

${table}`);
}

const date = new Date().toISOString().slice(0, 10);
const command = `npm run bench:tuning${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
const out = new URL(
  args.out
    ? `./results/${args.out}`
    : `./results/tuning-${date}${args.only || args["skip-real"] || args["skip-sim"] ? "-partial" : ""}.md`,
  import.meta.url,
);
writeFileSync(
  out,
  `# bench:tuning, ${date}\n\nCommand: \`${command}\`\nMachine: ${machineDescription()}; Python ${args.python}\n\n${sections.join("\n\n")}\n`,
);
console.log(`\nwrote ${out.pathname.replace(/.*\/bench\//, "bench/")}`);
