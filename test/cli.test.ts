import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CategoricalParameter, ContinuousParameter, createOptimizer, SqliteStore } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "tunekit-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const main = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const storePath = join(dir, "store.db");

function tunekit(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", main, ...args], {
    encoding: "utf8",
    env: { ...process.env, TUNEKIT_HOME: join(dir, "home") },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

beforeAll(async () => {
  const opt = await createOptimizer({
    name: "lr-search",
    strategy: "Random",
    objective: "Maximize",
    seed: 1,
    storage: storePath,
    ranges: { lr: new ContinuousParameter(1e-5, 1e-1), act: new CategoricalParameter(["relu", "tanh"]) },
  });
  await opt.tell((await opt.ask()).id, 0.7);
  await opt.tell((await opt.ask()).id, 0.9);
  await opt.ask();
  await opt.close();
  const store = new SqliteStore(storePath);
  await store.createTuningJob({
    name: "twin",
    kind: "study",
    config: { strategy: "Random", objective: "Minimize" },
    seed: 1,
    now: 1,
  });
  await store.createTrainingJob({ name: "twin", hyperparameters: {}, now: 1 });
  // A finished tuning job: 4 of its 20 jobs run, one stopped early and one failed.
  await store.createTuningJob({
    name: "tj",
    kind: "tuning-job",
    config: {
      HyperParameterTuningJobConfig: {
        Strategy: "Random",
        HyperParameterTuningJobObjective: { Type: "Minimize", MetricName: "loss" },
        ResourceLimits: { MaxNumberOfTrainingJobs: 20, MaxParallelTrainingJobs: 2 },
      },
    },
    seed: 1,
    now: 1,
  });
  const children: [string, "Completed" | "Stopped" | "Failed", number | null][] = [
    ["tj-001-0a1b2c3d", "Completed", 0.0746],
    ["tj-002-1a2b3c4d", "Completed", 1e-6],
    ["tj-003-2a3b4c5d", "Stopped", 0.5],
    ["tj-004-3a4b5c6d", "Failed", null],
  ];
  for (const [trialIndex, [name, status, value]] of children.entries()) {
    await store.createTrainingJob({
      name,
      tuningJobName: "tj",
      trialIndex,
      hyperparameters: { learning_rate: 1e-5 * (trialIndex + 1) },
      request: { AlgorithmSpecification: { MetricDefinitions: [{ Name: "loss", Regex: "loss=(\\S+)" }] } },
      jobDir: join(dir, name),
      now: 10 + trialIndex,
    });
    if (value !== null)
      await store.appendMetricPoints(name, 0, [{ metricName: "loss", value, timestamp: 20 + trialIndex }]);
    await store.updateTrainingJob(name, {
      status,
      objectiveValue: value,
      objectiveStatus: value === null ? "Failed" : "Succeeded",
      endedAt: 30 + trialIndex,
      now: 30 + trialIndex,
    });
  }
  await store.updateTuningJob("tj", { status: "Completed", endedAt: 40, now: 40 });
  // A tuning job whose stored request is not one (written by hand into the store): describing it fails in a way
  // no check foresees.
  await store.createTuningJob({ name: "broken-config", kind: "tuning-job", config: null, seed: 1, now: 3 });
  await store.createTrainingJob({ name: "with-log", hyperparameters: {}, now: 2 });
  await store.appendLog("with-log", 0, "epoch 1 f1_: 0.5\n", 2);
  await store.appendLog("with-log", 0, "epoch 2 f1_: 0.8\n", 3);
  await store.close();
});

describe("tunekit CLI", () => {
  it("has help for every command", async () => {
    const top = tunekit("--help");
    expect(top.code).toBe(0);
    for (const command of ["list", "list-training-jobs", "describe", "stop", "logs"]) {
      expect(top.out).toContain(command);
      const help = tunekit(command, "--help");
      expect(help.code).toBe(0);
      expect(help.out).toContain("--store");
      expect(help.out).toContain("Example");
    }
  });

  it("lists tuning jobs as a table: jobs run against the budget, the stopped and failed ones apart", async () => {
    const table = tunekit("list", "--store", storePath);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/NAME\s+KIND\s+STATUS\s+STRATEGY\s+TRIALS\s+STOPPED\s+FAILED\s+BEST\s+CREATED/);
    expect(table.out).toMatch(/lr-search\s+study\s+InProgress\s+Random\s+3\s+0\s+0\s+0\.9 \(max\)/);
    expect(table.out).toMatch(/tj\s+tuning-job\s+Completed\s+Random\s+4\/20\s+1\s+1\s+1e-06 \(min\)/);
  });

  it("lists tuning jobs as JSON in ListHyperParameterTuningJobs' shape", () => {
    const listed = JSON.parse(tunekit("list", "--store", storePath, "--json").out);
    expect(Object.keys(listed)).toEqual(["HyperParameterTuningJobSummaries"]);
    const byName = new Map(
      listed.HyperParameterTuningJobSummaries.map((s: { HyperParameterTuningJobName: string }) => [
        s.HyperParameterTuningJobName,
        s,
      ]),
    );
    expect(byName.get("tj")).toEqual({
      HyperParameterTuningJobName: "tj",
      HyperParameterTuningJobArn: "arn:tunekit:sagemaker:local:000000000000:hyper-parameter-tuning-job/tj",
      HyperParameterTuningJobStatus: "Completed",
      Strategy: "Random",
      CreationTime: new Date(1).toISOString(),
      HyperParameterTuningEndTime: new Date(40).toISOString(),
      LastModifiedTime: new Date(40).toISOString(),
      TrainingJobStatusCounters: { Completed: 2, InProgress: 0, RetryableError: 0, NonRetryableError: 1, Stopped: 1 },
      ObjectiveStatusCounters: { Succeeded: 3, Pending: 0, Failed: 1 },
      ResourceLimits: { MaxNumberOfTrainingJobs: 20, MaxParallelTrainingJobs: 2 },
      Kind: "tuning-job",
      BestTrainingJob: expect.objectContaining({
        TrainingJobName: "tj-002-1a2b3c4d",
        FinalHyperParameterTuningJobObjectiveMetric: { Type: "Minimize", MetricName: "loss", Value: 1e-6 },
      }),
    });
    expect(byName.get("lr-search")).toMatchObject({ Kind: "study", HyperParameterTuningJobStatus: "InProgress" });
    expect(byName.get("lr-search")).not.toHaveProperty("HyperParameterTuningJobArn");
  });

  it("lists training jobs as JSON in ListTrainingJobs' shape, and numbers as the script printed them", () => {
    const listed = JSON.parse(tunekit("list-training-jobs", "--tuning-job", "tj", "--store", storePath, "--json").out);
    expect(listed.TrainingJobSummaries).toHaveLength(4);
    expect(listed.TrainingJobSummaries[3]).toEqual({
      TrainingJobName: "tj-004-3a4b5c6d",
      TrainingJobArn: "arn:tunekit:sagemaker:local:000000000000:training-job/tj-004-3a4b5c6d",
      CreationTime: new Date(13).toISOString(),
      TrainingEndTime: new Date(33).toISOString(),
      LastModifiedTime: new Date(33).toISOString(),
      TrainingJobStatus: "Failed",
    });
    const table = tunekit("list-training-jobs", "--tuning-job", "tj", "--store", storePath).out;
    expect(table).toMatch(/tj-001-0a1b2c3d\s+Completed\s+0\.0746\s+learning_rate=1e-05\s/);
    expect(table).toMatch(/tj-002-1a2b3c4d\s+Completed\s+1e-06\s+learning_rate=2e-05\s/);
    expect(tunekit("metrics", "tj-001-0a1b2c3d", "--store", storePath).out).toMatch(/loss\s+0\.0746\n/);
  });

  it("says a tuning job is one where a training job is wanted, lists the known metrics, and suggests a full name", () => {
    const tuning = tunekit("metrics", "tj", "--store", storePath);
    expect(tuning.code).toBe(3);
    expect(tuning.err).toContain('"tj" is a tuning job, not a training job: `tunekit jobs tj`');
    const metric = tunekit("metrics", "tj-001-0a1b2c3d", "--metric", "f1", "--store", storePath, "--json");
    expect(metric.code).toBe(2);
    expect(JSON.parse(metric.err).error).toMatchObject({ code: "E_VALIDATION", field: "--metric" });
    expect(JSON.parse(metric.err).error.message).toContain('no metric named "f1"; its metrics are loss');
    const short = tunekit("describe", "TJ-002", "--store", storePath);
    expect(short.code).toBe(3);
    expect(short.err).toContain('did you mean "tj-002-1a2b3c4d"?');
  });

  it("prints usage errors and unexpected errors as one JSON object under --json", () => {
    const usage = tunekit("list", "--limit", "zero", "--store", storePath, "--json");
    expect(usage.code).toBe(2);
    expect(usage.out).toBe("");
    expect(JSON.parse(usage.err)).toEqual({ error: { code: "E_USAGE", message: expect.stringContaining("--limit") } });
    const unknown = tunekit("frobnicate", "--json");
    expect(JSON.parse(unknown.err).error.code).toBe("E_USAGE");
    const unexpected = tunekit("describe", "broken-config", "--store", storePath, "--json");
    expect(unexpected.code).toBe(1);
    expect(JSON.parse(unexpected.err)).toEqual({
      error: { code: "E_INTERNAL", message: expect.stringContaining("null") },
    });
  });

  it("uses TUNEKIT_HOME when no --store is given", async () => {
    expect(tunekit("list").out).toContain("no tuning jobs");
  });

  it("describes a tuning job with its best training job, and a training job", async () => {
    const described = JSON.parse(tunekit("describe", "lr-search", "--store", storePath).out);
    expect(described).toMatchObject({
      HyperParameterTuningJobName: "lr-search",
      TrainingJobStatusCounters: { Completed: 2, InProgress: 1 },
      BestTrainingJob: {
        TrainingJobName: "lr-search-001",
        FinalHyperParameterTuningJobObjectiveMetric: { Value: 0.9 },
      },
    });
    const trial = JSON.parse(tunekit("describe", "LR-SEARCH-000", "--store", storePath).out);
    expect(trial).toMatchObject({ TrainingJobName: "lr-search-000", TuningJobName: "lr-search", TrialIndex: 0 });
  });

  it("refuses an ambiguous name unless told which kind, and an unknown one", async () => {
    const ambiguous = tunekit("describe", "twin", "--store", storePath);
    expect(ambiguous.code).toBe(4);
    expect(ambiguous.err).toContain("--tuning-job or --training-job");
    expect(JSON.parse(tunekit("describe", "twin", "--training-job", "--store", storePath).out).TrainingJobName).toBe(
      "twin",
    );
    const missing = tunekit("describe", "nope", "--store", storePath, "--json");
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.err).error.code).toBe("E_NOT_FOUND");
  });

  it("prints a training job's log", async () => {
    const logs = tunekit("logs", "with-log", "--store", storePath);
    expect(logs.code).toBe(0);
    expect(logs.out).toBe("epoch 1 f1_: 0.5\nepoch 2 f1_: 0.8\n");
    expect(tunekit("logs", "lr-search-000", "--store", storePath).code).toBe(3);
  });

  it("stops a job nobody owns, then says it is no longer running", async () => {
    const stopped = tunekit("stop", "lr-search-002", "--store", storePath, "--json");
    expect(stopped.code).toBe(0);
    expect(JSON.parse(stopped.out)).toEqual({ kind: "training-job", name: "lr-search-002", action: "stopped" });
    const again = tunekit("stop", "lr-search-002", "--store", storePath);
    expect(again.code).toBe(5);
    expect(again.err).toContain("is Stopped");
  });

  it("leaves a stop request for a job whose owner holds a live lease", async () => {
    const store = new SqliteStore(storePath);
    await store.createTuningJob({
      name: "owned",
      kind: "study",
      config: { strategy: "Random", objective: "Maximize" },
      seed: 1,
      now: 1,
    });
    await store.acquireLease({ kind: "tuning-job", name: "owned", owner: "host:123", ttlMs: 3_600_000 });
    await store.close();
    const result = tunekit("stop", "owned", "--store", storePath);
    expect(result.code).toBe(0);
    expect(result.out).toContain("asked host:123");
    const after = new SqliteStore(storePath);
    expect((await after.getTuningJob("owned"))?.status).toBe("Stopping");
    expect(await after.pendingStopRequests("tuning-job", "owned")).toHaveLength(1);
    await after.close();
  });

  it("answers bad usage with exit code 2 and an unusable store with 6", async () => {
    expect(tunekit("list", "--limit", "zero", "--store", storePath).code).toBe(2);
    expect(tunekit("list", "--status", "Sleeping", "--store", storePath).code).toBe(2);
    expect(tunekit("frobnicate").code).toBe(2);
    const corrupt = join(dir, "corrupt.db");
    writeFileSync(corrupt, "definitely not sqlite, but long enough to have a header");
    const result = tunekit("list", "--store", corrupt);
    expect(result.code).toBe(6);
    expect(result.err).toContain("E_STORE_CORRUPT");
  });
});
