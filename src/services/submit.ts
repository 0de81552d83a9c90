import { hostname } from "node:os";
import type { Clock } from "../clock.js";
import { parseTuningJobRequest } from "../config/tuning-job-request.js";
import { TunekitError } from "../errors.js";
import { checkRequestFor, type JobSettings, prepareTrainingJob, runOptionsOf, runTrainingJob } from "../jobs/index.js";
import { freshSeed } from "../random.js";
import type { Lease, Store, TrainingJobRecord, TuningJobRecord } from "../store/index.js";
import { checkTuningJob, leaseOwner } from "../tuner/index.js";

/**
 * Creating jobs for a controller to run: the request is validated exactly as
 * `tunekit tune` and `tunekit train` validate it (SageMaker's rules, then this
 * machine: paths, interpreters, regexes), and the record is created with the
 * options it runs with. A taken name is SageMaker's ResourceInUse. Nothing is
 * created when a check fails.
 */

function nameTaken(kind: string, name: string): TunekitError {
  return new TunekitError("E_RESOURCE_IN_USE", `ResourceInUse: a ${kind} named ${name} already exists`, {
    field: kind === "tuning job" ? "HyperParameterTuningJobName" : "TrainingJobName",
  });
}

/** A CreateHyperParameterTuningJob request, checked and stored InProgress for a controller to pick up. */
export async function createTuningJob(
  store: Store,
  request: unknown,
  settings: JobSettings,
  clock: Clock,
): Promise<TuningJobRecord> {
  const job = parseTuningJobRequest(request);
  await checkTuningJob(store, job, (child) => checkRequestFor(child, settings));
  const name = job.request.HyperParameterTuningJobName;
  if (await store.getTuningJob(name)) throw nameTaken("tuning job", name);
  try {
    return await store.createTuningJob({
      name,
      kind: "tuning-job",
      config: job.request,
      seed: job.request.HyperParameterTuningJobConfig.RandomSeed ?? freshSeed(),
      runOptions: runOptionsOf(settings),
      now: clock.now(),
    });
  } catch (error) {
    if ((error as TunekitError).code === "E_STORE_ALREADY_EXISTS") throw nameTaken("tuning job", name);
    throw error;
  }
}

/**
 * A CreateTrainingJob request, checked and stored InProgress. With `lease`, it is created under a lease
 * already taken on its name (`tunekit train` runs it here at once); without, a controller picks it up.
 */
export async function createTrainingJob(
  store: Store,
  request: unknown,
  settings: JobSettings,
  clock: Clock,
  lease?: Lease,
): Promise<TrainingJobRecord> {
  const prepared = checkRequestFor(request, settings);
  const name = prepared.request.TrainingJobName;
  // The store refuses a name that is taken (E_STORE_ALREADY_EXISTS) in the create itself: no read before it.
  try {
    return await store.createTrainingJob(
      {
        name,
        hyperparameters: prepared.request.HyperParameters,
        request: prepared.request,
        secondaryStatus: "Starting",
        runOptions: runOptionsOf(settings),
        now: clock.now(),
      },
      lease,
    );
  } catch (error) {
    if ((error as TunekitError).code === "E_STORE_ALREADY_EXISTS") throw nameTaken("training job", name);
    throw error;
  }
}

/**
 * Runs a CreateTrainingJob request in this process (`tunekit train`, the SDK's Estimator without a server):
 * the lease is taken before the record exists, so no controller sharing the store picks the job up.
 */
export async function runTrainingJobHere(
  store: Store,
  request: unknown,
  settings: JobSettings,
  clock: Clock,
  options: { onLine?: (line: string) => void; signal?: AbortSignal } = {},
): Promise<TrainingJobRecord> {
  const job = prepareTrainingJob(request, settings);
  const name = job.request.TrainingJobName;
  const lease = await store.acquireLease({
    kind: "training-job",
    name,
    owner: leaseOwner(name),
    ttlMs: settings.leaseTtlMs,
    host: hostname(),
    pid: process.pid,
  });
  if (!lease) throw nameTaken("training job", name);
  const record = await createTrainingJob(store, request, settings, clock, lease).catch(async (error) => {
    await store.releaseLease(lease);
    throw error;
  });
  return runTrainingJob({
    store,
    job,
    settings,
    record,
    clock,
    lease,
    ...(options.onLine ? { onLine: options.onLine } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
