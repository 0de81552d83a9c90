import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../../../test/support/redis-server.js";
import { defaultJobSettings } from "../../jobs/index.js";
import { SqliteStore, type Store } from "../../store/index.js";
import { executorContract } from "../executor.contract.js";
import { queueSettings } from "./protocol.js";
import { QueueExecutor } from "./queue-executor.js";
import { QueueWorker } from "./queue-worker.js";

const PYTHON = process.env.TUNEKIT_TEST_PYTHON ?? "/usr/bin/python3";
const CODE = fileURLToPath(new URL("../../../test/fixtures/jobs/tuning/", import.meta.url));
const home = mkdtempSync(join(tmpdir(), "tunekit-queue-executor-"));
let redis: TestRedis;
const workers: QueueWorker[] = [];
let counter = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const worker of workers) await worker.close({ stopJobs: true });
  await redis.close();
  rmSync(home, { recursive: true, force: true });
});

async function withTuningJob(store: Store, now: number) {
  await store.createTuningJob({ name: "contract", kind: "tuning-job", config: {}, seed: 1, now });
  return (index: number, request: Record<string, unknown>) =>
    store.createTrainingJob({
      name: request.TrainingJobName as string,
      tuningJobName: "contract",
      trialIndex: index,
      hyperparameters: { x: index },
      request,
      now,
    });
}

// The controller's executor and a worker in this process, meeting only through Redis and the store; the worker
// runs real Python jobs in a work directory of its own, with the code shipped to it as a source bundle.
executorContract("queue (BullMQ on Redis, one worker)", async () => {
  const dir = join(home, `h${counter++}`);
  const store = new SqliteStore(join(dir, "tunekit.db"));
  const queue = queueSettings(redis.url, { name: `contract-${counter}`, lockMs: 5000 });
  const controllerSettings = defaultJobSettings(join(dir, "controller"), { python: PYTHON, stopGraceMs: 2000 });
  const worker = new QueueWorker({
    store,
    queue,
    settings: defaultJobSettings(join(dir, "worker"), { python: PYTHON, stopGraceMs: 2000 }),
    slots: 2,
    name: `contract-worker-${counter}`,
    heartbeatMs: 500,
  });
  workers.push(worker);
  await worker.start();
  const executor = new QueueExecutor(store, controllerSettings, { queue });
  const create = await withTuningJob(store, executor.clock.now());
  return {
    store,
    executor,
    trial: (index, behaviour) => {
      const job = `contract-${String(index + 1).padStart(3, "0")}-${counter++}`;
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

it("fails a job naming a path its worker does not have, saying it may exist on the controller's machine only", async () => {
  const dir = join(home, "missing-path");
  const store = new SqliteStore(join(dir, "tunekit.db"));
  const queue = queueSettings(redis.url, { name: "missing-path", lockMs: 5000 });
  const worker = new QueueWorker({
    store,
    queue,
    settings: defaultJobSettings(join(dir, "worker"), { python: PYTHON }),
    slots: 1,
    name: "far-away",
  });
  workers.push(worker);
  await worker.start();
  const executor = new QueueExecutor(store, defaultJobSettings(join(dir, "controller"), { python: PYTHON }), { queue });
  const record = await store.createTrainingJob({
    name: "needs-data",
    hyperparameters: {},
    request: {
      TrainingJobName: "needs-data",
      AlgorithmSpecification: { TrainingInputMode: "File", MetricDefinitions: [] },
      HyperParameters: { sagemaker_program: '"emit.py"', sagemaker_submit_directory: JSON.stringify(CODE) },
      InputDataConfig: [
        { ChannelName: "train", DataSource: { S3DataSource: { S3Uri: "/srv/only-on-the-controller/train" } } },
      ],
      OutputDataConfig: { S3OutputPath: join(dir, "out") },
      ResourceConfig: { InstanceType: "local", InstanceCount: 1 },
      StoppingCondition: { MaxRuntimeInSeconds: 60 },
    },
    now: executor.clock.now(),
  });
  await executor.launch(record);
  let ended: string | undefined;
  for (let i = 0; i < 1000 && !ended; i++) {
    for (const event of await executor.next(executor.clock.now() + 1000)) {
      if (event.type === "ended") ended = `${event.record.status}: ${event.record.failureReason}`;
    }
  }
  expect(ended).toMatch(
    /^Failed: ClientError: InputDataConfig\[0\].*does not exist \(on worker far-away on .*controller's machine/,
  );
  await executor.close();
});

it("pins each job on a GPU worker to a GPU of its own with CUDA_VISIBLE_DEVICES, as a local job", async () => {
  const dir = join(home, "gpus");
  const store = new SqliteStore(join(dir, "tunekit.db"));
  const queue = queueSettings(redis.url, { name: "gpus", lockMs: 5000 });
  const machine = defaultJobSettings(join(dir, "worker"), { python: PYTHON, resources: { cpus: 2, gpus: ["0", "1"] } });
  const worker = new QueueWorker({ store, queue, settings: machine, slots: 2, name: "gpu-box" });
  workers.push(worker);
  await worker.start();
  const executor = new QueueExecutor(store, defaultJobSettings(join(dir, "controller"), { python: PYTHON }), { queue });
  const names = ["gpu-job-a", "gpu-job-b"];
  for (const name of names) {
    const record = await store.createTrainingJob({
      name,
      hyperparameters: {},
      request: {
        TrainingJobName: name,
        AlgorithmSpecification: {
          TrainingInputMode: "File",
          // Each sleeps long enough that the two hold both slots at once.
          ContainerEntrypoint: ["sh", "-c", 'echo "gpus=$CUDA_VISIBLE_DEVICES"; sleep 1'],
        },
        OutputDataConfig: { S3OutputPath: join(dir, "out") },
        ResourceConfig: { InstanceType: "ml.p3.2xlarge", InstanceCount: 1 },
        StoppingCondition: { MaxRuntimeInSeconds: 60 },
      },
      now: executor.clock.now(),
    });
    await executor.launch(record);
  }
  let ended = 0;
  for (let i = 0; i < 1000 && ended < 2; i++) {
    for (const event of await executor.next(executor.clock.now() + 1000)) {
      if (event.type === "ended") {
        expect(event.record.status).toBe("Completed");
        ended++;
      }
    }
  }
  const pinned = [];
  for (const name of names) {
    const log = (await store.readLog(name)).map((c) => c.text).join("");
    pinned.push(/^gpus=(\d*)$/m.exec(log)?.[1]);
  }
  expect(pinned.sort()).toEqual(["0", "1"]);
  await executor.close();
});
