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

  it("lists tuning jobs as a table and as JSON", async () => {
    const table = tunekit("list", "--store", storePath);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/lr-search\s+study\s+InProgress\s+Random\s+2\/3\s+0\.9/);
    const rows = JSON.parse(tunekit("list", "--store", storePath, "--json").out) as { name: string; best: number }[];
    expect(rows.find((r) => r.name === "lr-search")?.best).toBe(0.9);
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
