import { type ParsedDefinition, type ParsedTuningJob, parseTuningJobRequest } from "../config/tuning-job-request.js";
import { TunekitError, ValidationError } from "../errors.js";
import type { Executor } from "../executors/executor.js";
import { freshSeed } from "../random.js";
import type { Lease, Store, TuningJobRecord } from "../store/index.js";
import { createStrategy, type StrategyName, type Suggestion, SuggestionWorker } from "../strategies/index.js";
import type { SuggestRequest } from "../strategies/suggest-request.js";
import { childJobName, childRequest } from "./child-job.js";
import { HyperbandRungs } from "./hyperband-rungs.js";
import { suggestInProcess } from "./in-process.js";
import { MedianRule } from "./median-rule.js";
import { openTuningJob, TUNER_LEASE_TTL_MS } from "./open-tuning-job.js";
import type { Stopper } from "./stopper.js";
import { type TuningEvent, TuningLoop } from "./tuning-loop.js";
import { checkParents, warmStartPoints } from "./warm-start.js";

export type { TuningEvent } from "./tuning-loop.js";

export interface RunTuningJobOptions {
  readonly store: Store;
  readonly job: ParsedTuningJob;
  readonly executor: Executor;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: TuningEvent) => void;
  /** Computes a suggestion; by default in a worker thread, so the loop never stalls while a GP thinks. */
  readonly suggest?: (request: SuggestRequest) => Promise<Suggestion[]>;
  /** Called once the tuning job exists in the store (created or taken over), after every check passed. */
  readonly onOpened?: (record: TuningJobRecord) => void;
  /** Between SIGTERM and SIGKILL when ending jobs an exited tuner left running. */
  readonly stopGraceMs?: number;
  /**
   * The tuning job's lease, held already: a controller took over (or picked up) a job that exists in the
   * store. Without it, the job is created, or resumed from an exited tuner, as `tunekit tune` does.
   */
  readonly lease?: Lease;
  /** Kept with a new tuning job, so whoever takes it over runs its jobs the same way. */
  readonly runOptions?: unknown;
  readonly leaseTtlMs?: number;
}

/**
 * The strategy that proposes a tuning job's configurations: its own, except Hyperband's, which samples at random
 * (SageMaker's) or, with tunekit's TunekitConfigurationSampler "Model", from the rung model; its rungs (a
 * Stopper) do the rest.
 */
export function samplerOf(job: ParsedTuningJob): StrategyName {
  const strategy = job.request.HyperParameterTuningJobConfig.Strategy;
  if (strategy !== "Hyperband") return strategy as StrategyName;
  return job.hyperband?.sampler === "Model" ? "HyperbandModel" : "Random";
}

/**
 * Runs a tuning job to its end: keeps up to MaxParallelTrainingJobs trials
 * running on the executor until MaxNumberOfTrainingJobs have been started,
 * each configuration from the strategy (in a worker thread), reads each
 * job's objective (the last value of its objective metric), stops jobs the
 * stopper rules out (the median rule, Hyperband's rungs), ends early on a
 * completion criterion or MaxRuntimeInSeconds, and gives up when the first
 * jobs all fail. Stopping (the signal, or a stop request from another
 * process) stops the running jobs and ends the tuning job Stopped.
 *
 * Every decision is made from what the store holds, so a tuner started again
 * after a crash (same name, same request), or a controller that takes the job
 * over, carries on where the last one was: jobs it had finished count, jobs
 * it was running are run again under their names, and no more than
 * MaxNumberOfTrainingJobs are ever created. A tuner whose lease was taken
 * over stands down: it throws E_LEASE_LOST and writes nothing more.
 */
