import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { groupAlive } from "../src/jobs/process-group.js";
import { SqliteStore } from "../src/store/index.js";
import { waitFor } from "./support/wait-for.js";

/** `tunekit tune` end to end: a real tuning job of real Python training jobs, in a temporary home. */
const PYTHON = process.env.TUNEKIT_TEST_PYTHON ?? "/usr/bin/python3";
const MAIN = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const CODE = fileURLToPath(new URL("./fixtures/jobs/tuning/", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "tunekit-tune-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

// biome-ignore lint/suspicious/noExplicitAny: tests patch arbitrary request fields, including invalid ones.
type RequestPatch = Record<string, any>;

function setup(patch: (r: RequestPatch) => void = () => {}) {
  const dir = join(root, `t${counter++}`);
  const request = JSON.parse(readFileSync(join(CODE, "tuning-job.json"), "utf8"));
  patch(request);
  const file = join(root, `request-${counter++}.json`);
  writeFileSync(file, JSON.stringify(request));
  const args = [
    "tune",
    file,
    "--s3-map",
    `s3://my-bucket/code=${CODE}`,
    "--s3-map",
    `s3://my-bucket/output=${join(dir, "out")}`,
    "--python",
    PYTHON,
  ];
  return { home: join(dir, "home"), args };
}

function tunekit(home: string, args: string[]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, TUNEKIT_HOME: home },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("tunekit tune", () => {
  it("runs MaxNumberOfTrainingJobs jobs, MaxParallelTrainingJobs at a time, and reports the best", async () => {
    const { home, args } = setup();
    const run = tunekit(home, args);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const store = new SqliteStore(join(home, "tunekit.db"));
    const jobs = await store.listTrainingJobs({ tuningJobName: "tune-check" });
    await store.close();
    expect(jobs).toHaveLength(8);
    for (const [i, job] of jobs.entries()) {
      expect(job.name).toMatch(new RegExp(`^tune-check-${String(i + 1).padStart(3, "0")}-[0-9a-f]{8}$`));
      expect(job.status).toBe("Completed");
      expect(job.objectiveStatus).toBe("Succeeded");
      const hps = (job.request as { HyperParameters: Record<string, string> }).HyperParameters;
      expect(hps).toMatchObject({ epochs: "3", _tuning_objective_metric: "val_loss", optimizer: expect.any(String) });
      // The objective is the last value emitted: the third epoch's.
      expect(job.objectiveValue).toBeCloseTo(
        (Math.log10(Number(hps.learning_rate)) + 3) ** 2 + 0.1 * (Number(hps.layers) - 3) ** 2 + 1 / 3,
        5,
      );
    }
    const view = JSON.parse(tunekit(home, ["describe", "tune-check", "--json"]).stdout);
    expect(view).toMatchObject({
      HyperParameterTuningJobStatus: "Completed",
      TrainingJobStatusCounters: { Completed: 8, InProgress: 0 },
      ObjectiveStatusCounters: { Succeeded: 8 },
    });
    const best = Math.min(...jobs.map((j) => j.objectiveValue as number));
    expect(view.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric).toEqual({
      Type: "Minimize",
      MetricName: "val_loss",
      Value: best,
    });
    // The analytics table reads into pandas as the seed's code expects.
    const csv = tunekit(home, ["analytics", "tune-check"]).stdout;
    const pandas = spawnSync(
      PYTHON,
      [
        "-c",
        "import io, sys, pandas; df = pandas.read_csv(io.StringIO(sys.stdin.read())); print(list(df.columns)); print(len(df), df['FinalObjectiveValue'].dtype, df['learning_rate'].dtype, df['TrainingElapsedTimeSeconds'].dtype)",
      ],
      { input: csv, encoding: "utf8" },
    );
    expect(pandas.stderr).toBe("");
    expect(pandas.stdout.split("\n")).toEqual([
      "['layers', 'learning_rate', 'optimizer', 'TrainingJobName', 'TrainingJobStatus', 'FinalObjectiveValue', 'TrainingStartTime', 'TrainingEndTime', 'TrainingElapsedTimeSeconds']",
      "8 float64 float64 float64",
      "",
    ]);
    const jsonl = tunekit(home, ["analytics", "tune-check", "--format", "jsonl"]).stdout.trim().split("\n");
    expect(jsonl.map((l) => JSON.parse(l).TrainingJobName)).toEqual(jobs.map((j) => j.name));
    // The learning rate moves the loss most; the optimizer not at all.
    const measured = JSON.parse(tunekit(home, ["importance", "tune-check", "--json"]).stdout);
    const importance = measured.importance as { layers: number; learning_rate: number; optimizer: number };
    expect(measured).toMatchObject({ tuningJob: "tune-check", results: 8 });
    expect(Object.keys(importance).sort()).toEqual(["layers", "learning_rate", "optimizer"]);
    expect(importance.learning_rate).toBeGreaterThan(importance.optimizer);
    expect(Object.values(importance).reduce((a: number, b) => a + (b as number), 0)).toBeLessThanOrEqual(1.0001);
    // Two at a time: no third job started before one of the first two ended.
    const third = jobs[2]?.createdAt as number;
    expect(Math.min(jobs[0]?.endedAt as number, jobs[1]?.endedAt as number)).toBeLessThanOrEqual(third);
  });

  it("stops a tuning job whose every job fails after a few, with a clear reason", async () => {
    const { home, args } = setup((r) => {
      r.HyperParameterTuningJobName = "all-fail";
      r.HyperParameterTuningJobConfig.ParameterRanges.CategoricalParameterRanges[0].Values = ["broken"];
    });
    const run = tunekit(home, args);
    expect(run.code).toBe(1);
    const view = JSON.parse(tunekit(home, ["describe", "all-fail", "--json"]).stdout);
    expect(view.HyperParameterTuningJobStatus).toBe("Failed");
    expect(view.FailureReason).toMatch(/all failed to produce the objective metric val_loss/);
    expect(view.TrainingJobStatusCounters.NonRetryableError).toBeLessThanOrEqual(4);
  });

  it("stops its running training jobs on Ctrl-C and ends Stopped", async () => {
    const { home, args } = setup((r) => {
      r.HyperParameterTuningJobName = "interrupted";
      r.TrainingJobDefinition.StaticHyperParameters.sleep = "30";
    });
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
      env: { ...process.env, TUNEKIT_HOME: home },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout?.on("data", (c) => {
      out += c;
    });
    const done = new Promise<number | null>((resolve) => child.on("close", resolve));
    await waitFor(() => (out.match(/start /g) ?? []).length >= 2);
    await new Promise((r) => setTimeout(r, 1000));
    child.kill("SIGINT");
    expect(await done).toBe(130);
    const view = JSON.parse(tunekit(home, ["describe", "interrupted", "--json"]).stdout);
    expect(view.HyperParameterTuningJobStatus).toBe("Stopped");
    expect(view.TrainingJobStatusCounters).toMatchObject({ Stopped: 2, InProgress: 0 });
  });

  const bad: [string, (r: RequestPatch) => void, string, RegExp][] = [
    [
      "an objective metric that no definition emits",
      (r) => (r.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.MetricName = "f1"),
      "HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.MetricName",
      /A metric is required for this hyperparameter tuning job objective/,
    ],
    ["a bad name", (r) => (r.HyperParameterTuningJobName = "x".repeat(33)), "HyperParameterTuningJobName", /1 to 32/],
    [
      "Grid with fewer combinations than jobs",
      (r) => {
        r.HyperParameterTuningJobConfig.Strategy = "Grid";
        delete r.HyperParameterTuningJobConfig.ParameterRanges.ContinuousParameterRanges;
        delete r.HyperParameterTuningJobConfig.ParameterRanges.IntegerParameterRanges;
      },
      "HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs",
      /combinations for the provided ranges \[2\] must be equal or greater than the value of MaxNumberOfJobs, \[8\]/,
    ],
    [
      "Hyperband with early stopping",
      (r) => {
        r.HyperParameterTuningJobConfig.Strategy = "Hyperband";
        r.HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType = "Auto";
      },
      "HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType",
      /must be Off with the Hyperband strategy/,
    ],
    [
      "Hyperband without MaxResource or an epochs hyperparameter",
      (r) => {
        r.HyperParameterTuningJobConfig.Strategy = "Hyperband";
        delete r.TrainingJobDefinition.StaticHyperParameters.epochs;
      },
      "HyperParameterTuningJobConfig.StrategyConfig.HyperbandStrategyConfig.MaxResource",
      /is required unless the static hyperparameters give the number of epochs/,
    ],
    [
      "a completion criterion below SageMaker's minimum",
      (r) =>
        (r.HyperParameterTuningJobConfig.TuningJobCompletionCriteria = {
          BestObjectiveNotImproving: { MaxNumberOfTrainingJobsNotImproving: 2 },
        }),
      "HyperParameterTuningJobConfig.TuningJobCompletionCriteria.BestObjectiveNotImproving.MaxNumberOfTrainingJobsNotImproving",
      />=3/,
    ],
    [
      "a warm start from a parent that does not exist",
      (r) =>
        (r.WarmStartConfig = {
          ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: "no-such-parent" }],
          WarmStartType: "TransferLearning",
        }),
      "WarmStartConfig.ParentHyperParameterTuningJobs[0].HyperParameterTuningJobName",
      /no tuning job is named no-such-parent/,
    ],
    [
      "a bad range",
      (r) => (r.HyperParameterTuningJobConfig.ParameterRanges.IntegerParameterRanges[0].MinValue = "9"),
      "HyperParameterTuningJobConfig.ParameterRanges.IntegerParameterRanges[0]",
      /min <= max/,
    ],
    [
      "a definition whose code is not where it says",
      (r) => (r.TrainingJobDefinition.StaticHyperParameters.sagemaker_program = '"missing.py"'),
      "TrainingJobDefinition.HyperParameters.sagemaker_program",
      /missing\.py is not in/,
    ],
  ];
  it.each(bad)("rejects %s before creating anything", (_, patch, field, message) => {
    const { home, args } = setup(patch);
    const run = tunekit(home, [...args, "--json"]);
    expect(run.code, run.stderr).toBe(2);
    const error = JSON.parse(run.stderr).error;
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
    expect(JSON.parse(tunekit(home, ["list", "--json"]).stdout)).toEqual({ HyperParameterTuningJobSummaries: [] });
  });
});

