import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { CategoricalParameter, ContinuousParameter, IntegerParameter } from "../space/index.js";
import { Estimator, HyperparameterTuner, HyperparameterTuningJobAnalytics } from "./index.js";

/** The SDK facade end to end: real Python training jobs run through Estimator and HyperparameterTuner. */
const PYTHON = process.env.TUNEKIT_TEST_PYTHON ?? "/usr/bin/python3";
const CODE = fileURLToPath(new URL("../../test/fixtures/jobs/tuning/", import.meta.url));
const home = mkdtempSync(join(tmpdir(), "tunekit-sdk-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const estimator = () =>
  new Estimator({
    entryPoint: "objective.py",
    sourceDir: CODE,
    hyperparameters: { epochs: 2, optimizer: "adam" },
    metricDefinitions: [{ Name: "val_loss", Regex: "val_loss=([0-9\\.]+)" }],
    python: PYTHON,
    storePath: join(home, "tunekit.db"),
    slots: 2,
  });

const ranges = () => ({
  learning_rate: new ContinuousParameter(1e-5, 1e-1, "Logarithmic"),
  layers: new IntegerParameter(1, 6),
});

describe("SDK facade", () => {
  it("fits an Estimator as one training job", async () => {
    const e = new Estimator({
      ...estimator().options,
      hyperparameters: { epochs: 2, optimizer: "adam", learning_rate: 0.001, layers: 3 },
    });
    const job = await e.fit(undefined, { jobName: "sdk-single" });
    expect(job.TrainingJobStatus).toBe("Completed");
    const described = (await e.describe()) as { HyperParameters?: Record<string, string> };
    expect(described.HyperParameters).toMatchObject({
      epochs: "2",
      optimizer: '"adam"',
      sagemaker_program: '"objective.py"',
    });
    expect(await e.modelData()).toMatch(/model\.tar\.gz$/);
    await e.close();
  });

  it("tunes with HyperparameterTuner: fit, describe, bestTrainingJob, analytics, attach, warm start", async () => {
    const e = estimator();
    const tuner = new HyperparameterTuner(
      e,
      "val_loss",
      { ...ranges(), optimizer: new CategoricalParameter(["adam", "sgd"]) },
      {
        strategy: "Random",
        objectiveType: "Minimize",
        maxJobs: 4,
        maxParallelJobs: 2,
        randomSeed: 5,
      },
    );
    const request = tuner.request(undefined, "sdk-tune") as {
      TrainingJobDefinition: { StaticHyperParameters: object };
    };
    // A tuned hyperparameter is not also static.
    expect(request.TrainingJobDefinition.StaticHyperParameters).not.toHaveProperty("optimizer");
    await tuner.fit(undefined, { jobName: "sdk-tune" });
    const described = await tuner.describe();
    expect(described).toMatchObject({
      HyperParameterTuningJobStatus: "Completed",
      TrainingJobStatusCounters: { Completed: 4 },
      ObjectiveStatusCounters: { Succeeded: 4 },
    });
    const best = await tuner.bestTrainingJob();
    const rows = await tuner.analytics().dataframe();
    expect(rows).toHaveLength(4);
    expect(Object.keys(rows[0] as object)).toEqual(
      expect.arrayContaining([
        "learning_rate",
        "layers",
        "optimizer",
        "TrainingJobName",
        "TrainingJobStatus",
        "FinalObjectiveValue",
        "TrainingStartTime",
        "TrainingEndTime",
        "TrainingElapsedTimeSeconds",
      ]),
    );
    const minimum = Math.min(...rows.map((r) => r.FinalObjectiveValue as number));
    expect(rows.find((r) => r.TrainingJobName === best)?.FinalObjectiveValue).toBe(minimum);
    expect(
      await new HyperparameterTuningJobAnalytics("sdk-tune", { storePath: join(home, "tunekit.db") }).exportCsv(),
    ).toMatch(/^.*TrainingJobName.*\n/);

    const attached = await HyperparameterTuner.attach("sdk-tune", { storePath: join(home, "tunekit.db") });
    expect(await attached.bestTrainingJob()).toBe(best);
    await attached.wait();
    expect((await attached.describe()).HyperParameterTuningJobStatus).toBe("Completed");
    await attached.close();

    const child = tuner.transferLearningTuner();
    const warm = child.request(undefined, "sdk-child") as { WarmStartConfig: unknown };
    expect(warm.WarmStartConfig).toEqual({
      ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: "sdk-tune" }],
      WarmStartType: "TransferLearning",
    });
    await e.close();
  });

  it("stops a tuning job with stopTuningJob", async () => {
    const e = new Estimator({ ...estimator().options, hyperparameters: { epochs: 30, sleep: 0.2, optimizer: "adam" } });
    const tuner = new HyperparameterTuner(e, "val_loss", ranges(), {
      strategy: "Random",
      objectiveType: "Minimize",
      maxJobs: 6,
      maxParallelJobs: 2,
    });
    await tuner.fit(undefined, { jobName: "sdk-stop", wait: false });
    await new Promise((r) => setTimeout(r, 1500));
    await tuner.stopTuningJob();
    await tuner.wait();
    const described = await tuner.describe();
    expect(described.HyperParameterTuningJobStatus).toBe("Stopped");
    expect(described.TrainingJobStatusCounters).toMatchObject({ InProgress: 0, Completed: 0 });
    await e.close();
  });
});
