// What bench:store makes the stores do: a tuning job of many finished training jobs written as the tuner writes
// them, single writes, and the store calls of one training job's life.
import { performance } from "node:perf_hooks";
import { createRng } from "../src/random.js";
import type { Lease, Store } from "../src/store/index.js";

/** A child job's CreateTrainingJob request as the tuner stores it (about 1 kB of JSON). */
const childRequest = (name: string, lr: number) => ({
  TrainingJobName: name,
  RoleArn: "arn:aws:iam::123456789012:role/SageMakerRole",
  AlgorithmSpecification: { TrainingImage: "pytorch-training:2.1-cpu-py310", TrainingInputMode: "File" },
  HyperParameters: { learning_rate: String(lr), epochs: "3", sagemaker_program: '"train.py"' },
  InputDataConfig: [{ ChannelName: "training", DataSource: { S3DataSource: { S3Uri: "s3://bucket/glue/MRPC" } } }],
  OutputDataConfig: { S3OutputPath: "s3://bucket/output" },
  ResourceConfig: { InstanceType: "ml.m5.xlarge", InstanceCount: 1, VolumeSizeInGB: 30 },
  StoppingCondition: { MaxRuntimeInSeconds: 3600 },
});

/** The tuning job "big" with `jobs` finished trials, written through the store as the tuner writes them. */
export async function populate(store: Store, jobs: number): Promise<void> {
  await store.createTuningJob({ name: "big", kind: "tuning-job", config: {}, seed: 1, now: 0 });
  const rng = createRng(1, "bench-store");
  for (let i = 0; i < jobs; i++) {
    const name = `big-${i}`;
    const lr = 1e-5 * 100 ** rng.next();
    await store.createTrainingJob({
      name,
      tuningJobName: "big",
      trialIndex: i,
      hyperparameters: { learning_rate: lr },
      request: childRequest(name, lr),
      now: i * 1000,
    });
    await store.updateTrainingJob(name, {
      status: "Completed",
      objectiveValue: rng.next(),
      objectiveStatus: "Succeeded",
      startedAt: i * 1000,
      endedAt: i * 1000 + 900,
      now: i * 1000 + 900,
    });
  }
}

/**
 * One training job's life as a controller and its job runner write and read it: created under the tuning job's
 * lease at the next trial index, leased itself, its secondary statuses, three log chunks and three batches of metric
 * points, a heartbeat, stop-request polls, its end, and the controller's reads when it ends. `launch` serialises the
 * creations, as one controller launches its jobs one at a time.
 */
async function life(store: Store, tuningJob: string, fence: Lease, i: number, launch: Launcher): Promise<void> {
  const name = `${tuningJob}-${i}`;
  await launch(async () => {
    const trialIndex = (await store.getTuningJob(tuningJob))?.trialCount as number;
    await store.createTrainingJob(
      { name, tuningJobName: tuningJob, trialIndex, hyperparameters: { i }, request: childRequest(name, i), now: i },
      fence,
    );
  });
  const own = (await store.acquireLease({ kind: "training-job", name, owner: "runner", ttlMs: 30_000 })) as Lease;
  await store.updateTrainingJob(name, { secondaryStatus: "Starting", now: i }, { fence });
  await store.updateTrainingJob(name, { secondaryStatus: "Training", startedAt: i, now: i }, { fence });
  for (let k = 0; k < 3; k++) {
    await store.appendLog(name, 0, `epoch ${k} f1=0.${k}\n`, i, fence);
    await store.appendMetricPoints(name, 0, [{ metricName: "f1", value: k / 10, timestamp: i }], fence);
    await store.pendingStopRequests("training-job", name);
  }
  await store.renewLease(own, 30_000);
  await store.updateTrainingJob(
    name,
    { secondaryStatus: "Uploading", modelArtifacts: "/out/model.tar.gz", now: i },
    { fence },
  );
  await store.updateTrainingJob(
    name,
    { status: "Completed", objectiveValue: 0.2, objectiveStatus: "Succeeded", endedAt: i, now: i },
    { from: ["InProgress"], fence },
  );
  await store.releaseLease(own);
  await store.getTrainingJob(name);
  await store.listObjectiveResults(tuningJob);
  await store.countTrainingJobs(tuningJob);
  await store.bestTrainingJob(tuningJob, "Maximize");
}

type Launcher = (fn: () => Promise<void>) => Promise<void>;

/** Runs functions one after another, in the order they were handed over. */
function launcher(): Launcher {
  let last = Promise.resolve();
  return (fn) => {
    const run = last.then(fn);
    last = run.catch(() => {});
    return run;
  };
}

/** Milliseconds per job life: `count` of them, `width` at once, in a tuning job of their own. */
export async function lives(store: Store, label: string, count: number, width: number): Promise<number> {
  await store.createTuningJob({ name: label, kind: "tuning-job", config: {}, seed: 1, now: 0 });
  const fence = (await store.acquireLease({
    kind: "tuning-job",
    name: label,
    owner: "controller",
    ttlMs: 600_000,
  })) as Lease;
  const launch = launcher();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < count; i = next++) await life(store, label, fence, i, launch);
    }),
  );
  return (performance.now() - started) / count;
}

export const WRITES: [string, (s: Store, fence: Lease, i: number) => Promise<unknown>][] = [
  [
    "createTrainingJob (a trial, under a lease)",
    async (s, fence, i) =>
      s.createTrainingJob(
        {
          name: `w-${i}`,
          tuningJobName: "writes",
          trialIndex: i,
          hyperparameters: {},
          request: childRequest(`w-${i}`, i),
          now: i,
        },
        fence,
      ),
  ],
  [
    "updateTrainingJob (compare-and-set, under a lease)",
    (s, fence, i) =>
      s.updateTrainingJob(
        `w-${i}`,
        { status: "Completed", objectiveValue: i, objectiveStatus: "Succeeded", now: i },
        { from: ["InProgress"], fence },
      ),
  ],
  [
    "appendMetricPoints (3 points)",
    (s, fence, i) =>
      s.appendMetricPoints(
        `w-${i}`,
        0,
        [0, 1, 2].map((k) => ({ metricName: "f1", value: k, timestamp: i })),
        fence,
      ),
  ],
  ["appendLog", (s, fence, i) => s.appendLog(`w-${i}`, 0, `line ${i}\n`, i, fence)],
  ["renewLease", (s, fence) => s.renewLease(fence, 600_000)],
];