export async function runTuningJob(options: RunTuningJobOptions): Promise<TuningJobRecord> {
  const { store, job, executor } = options;
  const clock = executor.clock;
  const config = job.request.HyperParameterTuningJobConfig;
  const strategy = samplerOf(job);
  const leaseTtlMs = options.leaseTtlMs ?? TUNER_LEASE_TTL_MS;

  // Everything is checked before anything is created; a job taken over is checked against this machine.
  await checkTuningJob(store, job, (request) => executor.check(request), { parents: !options.lease });

  const opened = options.lease
    ? {
        record: (await store.getTuningJob(job.request.HyperParameterTuningJobName)) as TuningJobRecord,
        lease: options.lease,
      }
    : await openTuningJob(store, job, config.RandomSeed ?? freshSeed(), clock, {
        leaseTtlMs,
        ...(options.runOptions === undefined ? {} : { runOptions: options.runOptions }),
      });
  options.onOpened?.(opened.record);
  const lease = opened.lease;
  if (!lease || (opened.record.status !== "InProgress" && opened.record.status !== "Stopping")) return opened.record;

  const stopper: Stopper | undefined = job.hyperband
    ? new HyperbandRungs(job.hyperband.minResource, job.hyperband.maxResource)
    : job.earlyStopping
      ? new MedianRule()
      : undefined;
  // Only the GP thinks long enough to need a thread of its own; the others answer in microseconds, and a
  // round trip to a worker under load costs more than that.
  const ownWorker =
    options.suggest || (strategy !== "Bayesian" && strategy !== "HyperbandModel") ? undefined : new SuggestionWorker();
  const suggest = options.suggest ?? (ownWorker ? (r: SuggestRequest) => ownWorker.suggest(r) : suggestInProcess);
  const loop = new TuningLoop({
    store,
    job,
    record: opened.record,
    lease,
    leaseTtlMs,
    executor,
    strategy,
    stopper,
    warm: await warmStartPoints(store, job),
    suggest,
    stopGraceMs: options.stopGraceMs ?? 5_000,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  const name = opened.record.name;
  let status: "Stopped" | "Failed" | "Completed";
  let failureReason: string | undefined;
  try {
    status = await loop.run();
    failureReason = loop.failure;
  } catch (error) {
    if (isStandDown(error)) {
      // Another controller has the job: leave its children to it, write nothing, let the caller know.
      await ownWorker?.close();
      throw error;
    }
    // The tuner itself failed (not a training job): stop what runs, record why, and report it.
    await loop.stopAll("tuning-job-failed").catch(() => undefined);
    await executor.close();
    await ownWorker?.close();
    const now = clock.now();
    const reason = `tunekit error: ${(error as Error).message}`.slice(0, 1024);
    await store.updateTuningJob(name, { status: "Failed", failureReason: reason, endedAt: now, now }, { fence: lease });
    await store.releaseLease(lease);
    throw error;
  }
  await executor.close();
  await ownWorker?.close();
  const now = clock.now();
  await store.updateTuningJob(
    name,
    { status, endedAt: now, now, ...(failureReason ? { failureReason } : {}) },
    { fence: lease },
  );
  await store.releaseLease(lease);
  return (await store.getTuningJob(name)) as TuningJobRecord;
}

/** The store refused this tuner's writes: another process runs the tuning job now. */
function isStandDown(error: unknown): boolean {
  return (error as { code?: unknown }).code === "E_LEASE_LOST";
}

/**
 * Checks a tuning job request as SageMaker would and against the machine that runs it, before anything is
 * created: its strategy fits its ranges, a child of every definition is a training job `check` accepts (the
 * executor's check: paths exist here, regexes compile), and its warm-start parents qualify.
 */
export async function checkTuningJob(
  store: Store,
  job: ParsedTuningJob,
  check: (request: Record<string, unknown>) => void,
  options: { parents?: boolean } = {},
): Promise<void> {
  const strategy = samplerOf(job);
  for (const d of job.definitions)
    createStrategy(strategy, "HyperParameterTuningJobConfig.Strategy").checkSpace(d.space);
  for (const d of job.definitions) checkChild(check, d, job.request.HyperParameterTuningJobName);
  if (options.parents !== false) await checkParents(store, job, parseTuningJobRequest);
}

/** Every child must be a valid training job on this machine: one of each definition is checked. */
function checkChild(
  check: (request: Record<string, unknown>) => void,
  definition: ParsedDefinition,
  name: string,
): void {
  try {
    check(
      childRequest(
        definition,
        childJobName(name, 0, 0),
        definition.space.decode(new Array(definition.space.dimension).fill(0.5)),
      ),
    );
  } catch (error) {
    if (error instanceof TunekitError && error.field) {
      throw new ValidationError(
        `${definition.field}.${error.field}`,
        error.message.replace(`${error.field}: `, ""),
        error.code,
      );
    }
    throw error;
  }
}
