import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../src/clock.js";
import { parseTuningJobRequest } from "../src/config/tuning-job-request.js";
import { SimulatedExecutor } from "../src/executors/index.js";
import { SqliteStore } from "../src/store/index.js";
import { runTuningJob, suggestInProcess } from "../src/tuner/index.js";

/**
 * A store on a read-only mount (bubblewrap's --ro-bind, which holds for root too; without bubblewrap, a
 * directory without write permission for a user who is not root): every command that only reads answers as
 * it does on a writable store, and every command that writes exits 6 with one clear line.
 */
const MAIN = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const HAS_BWRAP = spawnSync("bwrap", ["--ro-bind", "/", "/", "true"]).status === 0;
const IS_ROOT = process.getuid?.() === 0;
const root = mkdtempSync(join(tmpdir(), "tunekit-ro-"));
const dir = join(root, "store");
const storePath = join(dir, "tunekit.db");
const oldStore = join(dir, "old.db");
afterAll(() => {
  chmodSync(dir, 0o755);
  rmSync(root, { recursive: true, force: true });
});

function tunekit(readOnly: boolean, args: string[]) {
  const command = [process.execPath, "--import", "tsx", MAIN, ...args];
  const argv =
    readOnly && HAS_BWRAP
      ? [
          "bwrap",
          "--bind",
          "/",
          "/",
          "--dev-bind",
          "/dev",
          "/dev",
          "--proc",
          "/proc",
          "--ro-bind",
          dir,
          dir,
          ...command,
        ]
      : command;
  const run = spawnSync(argv[0] as string, argv.slice(1), {
    encoding: "utf8",
    env: { ...process.env, TUNEKIT_HOME: join(root, "home") },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  const store = new SqliteStore(storePath);
  const executor = new SimulatedExecutor(
    store,
    "loss",
    (hp) => ({ values: [1, 0.5, (hp.x as number) ** 2], epochSeconds: 60 }),
    new ManualClock(Date.UTC(2026, 10, 30)),
  );
  const request = {
    HyperParameterTuningJobName: "frozen",
    HyperParameterTuningJobConfig: {
      Strategy: "Random",
      RandomSeed: 3,
      HyperParameterTuningJobObjective: { Type: "Minimize", MetricName: "loss" },
      ResourceLimits: { MaxNumberOfTrainingJobs: 6, MaxParallelTrainingJobs: 2 },
      ParameterRanges: { ContinuousParameterRanges: [{ Name: "x", MinValue: "0", MaxValue: "1" }] },
    },
    TrainingJobDefinition: {
      AlgorithmSpecification: {
        TrainingImage: "x",
        TrainingInputMode: "File",
        MetricDefinitions: [{ Name: "loss", Regex: "loss=(\\S+)" }],
      },
    },
  };
  await runTuningJob({ store, job: parseTuningJobRequest(request), executor, suggest: suggestInProcess });
  await store.createTrainingJob({ name: "logged", hyperparameters: {}, jobDir: dir, now: 1 });
  await store.appendLog("logged", 0, "epoch 1 loss=0.5\n", 1);
  mkdirSync(join(dir, "done"));
  await store.createTrainingJob({ name: "done", hyperparameters: {}, jobDir: join(dir, "done"), now: 1 });
  await store.updateTrainingJob("done", { status: "Completed", endedAt: 2, now: 2 });
  await store.close();
  copyFileSync(join(FIXTURES, "store-schema-1.db"), oldStore);
  if (!HAS_BWRAP) chmodSync(dir, 0o555);
});

const child = async () => {
  const store = new SqliteStore(storePath);
  try {
    return (await store.listTrainingJobs({ tuningJobName: "frozen" }))[0]?.name as string;
  } finally {
    await store.close();
  }
};

describe.skipIf(!HAS_BWRAP && IS_ROOT)("a read-only store", () => {
  it("answers every command that only reads it as a writable store does", async () => {
    const name = await child();
    chmodSync(dir, 0o755);
    const reads = [
      ["list"],
      ["list", "--json"],
      ["list-training-jobs", "--tuning-job", "frozen"],
      ["describe", "frozen"],
      ["describe", name],
      ["jobs", "frozen"],
      ["metrics", name, "--json"],
      ["analytics", "frozen"],
      ["importance", "frozen", "--json"],
      ["logs", "logged"],
      ["watch", "frozen", "--once"],
    ].map((args) => [...args, "--store", storePath]);
    const writable = reads.map((args) => tunekit(false, args));
    if (!HAS_BWRAP) chmodSync(dir, 0o555);
    reads.forEach((args, i) => {
      const run = tunekit(true, args);
      expect(run.err, args.join(" ")).toBe("");
      expect(run.code, args.join(" ")).toBe(0);
      // Describe's runtime of a finished job and the watch view's clock are the same; only "now" could differ.
      expect(run.out, args.join(" ")).toBe(writable[i]?.out);
    });
    const report = tunekit(true, ["report", "frozen", "-o", join(root, "frozen.html"), "--store", storePath]);
    expect(report.code, report.err).toBe(0);
  });

  it("refuses every command that writes with exit code 6 and one line saying why", async () => {
    for (const args of [
      ["stop", "logged"],
      ["delete", "done"],
      ["prune", "--older-than", "0s"],
    ]) {
      const run = tunekit(true, [...args, "--store", storePath]);
      expect(run.code, args.join(" ")).toBe(6);
      expect(run.err.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(run.err).toContain("is read-only");
      expect(run.err).toContain("[E_STORE_READ_ONLY]");
      const json = tunekit(true, [...args, "--store", storePath, "--json"]);
      expect(JSON.parse(json.err).error.code).toBe("E_STORE_READ_ONLY");
    }
    expect(existsSync(join(dir, "done"))).toBe(true);
  });

  it("refuses a store of an older schema, which it cannot upgrade, and a store it cannot create", async () => {
    const old = tunekit(true, ["list", "--store", oldStore]);
    expect(old.code).toBe(6);
    expect(old.err).toContain("must be upgraded once where it can be written");
    const missing = tunekit(true, ["list", "--store", join(dir, "missing.db")]);
    expect(missing.code).toBe(6);
    expect(missing.err).toContain("none can be made");
  });
});