describe("tunekit tune: early stopping, recovery and faults", () => {
  it("stops poor jobs early (Auto) on a script that emits its objective every epoch", async () => {
    const { home, args } = setup((r) => {
      r.HyperParameterTuningJobName = "median-rule";
      r.HyperParameterTuningJobConfig.Strategy = "Random";
      r.HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType = "Auto";
      r.HyperParameterTuningJobConfig.ResourceLimits = { MaxNumberOfTrainingJobs: 12, MaxParallelTrainingJobs: 2 };
      r.TrainingJobDefinition.StaticHyperParameters.epochs = "6";
      r.TrainingJobDefinition.StaticHyperParameters.sleep = "0.2";
    });
    const run = tunekit(home, [...args, "--slots", "2"]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const store = new SqliteStore(join(home, "tunekit.db"));
    const jobs = await store.listTrainingJobs({ tuningJobName: "median-rule" });
    const stopped = jobs.filter((j) => j.stopReason === "early-stopping");
    const points = new Map<string, number>();
    for (const j of jobs) points.set(j.name, (await store.listMetricPoints(j.name, { metricName: "val_loss" })).length);
    await store.close();
    expect(jobs).toHaveLength(12);
    expect(stopped.length).toBeGreaterThan(0);
    for (const job of stopped) {
      expect(job.status).toBe("Stopped");
      expect(points.get(job.name)).toBeLessThan(6);
      expect(job.objectiveStatus).toBe("Succeeded");
    }
    expect(run.stdout).toMatch(/stop +median-rule-\d{3}-[0-9a-f]{8} +early-stopping: epoch \d/);
  });

  // With bubblewrap the killed tuner's jobs die with it; without, they live on and the resumed tuner ends them.
  it.each(["auto", "none"])(
    "resumes after the tuner is killed with SIGKILL (sandbox %s): no job lost or run twice, exactly MaxNumberOfTrainingJobs",
    async (sandbox) => {
      const { home, args } = setup((r) => {
        r.HyperParameterTuningJobName = "killed";
        r.HyperParameterTuningJobConfig.Strategy = "Random";
        r.HyperParameterTuningJobConfig.ResourceLimits = { MaxNumberOfTrainingJobs: 6, MaxParallelTrainingJobs: 2 };
        // Jobs of 3 x 4 s: long enough to still be running when the killed tuner's store is read on a busy machine.
        r.TrainingJobDefinition.StaticHyperParameters.sleep = "4";
      });
      const tuner = spawn(process.execPath, ["--import", "tsx", MAIN, ...args, "--slots", "2", "--sandbox", sandbox], {
        env: { ...process.env, TUNEKIT_HOME: home },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      tuner.stdout?.on("data", (c) => {
        out += c;
      });
      const exited = new Promise((resolve) => tuner.on("close", resolve));
      await waitFor(() => (out.match(/start /g) ?? []).length >= 3);
      // Kill only once a running job's process group is known and alive, so "lost" jobs have something to lose.
      await waitFor(async () => {
        const peek = new SqliteStore(join(home, "tunekit.db"));
        try {
          for (const job of await peek.listTrainingJobs({ tuningJobName: "killed" })) {
            if (job.status !== "InProgress") continue;
            const pgid = (await peek.getLease("training-job", job.name))?.pgid ?? 0;
            if (pgid > 0 && groupAlive(pgid)) return true;
          }
          return false;
        } finally {
          await peek.close();
        }
      });
      tuner.kill("SIGKILL");
      await exited;

      let store = new SqliteStore(join(home, "tunekit.db"));
      const left = await store.listTrainingJobs({ tuningJobName: "killed" });
      const lost = left.filter((j) => j.status === "InProgress").map((j) => j.name);
      const groups: number[] = [];
      for (const name of lost) {
        const pgid = (await store.getLease("training-job", name))?.pgid ?? 0;
        if (pgid > 0) groups.push(pgid);
      }
      await store.close();
      expect(lost.length).toBeGreaterThan(0);
      expect(groups.length).toBeGreaterThan(0); // a job just created may not have its process yet
      // Without the sandbox the jobs outlive the tuner.
      if (sandbox === "none") expect(groups.some(groupAlive)).toBe(true);

      // The same request again: refused while changed, resumed when the same.
      const changed = setup((r) => {
        r.HyperParameterTuningJobName = "killed";
        r.HyperParameterTuningJobConfig.ResourceLimits = { MaxNumberOfTrainingJobs: 7, MaxParallelTrainingJobs: 2 };
      });
      const refused = tunekit(home, [...changed.args, "--json"]);
      expect(refused.code).toBe(5);
      expect(JSON.parse(refused.stderr).error.message).toMatch(/ResourceInUse/);

      const resumed = tunekit(home, ["resume", "killed"]);
      expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(/resumed; running again: /);
      store = new SqliteStore(join(home, "tunekit.db"));
      const jobs = await store.listTrainingJobs({ tuningJobName: "killed" });
      const tuning = await store.getTuningJob("killed");
      await store.close();
      expect(tuning?.status).toBe("Completed");
      // Whatever the killed tuner left running is gone: no process of its jobs' groups survives.
      for (const group of groups) expect(groupAlive(group)).toBe(false);
      expect(jobs).toHaveLength(6);
      expect(jobs.map((j) => j.trialIndex)).toEqual([0, 1, 2, 3, 4, 5]);
      for (const job of jobs) {
        expect(job.status).toBe("Completed");
        expect(job.objectiveStatus).toBe("Succeeded");
        // A job the killed tuner was running ran again under its name, as a further attempt.
        expect(job.retryAttempt).toBe(lost.includes(job.name) ? 1 : 0);
      }
    },
  );

  it("survives scripts that crash, hang, print NaN or garbage, or flood the log", async () => {
    const faults = ["none", "crash", "hang", "nan", "garbage", "flood"];
    const { home, args } = setup((r) => {
      r.HyperParameterTuningJobName = "faults";
      r.HyperParameterTuningJobConfig.Strategy = "Grid";
      r.HyperParameterTuningJobConfig.ResourceLimits = { MaxNumberOfTrainingJobs: 6, MaxParallelTrainingJobs: 2 };
      r.HyperParameterTuningJobConfig.ParameterRanges = {
        CategoricalParameterRanges: [{ Name: "fault", Values: faults }],
      };
      Object.assign(r.TrainingJobDefinition.StaticHyperParameters, {
        learning_rate: "0.001",
        layers: "3",
        optimizer: '"adam"',
      });
      // Only the hanging job should reach the limit: the flood (3.6 MB of output an epoch) took over 4 s on a
      // machine at a load of 9, and was stopped too.
      r.TrainingJobDefinition.StoppingCondition.MaxRuntimeInSeconds = 20;
    });
    const run = tunekit(home, [...args, "--slots", "2"]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const jobs = JSON.parse(
      tunekit(home, ["jobs", "faults", "--sort-by", "FinalObjectiveMetricValue", "--json"]).stdout,
    ).TrainingJobSummaries;
    // Only the jobs with a usable objective are listed when sorting by it.
    const byFault = new Map(
      JSON.parse(tunekit(home, ["jobs", "faults", "--json"]).stdout).TrainingJobSummaries.map(
        (j: { TunedHyperParameters: { fault: string } }) => [j.TunedHyperParameters.fault, j],
      ),
    );
    expect(byFault.get("none")).toMatchObject({ TrainingJobStatus: "Completed", ObjectiveStatus: "Succeeded" });
    expect(byFault.get("flood")).toMatchObject({ TrainingJobStatus: "Completed", ObjectiveStatus: "Succeeded" });
    expect(byFault.get("crash")).toMatchObject({ TrainingJobStatus: "Failed", ObjectiveStatus: "Failed" });
    expect((byFault.get("crash") as { FailureReason: string }).FailureReason).toMatch(/illegal memory access/);
    expect(byFault.get("hang")).toMatchObject({ TrainingJobStatus: "Stopped", ObjectiveStatus: "Succeeded" });
    expect(byFault.get("nan")).toMatchObject({ TrainingJobStatus: "Completed", ObjectiveStatus: "Failed" });
    expect(byFault.get("garbage")).toMatchObject({ TrainingJobStatus: "Completed", ObjectiveStatus: "Failed" });
    expect(jobs.map((j: { TunedHyperParameters: { fault: string } }) => j.TunedHyperParameters.fault).sort()).toEqual([
      "flood",
      "hang",
      "none",
    ]);
    const view = JSON.parse(tunekit(home, ["describe", "faults", "--json"]).stdout);
    expect(view).toMatchObject({
      HyperParameterTuningJobStatus: "Completed",
      HyperParameterTuningJobArn: expect.stringContaining("hyper-parameter-tuning-job/faults"),
      TrainingJobStatusCounters: { Completed: 4, Stopped: 1, NonRetryableError: 1, InProgress: 0 },
      ObjectiveStatusCounters: { Succeeded: 3, Failed: 3, Pending: 0 },
      TuningJobCompletionDetails: { NumberOfTrainingJobsObjectiveNotImproving: expect.any(Number) },
      ConsumedResources: { RuntimeInSeconds: expect.any(Number) },
    });
  });
});

describe("tunekit tune --detach, watch and stop", () => {
  it("runs a tuning job in the background, shows it with watch, and stops it from another process within a second", async () => {
    const { home, args } = setup((r) => {
      r.HyperParameterTuningJobName = "detached";
      r.HyperParameterTuningJobConfig.Strategy = "Random";
      r.HyperParameterTuningJobConfig.ResourceLimits = { MaxNumberOfTrainingJobs: 6, MaxParallelTrainingJobs: 2 };
      r.TrainingJobDefinition.StaticHyperParameters.sleep = "2";
    });
    const started = tunekit(home, [...args, "--detach"]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/started tuning job detached in the background \(pid \d+\)/);
    const watched = tunekit(home, ["watch", "detached", "--once"]);
    expect(watched.stdout).toMatch(/^detached {2}InProgress {2}Random {2}Minimize val_loss/);
    expect(watched.stdout).toMatch(/\/6 jobs/);

    const stop = tunekit(home, ["stop", "detached"]);
    expect(stop.stdout).toMatch(/asked .* to stop tuning job detached/);
    // The owner acts on the request (how soon is bench:tuning's business, not a test's): it ends Stopped.
    await waitFor(async () => {
      const store = new SqliteStore(join(home, "tunekit.db"));
      try {
        return (await store.getTuningJob("detached"))?.status === "Stopped";
      } finally {
        await store.close();
      }
    });
    const after = tunekit(home, ["watch", "detached"]);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/detached {2}Stopped/);
  });
});
