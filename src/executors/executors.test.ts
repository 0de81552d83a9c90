import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";
import { defaultJobSettings } from "../jobs/index.js";
import { SqliteStore, type Store } from "../store/index.js";
import { MemoryStore } from "../store/memory/memory-store.js";
import { type Behaviour, executorContract } from "./executor.contract.js";
import { LocalExecutor } from "./local-executor.js";
import { SimulatedExecutor, type SimulatedObjective } from "./simulated-executor.js";

const PYTHON = process.env.TUNEKIT_TEST_PYTHON ?? "/usr/bin/python3";
const CODE = fileURLToPath(new URL("../../test/fixtures/jobs/tuning/", import.meta.url));
const home = mkdtempSync(join(tmpdir(), "tunekit-executors-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));
let counter = 0;

const name = (index: number) => `contract-${String(index + 1).padStart(3, "0")}-${counter++}`;

/** The tuning job "contract", and a trial record of it as the tuner would create one. */
async function withTuningJob(store: Store, now: number) {
  await store.createTuningJob({ name: "contract", kind: "tuning-job", config: {}, seed: 1, now });
  return (index: number, request: Record<string, unknown>) =>
    store.createTrainingJob({
      name: (request.TrainingJobName as string | undefined) ?? name(index),
      tuningJobName: "contract",
      trialIndex: index,
      hyperparameters: { x: index },
      request,
      now,
    });
}

executorContract("simulated", async () => {
  const store = new MemoryStore();
  const behaviours = new Map<number, Behaviour>();
  const objective: SimulatedObjective = (_hp, { trialIndex }) => {
    const b = behaviours.get(trialIndex) as Behaviour;
    return { values: b.values, epochSeconds: b.seconds, ...(b.fails ? { fails: true } : {}) };
  };
  const executor = new SimulatedExecutor(store, "loss", objective);
  const create = await withTuningJob(store, executor.clock.now());
  return {
    store,
    executor,
    trial: (index, behaviour) => {
      behaviours.set(index, behaviour);
      return create(index, {});
    },
  };
});

executorContract("local", async () => {
  const dir = join(home, `h${counter++}`);
  const store = new SqliteStore(join(dir, "tunekit.db"));
  const settings = defaultJobSettings(dir, { python: PYTHON, stopGraceMs: 2000 });
  const executor = new LocalExecutor(store, settings);
  const create = await withTuningJob(store, executor.clock.now());
  return {
    store,
    executor,
    trial: (index, behaviour) => {
      const job = name(index);
      return create(index, {
        TrainingJobName: job,
        AlgorithmSpecification: {
          TrainingInputMode: "File",
          MetricDefinitions: [{ Name: "loss", Regex: "loss=([0-9.]+)" }],
        },
        HyperParameters: {
          sagemaker_program: '"emit.py"',
          sagemaker_submit_directory: JSON.stringify(CODE),
          values: behaviour.values.join(":"),
          seconds: String(behaviour.seconds),
          fail: behaviour.fails ? "yes" : "no",
        },
        OutputDataConfig: { S3OutputPath: join(dir, "out") },
        ResourceConfig: { InstanceType: "local", InstanceCount: 1 },
        StoppingCondition: { MaxRuntimeInSeconds: 60 },
      });
    },
  };
});
