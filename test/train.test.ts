import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../src/store/index.js";
import { waitFor } from "./support/wait-for.js";

/**
 * `tunekit train` end to end: real scripts in real child processes, under
 * bubblewrap where it is installed, with the store and job directories in a
 * temporary home.
 */
const PYTHON = process.env.TUNEKIT_TEST_PYTHON ?? "/usr/bin/python3";
const MAIN = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const FIXTURES = fileURLToPath(new URL("./fixtures/jobs/", import.meta.url));
const HAS_BWRAP = spawnSync("bwrap", ["--version"]).status === 0;

// biome-ignore lint/suspicious/noExplicitAny: tests patch arbitrary request fields, including invalid ones.
type RequestPatch = Record<string, any>;

const root = mkdtempSync(join(tmpdir(), "tunekit-train-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** A fresh workspace: the contract fixture copied in, and a tunekit home. */
function workspace() {
  const base = join(root, `w${counter++}`);
  const dir = join(base, "work");
  cpSync(join(FIXTURES, "contract"), dir, { recursive: true });
  cpSync(join(FIXTURES, "scripts"), join(dir, "scripts"), { recursive: true });
  return { dir, home: join(base, "home") };
}

function request(dir: string, patch: (r: RequestPatch) => void): string {
  const r = JSON.parse(readFileSync(join(dir, "request.json"), "utf8"));
  patch(r);
  const file = join(dir, `request-${counter++}.json`);
  writeFileSync(file, JSON.stringify(r));
  return file;
}

const s3Args = (dir: string) => [
  "--s3-map",
  `s3://my-bucket/source=${dir}`,
  "--s3-map",
  `s3://my-bucket/data=${join(dir, "data")}`,
  "--s3-map",
  `s3://my-bucket/output=${join(dir, "out")}`,
  "--python",
  PYTHON,
];

function tunekit(home: string, args: string[]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, TUNEKIT_HOME: home },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function tunekitAsync(
  home: string,
  args: string[],
): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string }> } {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    env: { ...process.env, TUNEKIT_HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout?.on("data", (c) => {
    stdout += c;
  });
  const done = new Promise<{ code: number | null; stdout: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout })),
  );
  return { child, done };
}

