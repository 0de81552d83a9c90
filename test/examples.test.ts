import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { prepareSpamData } from "../examples/spam/prepare-data.js";
import { SqliteStore } from "../src/store/index.js";

/**
 * The seed workloads end to end: the README's demo (spam), the MRPC script
 * and a short version of the seed's tuning job, and the SQuAD example. The
 * training scripts run on slices for speed and once in full.
 */
const EXAMPLES = fileURLToPath(new URL("../examples/", import.meta.url));
const PYTHON = process.env.TUNEKIT_TEST_PYTHON ?? "/usr/bin/python3";
const MRPC = fileURLToPath(new URL("../../shared/data/glue/MRPC", import.meta.url));
const SQUAD = fileURLToPath(new URL("../../shared/data/squad", import.meta.url));
const hasTorch = spawnSync(PYTHON, ["-c", "import torch"]).status === 0;
const root = mkdtempSync(join(tmpdir(), "tunekit-examples-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(argv: string[], env: Record<string, string> = {}, cwd?: string) {
  const [command, ...args] = argv as [string, ...string[]];
  const result = spawnSync(command, args, {
    encoding: "utf8",
    env: { ...process.env, TUNEKIT_HOME: join(root, "home"), ...env },
    ...(cwd ? { cwd } : {}),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, all: result.stdout + result.stderr };
}
const tsx = (script: string, ...args: string[]) => [process.execPath, "--import", "tsx", script, ...args];

/**
 * Runs an example's driver (`examples/EXAMPLE/SCRIPT --jobs N`) into a store of its own, checks that its one
 * tuning job completed with N jobs, and returns what it printed, that job and the store's path.
 */
async function runDriver(example: string, script: string, jobs: number) {
  const store = join(root, example, "tunekit.db");
  const out = join(root, example, "out");
  const driver = run(tsx(join(EXAMPLES, example, script), "--jobs", String(jobs), "--store", store, "--out", out));
  expect(driver.code, driver.all).toBe(0);
  const db = new SqliteStore(store);
  try {
    const [job] = await db.listTuningJobs();
    if (!job) throw new Error("no tuning job in the store");
    expect(job.status).toBe("Completed");
    const trainingJobs = await db.listTrainingJobs({ tuningJobName: job.name });
    expect(trainingJobs).toHaveLength(jobs);
    return { stdout: driver.stdout, name: job.name, jobs: trainingJobs, store, out };
  } finally {
    await db.close();
  }
}

describe("the demo: a spam classifier written in TypeScript, tuned with Bayesian search and early stopping", () => {
  it("trains on a slice, printing validation F1 every epoch and saving the model", async () => {
    const data = join(root, "spam-slice");
    const { file } = prepareSpamData(join(root, "spam-full"));
    mkdirSync(data, { recursive: true });
    const lines = readFileSync(file, "utf8").trim().split("\n");
    writeFileSync(join(data, "mails.jsonl"), `${lines.filter((_, i) => i % 10 === 0).join("\n")}\n`);
    const model = join(root, "spam-model");
    mkdirSync(model);
    const env = { SM_CHANNEL_TRAINING: data, SM_MODEL_DIR: model };
    const script = join(EXAMPLES, "spam", "code", "train.ts");
    const trained = run(tsx(script, "--epochs", "2", "--learning_rate", "0.001"), env);
    expect(trained.code, trained.all).toBe(0);
    const f1s = [...trained.stdout.matchAll(/^epoch (\d): .* validation_f1=([0-9.]+)$/gm)];
    expect(f1s.map((m) => m[1])).toEqual(["1", "2"]);
    expect(readdirSync(model).sort()).toEqual(["embedding.f32", "model.json"]);

    const bad = run(tsx(script, "--learning_rate", "fast"), env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--learning_rate must be a number, got fast/);
  });

  it("runs as `npm run demo` does, with fewer jobs: a best job above the majority baseline, and the report", async () => {
    const { stdout, name, jobs, out } = await runDriver("spam", "demo.ts", 4);
    // Predicting "spam" for every mail gives F1 2p/(1+p) with p = 1,896/6,046 spam: 0.477. Predicting "ham" gives 0.
    const best = Math.max(...jobs.map((j) => j.objectiveValue ?? 0));
    expect(best).toBeGreaterThan(0.477);
    expect(stdout).toMatch(new RegExp(`best: ${name}-\\d{3}-[0-9a-f]{8} 0\\.9`));
    expect(stdout).toMatch(/the optimum was found after \d+ jobs?\./);
    expect(stdout).toMatch(/\d+ of 4 jobs ran near the optimum of learning_rate/);
    const html = readFileSync(join(out, `${name}-report.html`), "utf8");
    expect(html).toContain('<div id="findings">');
    expect(existsSync(join(out, `${name}-charts`, "objective-vs-learning_rate.png"))).toBe(true);
    expect(existsSync(join(out, `${name}-charts`, "objective-over-time.png"))).toBe(true);
  });
});

describe.skipIf(!hasTorch || !existsSync(MRPC))("MRPC with PyTorch, as the seed ran it", () => {
  const script = join(EXAMPLES, "mrpc", "code", "run_glue.py");
  /** run_glue.py on ../shared/data/glue/MRPC, writing to OUTPUT, with these arguments besides. */
  const runGlue = (output: string, ...args: string[]) =>
    run([PYTHON, script, "--data_dir", MRPC, "--output_dir", output, "--learning_rate", "5e-4", ...args]);
  const evaluations = (stdout: string) =>
    [...stdout.matchAll(/'acc_': ([0-9.]+), 'f1_': ([0-9.]+)/g)].map((m) => ({ acc: Number(m[1]), f1: Number(m[2]) }));

  it("on a slice: evaluates every epoch as the seed's regex reads it, takes booleans as values, saves the model", async () => {
    const output = join(root, "mrpc-slice");
    const trained = runGlue(
      output,
      "--max_train_examples",
      "300",
      "--num_train_epochs",
      "2",
      "--do_train",
      "True",
      "--do_lower_case",
      "False",
      "--model_name_or_path",
      "bert-base-uncased",
    );
    expect(trained.code, trained.all).toBe(0);
    expect(evaluations(trained.stdout)).toHaveLength(2);
    // The seed's metric definition, applied as the tuning job applies it.
    expect(trained.stdout.match(/'f1_': ([0-9.]+)/g)).toHaveLength(2);
    // No transformers here: it says so and trains its own model.
    expect(trained.stderr).toMatch(/transformers is not installed: training a small model from scratch/);
    expect(readdirSync(output).sort()).toEqual(["eval_results.json", "pytorch_model.bin"]);
    const results = JSON.parse(readFileSync(join(output, "eval_results.json"), "utf8"));
    expect(results.per_epoch).toHaveLength(2);

    const bad = run([PYTHON, script, "--data_dir", MRPC, "--do_train", "maybe"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--do_train: expected a boolean \(True\/False\), got 'maybe'/);
  });

  it("in full: trained from scratch it reaches dev F1 ≥ 0.83, above always predicting 1 (0.812)", async () => {
    const trained = runGlue(join(root, "mrpc-full"), "--num_train_epochs", "3", "--per_gpu_train_batch_size", "64");
    expect(trained.code, trained.all).toBe(0);
    const scores = evaluations(trained.stdout);
    expect(scores).toHaveLength(3);
    expect(Math.max(...scores.map((s) => s.f1))).toBeGreaterThanOrEqual(0.83);
  });

  it("runs the seed's tuning job, shortened to 3 jobs, for real: per-epoch F1 values, the best job, the report", async () => {
    const { name, jobs, store, out } = await runDriver("mrpc", "run.ts", 3);
    const db = new SqliteStore(store);
    try {
      for (const job of jobs) {
        expect(job.status).toBe("Completed");
        expect(await db.listMetricPoints(job.name, { metricName: "f1_score" })).toHaveLength(3);
      }
    } finally {
      await db.close();
    }
    expect(readFileSync(join(out, `${name}-report.html`), "utf8")).toContain('<div id="findings">');
  });
});

describe.skipIf(!existsSync(SQUAD))(
  "SQuAD: a span scorer tuned on half the dev set, reported on the other half",
  () => {
    it("tunes with a tuning job and scores the best hyperparameters on the held-out articles", async () => {
      const { stdout } = await runDriver("squad", "run.ts", 3);
      const held = /held-out half \(odd\)\s+([0-9.]+)\s+([0-9.]+)/.exec(stdout);
      expect(held, stdout).not.toBeNull();
      // An empty answer scores EM 0.03 and F1 0 (official-scores.json): the scorer must do far better.
      expect(Number(held?.[1])).toBeGreaterThan(3);
      expect(Number(held?.[2])).toBeGreaterThan(8);
    });
  },
);