function describeJob(home: string, name: string) {
  const run = tunekit(home, ["describe", name, "--training-job", "--json"]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("tunekit train", () => {
  it.each([
    ["Python", "train.py", HAS_BWRAP ? "auto" : "none"],
    ["Node", "train.mjs", HAS_BWRAP ? "auto" : "none"],
    ["Python without the sandbox", "train.py", "none"],
  ])("runs a %s script that checks the whole contract from the inside", (_, program, sandbox) => {
    const { dir, home } = workspace();
    const file = request(dir, (r) => {
      r.HyperParameters.sagemaker_program = program;
      r.Environment.EXPECT_OPT_ML = sandbox === "auto" ? "1" : "0";
    });
    const run = tunekit(home, ["train", file, ...s3Args(dir), "--sandbox", sandbox]);
    expect(run.stdout).not.toContain("CONTRACT VIOLATION");
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("RoleArn is an AWS setting with no local meaning; ignored");
    expect(run.stdout).toContain("TrainingImage");
    if (sandbox === "none") expect(run.stdout).toContain("not at /opt/ml");
    const view = describeJob(home, "contract-check");
    expect(view).toMatchObject({
      TrainingJobName: "contract-check",
      TrainingJobStatus: "Completed",
      SecondaryStatus: "Completed",
      HyperParameters: { learning_rate: "5e-05" },
      AlgorithmSpecification: { TrainingInputMode: "File" },
      OutputDataConfig: { S3OutputPath: "s3://my-bucket/output" },
      // Where SageMaker would have put it; --s3-map says which directory holds that URI here.
      ModelArtifacts: { S3ModelArtifacts: "s3://my-bucket/output/contract-check/output/model.tar.gz" },
    });
    expect(view.SecondaryStatusTransitions.map((t: { Status: string }) => t.Status)).toEqual([
      "Starting",
      "Downloading",
      "Training",
      "Uploading",
      "Completed",
    ]);
    expect(view.FinalMetricDataList.map((m: { MetricName: string }) => m.MetricName)).toEqual(["f1", "loss"]);
    const model = join(dir, "out", "contract-check", "output", "model.tar.gz");
    const listing = spawnSync("tar", ["-tzf", model], { encoding: "utf8" }).stdout;
    expect(listing).toMatch(/model\.(txt|json)/);
    const metrics = tunekit(home, ["metrics", "contract-check", "--json"]);
    expect(metrics.code, metrics.stderr).toBe(0);
    expect(JSON.parse(metrics.stdout).map((row: { metric_name: string }) => row.metric_name)).toContain("f1");
    const csv = tunekit(home, ["metrics", "contract-check", "--format", "csv"]).stdout.trim().split("\n");
    expect(csv[0]).toBe("timestamp,metric_name,value");
    expect(csv.length).toBe(JSON.parse(metrics.stdout).length + 1);
  });

  it("reads channels given as relative file:// URIs, relative to the request file", () => {
    const { dir, home } = workspace();
    const file = request(dir, (r) => {
      r.InputDataConfig[0].DataSource.S3DataSource.S3Uri = "file://./data/training";
      r.InputDataConfig[1].DataSource.S3DataSource.S3Uri = "file://../work/data/validation";
      r.Environment.EXPECT_OPT_ML = "0";
    });
    const run = tunekit(home, ["train", file, ...s3Args(dir), "--sandbox", "none", "--quiet"]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(describeJob(home, "contract-check").InputDataConfig[0].DataSource.S3DataSource.S3Uri).toBe(
      "file://./data/training",
    );
  });

  it("runs two jobs at once, each in its own directory, neither seeing the other's files", async () => {
    const { dir, home } = workspace();
    const runs = ["contract-a", "contract-b"].map((name) => {
      const file = request(dir, (r) => {
        r.TrainingJobName = name;
        r.Environment.EXPECT_JOB_NAME = name;
        r.Environment.EXPECT_OPT_ML = HAS_BWRAP ? "1" : "0";
        r.Environment.HOLD_SECONDS = "2";
      });
      return tunekitAsync(home, ["train", file, ...s3Args(dir), "--cpus", "1"]);
    });
    const results = await Promise.all(runs.map((r) => r.done));
    for (const result of results) {
      expect(result.stdout).not.toContain("CONTRACT VIOLATION");
      expect(result.code, result.stdout).toBe(0);
    }
  });

  it("fails a job with the reason its failure file gives, first 1024 characters", async () => {
    const { dir, home } = workspace();
    const file = request(dir, (r) => {
      r.TrainingJobName = "failing";
      r.HyperParameters.sagemaker_program = "scripts/fail.py";
    });
    const run = tunekit(home, ["train", file, ...s3Args(dir)]);
    expect(run.code).toBe(1);
    const view = describeJob(home, "failing");
    expect(view.TrainingJobStatus).toBe("Failed");
    expect(view.FailureReason).toMatch(/^ValueError: column 'label' missing/);
    expect(view.FailureReason).toHaveLength(1024);
    expect(view.ModelArtifacts).toBeUndefined();
  });

  it("ends a failed job's summary with its last log lines", async () => {
    const { dir, home } = workspace();
    const file = request(dir, (r) => {
      r.TrainingJobName = "crashing";
      r.HyperParameters.sagemaker_program = "scripts/crash.py";
    });
    const run = tunekit(home, ["train", file, ...s3Args(dir), "--quiet"]);
    expect(run.code).toBe(1);
    const summary = run.stdout.slice(run.stdout.indexOf("crashing: Failed"));
    expect(summary).toMatch(/^crashing: Failed \(AlgorithmError: exit code 1; last log lines:\)\n/);
    expect(summary).toContain("  epoch 2 loss=0.8\n");
    expect(summary.trimEnd()).toMatch(/ZeroDivisionError: float division by zero$/);
  });

  it("refuses a Python interpreter that does not exist before creating the job", async () => {
    const { dir, home } = workspace();
    const file = request(dir, () => {});
    const run = tunekit(home, ["train", file, ...s3Args(dir), "--python", join(dir, "no-such-python"), "--json"]);
    expect(run.code).toBe(2);
    const error = JSON.parse(run.stderr).error;
    expect(error.code).toBe("E_PYTHON_NOT_FOUND");
    expect(error.message).toContain("no-such-python");
    expect(existsSync(join(home, "jobs"))).toBe(false);
    expect(JSON.parse(tunekit(home, ["list-training-jobs", "--json"]).stdout)).toEqual({ TrainingJobSummaries: [] });
  });

  it("stops a job that exceeds its runtime and ignores SIGTERM: SIGKILL after the grace period, nothing left running", async () => {
    const { dir, home } = workspace();
    const file = request(dir, (r) => {
      r.TrainingJobName = "stubborn";
      r.HyperParameters.sagemaker_program = "scripts/stubborn.sh";
      r.StoppingCondition.MaxRuntimeInSeconds = 1;
    });
    writeFileSync(join(dir, "config.json"), JSON.stringify({ stopGraceSeconds: 1 }));
    // The script never ends by itself: that this returns at all is the stop working.
    const run = tunekit(home, ["train", file, ...s3Args(dir), "--config", join(dir, "config.json")]);
    expect(run.code).toBe(1);
    const view = describeJob(home, "stubborn");
    expect(view).toMatchObject({ TrainingJobStatus: "Stopped", SecondaryStatus: "MaxRuntimeExceeded" });
    expect(run.stdout).toContain("sending SIGKILL");
    const pid = Number(/started (\d+)/.exec(run.stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(groupAlive(pid)).toBe(false);
  });

  it("keeps up with a script that prints a million lines, capping the log but still reading metrics", async () => {
    const { dir, home } = workspace();
    const file = request(dir, (r) => {
      r.TrainingJobName = "chatty";
      r.HyperParameters.sagemaker_program = "scripts/chatty.py";
      r.AlgorithmSpecification.MetricDefinitions = [{ Name: "loss", Regex: "loss=([0-9.e-]+)" }];
    });
    writeFileSync(join(dir, "config.json"), JSON.stringify({ logCapBytes: 1_000_000 }));
    const run = tunekit(home, ["train", file, ...s3Args(dir), "--config", join(dir, "config.json"), "--quiet"]);
    expect(run.code, run.stderr).toBe(0);
    const log = await readLog(home, "chatty");
    expect(log.length).toBeLessThan(1_100_000);
    expect(log).toContain("log capped at 1000000 bytes");
    const view = describeJob(home, "chatty");
    expect(view.FinalMetricDataList).toEqual([expect.objectContaining({ MetricName: "loss", Value: 0.125 })]);
    const store = new SqliteStore(join(home, "tunekit.db"));
    expect(await store.listMetricPoints("chatty", { metricName: "loss" })).toHaveLength(1_000_001);
    await store.close();
  });

  it("retries a job killed from outside as a further attempt that resumes from its checkpoint", async () => {
    const { dir, home } = workspace();
    const file = request(dir, (r) => {
      r.TrainingJobName = "resumed";
      r.HyperParameters.sagemaker_program = "scripts/checkpoint.py";
      r.CheckpointConfig = { S3Uri: "s3://my-bucket/output/checkpoints" };
      r.RetryStrategy = { MaximumRetryAttempts: 2 };
    });
    const run = tunekit(home, ["train", file, ...s3Args(dir)]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain("attempt 1 failed: killed by SIGKILL");
    expect(run.stdout).toContain("resumed from epoch=1");
    expect(describeJob(home, "resumed")).toMatchObject({ TrainingJobStatus: "Completed", RetryAttempt: 1 });
    expect(readFileSync(join(dir, "out", "checkpoints", "state.txt"), "utf8")).toBe("epoch=1");
  });

  it("never lets a shell see a hyperparameter value", async () => {
    const { dir, home } = workspace();
    const sentinel = join(dir, "pwned");
    const file = request(dir, (r) => {
      r.TrainingJobName = "quoted";
      r.HyperParameters = {
        sagemaker_program: "scripts/echo.sh",
        sagemaker_submit_directory: "s3://my-bucket/source",
        evil: `$(touch ${sentinel}) \`touch ${sentinel}\`; touch ${sentinel} "q" 'q'`,
      };
    });
    writeFileSync(join(dir, "scripts", "echo.sh"), 'for a in "$@"; do echo "arg: $a"; done\n');
    const run = tunekit(home, ["train", file, ...s3Args(dir)]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain(`arg: $(touch ${sentinel})`);
    expect(existsSync(sentinel)).toBe(false);
  });

  it("stops a running job on `tunekit stop` from another process, and on Ctrl-C", async () => {
    const { dir, home } = workspace();
    const file = request(dir, (r) => {
      r.TrainingJobName = "sleepy";
      r.HyperParameters.sagemaker_program = "scripts/sleepy.py";
    });
    const first = tunekitAsync(home, ["train", file, ...s3Args(dir)]);
    await waitFor(async () => first.child.stdout !== null && (await readLog(home, "sleepy")).includes("sleeping"));
    const stop = tunekit(home, ["stop", "sleepy"]);
    expect(stop.code, stop.stderr).toBe(0);
    expect((await first.done).code).toBe(1);
    expect(describeJob(home, "sleepy")).toMatchObject({ TrainingJobStatus: "Stopped", SecondaryStatus: "Stopped" });

    const second = request(dir, (r) => {
      r.TrainingJobName = "interrupted";
      r.HyperParameters.sagemaker_program = "scripts/sleepy.py";
    });
    const run = tunekitAsync(home, ["train", second, ...s3Args(dir)]);
    await waitFor(async () => (await readLog(home, "interrupted")).includes("sleeping"));
    run.child.kill("SIGINT");
    expect((await run.done).code).toBe(130);
    expect(describeJob(home, "interrupted").TrainingJobStatus).toBe("Stopped");
  });

  it("gives a job that handles SIGTERM its grace period, and keeps what it saved", async () => {
    const { dir, home } = workspace();
    const file = request(dir, (r) => {
      r.TrainingJobName = "graceful";
      r.HyperParameters.sagemaker_program = "scripts/graceful.py";
    });
    const run = tunekitAsync(home, ["train", file, ...s3Args(dir)]);
    await waitFor(async () => (await readLog(home, "graceful")).includes("sleeping"));
    expect(tunekit(home, ["stop", "graceful"]).code).toBe(0);
    const { stdout } = await run.done;
    expect(stdout).toContain("saved on SIGTERM");
    const view = describeJob(home, "graceful");
    expect(view.TrainingJobStatus).toBe("Stopped");
    expect(view.ModelArtifacts.S3ModelArtifacts).toBe("s3://my-bucket/output/graceful/output/model.tar.gz");
    const model = join(dir, "out", "graceful", "output", "model.tar.gz");
    const listing = spawnSync("tar", ["-tzf", model], { encoding: "utf8" }).stdout;
    expect(listing).toContain("saved-on-sigterm.txt");
  });

  it.each([HAS_BWRAP ? "auto" : "none", "none"])(
    "leaves no orphan when tunekit itself is killed with SIGKILL (sandbox %s)",
    async (sandbox) => {
      const { dir, home } = workspace();
      const name = `orphan-${sandbox}`;
      const file = request(dir, (r) => {
        r.TrainingJobName = name;
        r.HyperParameters.sagemaker_program = "scripts/sleepy.py";
      });
      const run = tunekitAsync(home, ["train", file, ...s3Args(dir), "--sandbox", sandbox]);
      await waitFor(async () => (await readLog(home, name)).includes("sleeping"));
      const store = new SqliteStore(join(home, "tunekit.db"));
      const pgid = (await store.getLease("training-job", name))?.pgid as number;
      await store.close();
      expect(groupAlive(pgid)).toBe(true);
      run.child.kill("SIGKILL");
      await run.done;
      if (sandbox === "auto") {
        await waitFor(() => !groupAlive(pgid)); // bwrap --die-with-parent
      } else {
        expect(groupAlive(pgid)).toBe(true);
      }
      const stop = tunekit(home, ["stop", name]);
      expect(stop.code, stop.stderr).toBe(0);
      expect(groupAlive(pgid)).toBe(false);
      expect(describeJob(home, name)).toMatchObject({
        TrainingJobStatus: "Failed",
        FailureReason: expect.stringContaining("exited while it ran"),
      });
    },
  );
});

/** A job's log as the store holds it (empty before the job exists). */
async function readLog(home: string, name: string): Promise<string> {
  const path = join(home, "tunekit.db");
  if (!existsSync(path)) return "";
  const store = new SqliteStore(path);
  try {
    return (await store.readLog(name)).map((c) => c.text).join("");
  } finally {
    await store.close();
  }
}

describe("tunekit train: dependencies, logs and housekeeping", () => {
  function scriptJob(dir: string, name: string, source: string, program: string) {
    cpSync(join(FIXTURES, source), join(dir, source), { recursive: true });
    return request(dir, (r) => {
      r.TrainingJobName = name;
      r.HyperParameters = { sagemaker_program: program, sagemaker_submit_directory: source };
      delete r.InputDataConfig;
    });
  }

  it("installs requirements.txt once into a cached environment that still sees the system's packages", async () => {
    const { dir, home } = workspace();
    const runs = ["venv-a", "venv-b"].map((name) =>
      tunekit(home, ["train", scriptJob(dir, name, "deps-python", "train.py"), ...s3Args(dir)]),
    );
    for (const run of runs) {
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(/prefix .*\/cache\/venvs\/[0-9a-f]{16}/);
    }
    expect(runs[0]?.stdout).toContain("creating environment");
    expect(runs[0]?.stdout).toContain("Requirement already satisfied: pip");
    expect(runs[1]?.stdout).toContain("reusing environment");
    expect(runs[1]?.stdout).not.toContain("Requirement already satisfied");
  });

  it("installs package.json dependencies with npm ci, cached by the lock file", async () => {
    const { dir, home } = workspace();
    const run = tunekit(home, ["train", scriptJob(dir, "npm-job", "deps-node", "train.cjs"), ...s3Args(dir)]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("hello from a dependency");
  });

  it("follows a running job's log until the job ends", async () => {
    const { dir, home } = workspace();
    writeFileSync(
      join(dir, "scripts", "ticks.py"),
      "import time\nfor i in range(5):\n    print('tick', i, flush=True)\n    time.sleep(0.3)\n",
    );
    const file = request(dir, (r) => {
      r.TrainingJobName = "ticking";
      r.HyperParameters.sagemaker_program = "scripts/ticks.py";
    });
    const job = tunekitAsync(home, ["train", file, ...s3Args(dir), "--quiet"]);
    await waitFor(async () => (await readLog(home, "ticking")).includes("tick 0"));
    const follow = tunekitAsync(home, ["logs", "ticking", "--follow"]);
    const [followed] = await Promise.all([follow.done, job.done]);
    expect(followed.code).toBe(0);
    for (let i = 0; i < 5; i++) expect(followed.stdout).toContain(`tick ${i}`);
    expect(followed.stdout).toContain("finished: completed");
  });

  it("deletes a finished job, refuses a running one, and prunes by age", async () => {
    const { dir, home } = workspace();
    const sleepy = request(dir, (r) => {
      r.TrainingJobName = "busy";
      r.HyperParameters.sagemaker_program = "scripts/sleepy.py";
    });
    const running = tunekitAsync(home, ["train", sleepy, ...s3Args(dir)]);
    await waitFor(async () => (await readLog(home, "busy")).includes("sleeping"));
    expect(tunekit(home, ["delete", "busy"]).code).toBe(5);
    tunekit(home, ["stop", "busy"]);
    await running.done;
    expect(existsSync(join(home, "jobs", "busy"))).toBe(true);
    const deleted = tunekit(home, ["delete", "busy"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(existsSync(join(home, "jobs", "busy"))).toBe(false);
    expect(tunekit(home, ["describe", "busy"]).code).toBe(3);

    const quick = request(dir, (r) => {
      r.TrainingJobName = "old-job";
      r.Environment.EXPECT_JOB_NAME = "old-job";
      r.Environment.EXPECT_OPT_ML = HAS_BWRAP ? "1" : "0";
    });
    expect(tunekit(home, ["train", quick, ...s3Args(dir), "--quiet"]).code).toBe(0);
    expect(JSON.parse(tunekit(home, ["prune", "--older-than", "1h", "--json"]).stdout)).toEqual({ deleted: [] });
    expect(JSON.parse(tunekit(home, ["prune", "--older-than", "0s", "--dry-run", "--json"]).stdout)).toEqual({
      wouldDelete: ["old-job"],
    });
    expect(JSON.parse(tunekit(home, ["prune", "--older-than", "0s", "--json"]).stdout)).toEqual({
      deleted: ["old-job"],
    });
    expect(existsSync(join(home, "jobs", "old-job"))).toBe(false);
    expect(tunekit(home, ["prune", "--older-than", "seven days"]).code).toBe(2);
  });
});

const GLUE = fileURLToPath(new URL("../../shared/data/glue", import.meta.url));

describe("the training-job example", () => {
  it.skipIf(!existsSync(join(GLUE, "MRPC")))("runs unchanged against the real GLUE MRPC data", () => {
    const dir = join(root, `example-${counter++}`);
    cpSync(fileURLToPath(new URL("../examples/train-job", import.meta.url)), dir, { recursive: true });
    const config = join(dir, "local.json");
    writeFileSync(
      config,
      JSON.stringify({
        s3Map: {
          "s3://my-bucket/code/sourcedir": dir,
          "s3://my-bucket/glue": GLUE,
          "s3://my-bucket/output": join(dir, "out"),
        },
        python: PYTHON,
      }),
    );
    const home = join(dir, "home");
    const run = tunekit(home, ["train", join(dir, "request.json"), "--config", config]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout.match(/'f1_': /g)).toHaveLength(5);
    const f1 = describeJob(home, "mrpc-overlap-lr").FinalMetricDataList.find(
      (m: { MetricName: string }) => m.MetricName === "f1_score",
    );
    // Always predicting "paraphrase" gives 0.812 on dev; the features must do at least about as well.
    expect(f1.Value).toBeGreaterThan(0.75);
  });
});

describe("tunekit train: bad requests", () => {
  const cases: [string, (r: RequestPatch) => void, string, RegExp][] = [
    ["a missing required field", (r) => delete r.OutputDataConfig, "OutputDataConfig", /expected object/i],
    ["a bad job name", (r) => (r.TrainingJobName = "bad_name!"), "TrainingJobName", /letters, digits and hyphens/],
    [
      "a regex that does not compile",
      (r) => (r.AlgorithmSpecification.MetricDefinitions = [{ Name: "f1", Regex: "f1: ([0-9" }]),
      "AlgorithmSpecification.MetricDefinitions[0].Regex",
      /does not compile/,
    ],
    [
      "a regex without a capture group",
      (r) => (r.AlgorithmSpecification.MetricDefinitions = [{ Name: "f1", Regex: "f1: [0-9.]+" }]),
      "AlgorithmSpecification.MetricDefinitions[0].Regex",
      /capture group/,
    ],
    [
      "a channel path that does not exist",
      (r) => (r.InputDataConfig[1].DataSource.S3DataSource.S3Uri = "no/such/dir"),
      "InputDataConfig[1].DataSource.S3DataSource.S3Uri",
      /does not exist/,
    ],
    [
      "a location on a storage tunekit does not read",
      (r) => (r.OutputDataConfig.S3OutputPath = "gs://other-bucket/out"),
      "OutputDataConfig.S3OutputPath",
      /unsupported URI scheme/,
    ],
    ["an over-long value", (r) => (r.HyperParameters.note = "x".repeat(2501)), "HyperParameters.note", /2500/],
    [
      "several instances",
      (r) => (r.ResourceConfig.InstanceCount = 2),
      "ResourceConfig.InstanceCount",
      /not supported yet/,
    ],
    ["an unknown field", (r) => (r.HyperParameterz = {}), "request", /unknown field/],
    [
      'a channel named ".."',
      (r) => (r.InputDataConfig[0].ChannelName = ".."),
      "InputDataConfig[0].ChannelName",
      /may not be named/,
    ],
    ['a channel named "."', (r) => (r.InputDataConfig[0].ChannelName = "."), "InputDataConfig[0].ChannelName", /"\."/],
    [
      "an S3 key that climbs out of its mapped directory",
      (r) => (r.InputDataConfig[0].DataSource.S3DataSource.S3Uri = "s3://my-bucket/data/../../../../../etc/ssl"),
      "InputDataConfig[0].DataSource.S3DataSource.S3Uri",
      /"\.\." segment/,
    ],
    [
      "a file URI of another host",
      (r) => (r.InputDataConfig[1].DataSource.S3DataSource.S3Uri = "file://elsewhere/data"),
      "InputDataConfig[1].DataSource.S3DataSource.S3Uri",
      /not a file URI of this machine/,
    ],
  ];
  it.each(cases)("rejects %s with a clear error and creates nothing", (_, patch, field, message) => {
    const { dir, home } = workspace();
    const file = request(dir, patch);
    const run = tunekit(home, ["train", file, ...s3Args(dir), "--json"]);
    expect(run.code).toBe(2);
    const error = JSON.parse(run.stderr).error;
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
    expect(existsSync(join(home, "jobs"))).toBe(false);
    const list = tunekit(home, ["list-training-jobs", "--json"]);
    expect(JSON.parse(list.stdout)).toEqual({ TrainingJobSummaries: [] });
  });
});
