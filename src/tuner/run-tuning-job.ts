import { type ParsedDefinition, type ParsedTuningJob, parseTuningJobRequest } from "../config/tuning-job-request.js";
import { TunekitError, ValidationError } from "../errors.js";
import { trialView } from "../optimizer/trial.js";
import { freshSeed } from "../random.js";
import type { Store, TrainingJobRecord, TuningJobRecord } from "../store/index.js";
import { createStrategy, type StrategyName, type Suggestion, SuggestionWorker } from "../strategies/index.js";
import type { SuggestRequest } from "../strategies/suggest-request.js";
import { childJobName, childRequest } from "./child-job.js";
import { checkCompletion } from "./completion.js";
import type { Executor } from "./executor.js";
import { HyperbandRungs } from "./hyperband-rungs.js";
import { suggestInProcess } from "./in-process.js";
import { MedianRule } from "./median-rule.js";
import { endLostJob, openTuningJob, TUNER_LEASE_TTL_MS } from "./open-tuning-job.js";
import type { StopDecision, Stopper } from "./stopper.js";
import { checkParents, warmStartPoints } from "./warm-start.js";

/** What the tuner reports as it goes (the terminal display listens). */
export type TuningEvent =
  | { kind: "resumed"; relaunched: readonly string[] }
  | { kind: "started"; job: string; index: number; hyperparameters: Record<string, unknown> }
  | { kind: "stopping"; job: string; decision: StopDecision }
  | { kind: "finished"; job: TrainingJobRecord; best: TrainingJobRecord | undefined }
  | { kind: "completing"; reason: string };

export interface RunTuningJobOptions {
  readonly store: Store;
  readonly job: ParsedTuningJob;
  readonly executor: Executor;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: TuningEvent) => void;
  /** Computes a suggestion; by default in a worker thread, so the loop never stalls while a GP thinks. */
  readonly suggest?: (request: SuggestRequest) => Promise<Suggestion>;
  /** Called once the tuning job exists in the store (created or taken over), after every check passed. */
  readonly onOpened?: (record: TuningJobRecord) => void;
  /** Between SIGTERM and SIGKILL when ending jobs an exited tuner left running. */
  readonly stopGraceMs?: number;
}

/** Without a single result after this many failed jobs, the tuning job stops instead of burning its budget. */
const FAILURES_BEFORE_GIVING_UP = 3;

/** Hyperband proposes configurations at random; its rungs (a Stopper) do the rest. */
const SAMPLER: Record<string, StrategyName> = { Hyperband: "Random" };

const oriented = (type: "Maximize" | "Minimize") => (value: number) => (type === "Maximize" ? -value : value);

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
 * after a crash (same name, same request) carries on where the last one was:
 * jobs it had finished count, jobs it was running are run again under their
 * names, and no more than MaxNumberOfTrainingJobs are ever created.
 */
export async function runTuningJob(options: RunTuningJobOptions): Promise<TuningJobRecord> {
  const { store, job, executor } = options;
  const clock = executor.clock;
  const { request, definitions, maxJobs, objectiveType } = job;
  const config = request.HyperParameterTuningJobConfig;
  const name = request.HyperParameterTuningJobName;
  const strategyName = SAMPLER[config.Strategy] ?? (config.Strategy as StrategyName);
  const better = oriented(objectiveType);
  const metricOf = new Map(definitions.map((d) => [d.name ?? null, d.objective.MetricName]));

  // Everything is checked before anything is created.
  for (const d of definitions)
    createStrategy(strategyName, "HyperParameterTuningJobConfig.Strategy").checkSpace(d.space);
  for (const d of definitions) checkChild(executor, d, name);
  checkParents(store, job, parseTuningJobRequest);

  const opened = openTuningJob(store, job, config.RandomSeed ?? freshSeed(), clock);
  const { owner } = opened;
  options.onOpened?.(opened.record);
  const seed = opened.record.seed;
  if (opened.record.status !== "InProgress" && opened.record.status !== "Stopping") return opened.record;

  const stopper: Stopper | undefined = job.hyperband
    ? new HyperbandRungs(job.hyperband.minResource, job.hyperband.maxResource)
    : job.earlyStopping
      ? new MedianRule()
      : undefined;
  const warm = warmStartPoints(store, job);
  // Only the GP thinks long enough to need a thread of its own; the others answer in microseconds, and a
  // round trip to a worker under load costs more than that.
  const ownWorker = options.suggest || strategyName !== "Bayesian" ? undefined : new SuggestionWorker();
  const suggest = options.suggest ?? (ownWorker ? (r: SuggestRequest) => ownWorker.suggest(r) : suggestInProcess);

  /** Each job's finite objective values in emission order, smaller is better; ended jobs' are final. */
  const series = new Map<string, number[]>();
  /** The stopper's group of each job (Hyperband's bracket), from its trial index. */
  const groups = new Map<string, number>();
  const groupOf = (record: { name: string; trialIndex: number | null }) => {
    if (!groups.has(record.name)) groups.set(record.name, stopper?.group?.(record.trialIndex ?? 0, seed) ?? 0);
    return groups.get(record.name) as number;
  };
  const checkedEpochs = new Map<string, number>();
  const running = new Set<string>();
  const readSeries = (record: TrainingJobRecord) => {
    const metric = metricOf.get(record.definitionName) ?? (definitions[0] as ParsedDefinition).objective.MetricName;
    const values = store
      .listMetricPoints(record.name, metric)
      .map((p) => p.value)
      .filter(Number.isFinite)
      .map(better);
    series.set(record.name, values);
    groupOf(record);
    return values;
  };
  const recordObjective = (record: TrainingJobRecord): TrainingJobRecord => {
    const values = readSeries(record);
    const last = values[values.length - 1];
    const counts = record.status === "Completed" || record.status === "Stopped";
    return (
      store.updateTrainingJob(
        record.name,
        counts && last !== undefined
          ? { objectiveValue: better(last), objectiveStatus: "Succeeded", now: clock.now() }
          : { objectiveStatus: "Failed", now: clock.now() },
      ) ?? record
    );
  };

  let stopping = opened.record.status === "Stopping";
  let finishing: string | undefined = opened.record.completionReason ?? undefined;
  let failureReason: string | undefined;
  let lastBeat = clock.now();
  const deadline =
    job.maxRuntimeMs === undefined ? Number.POSITIVE_INFINITY : opened.record.createdAt + job.maxRuntimeMs;
  const relaunch: TrainingJobRecord[] = [];

  // What the exited tuner left: results to record, and jobs to run again (or to end, if it was stopping).
  for (const record of store.listTrainingJobs({ tuningJobName: name })) {
    if (record.status === "InProgress" || record.status === "Stopping") {
      await endLostJob(store, record, options.stopGraceMs ?? 5_000);
      if (stopping || finishing) {
        const now = clock.now();
        recordObjective(
          store.updateTrainingJob(record.name, { status: "Stopped", stopReason: "tuner exited", endedAt: now, now }) ??
            record,
        );
      } else relaunch.push(record);
    } else if (record.objectiveStatus === "Pending") recordObjective(record);
    else readSeries(record);
  }
  if (opened.resumed) options.onEvent?.({ kind: "resumed", relaunched: relaunch.map((r) => r.name) });

  const stopAll = (reason: string) => {
    for (const child of running) executor.stop(child, reason);
  };
  const finish = (reason: string, convergedAt?: number) => {
    if (finishing || stopping) return;
    finishing = reason;
    store.updateTuningJob(name, {
      completionReason: reason,
      ...(convergedAt === undefined ? {} : { convergenceDetectedAt: convergedAt }),
      now: clock.now(),
    });
    options.onEvent?.({ kind: "completing", reason });
    stopAll("tuning-job-complete");
  };

  try {
    for (;;) {
      const now = clock.now();
      if (!stopping && (options.signal?.aborted || store.pendingStopRequests("tuning-job", name).length > 0)) {
        for (const stop of store.pendingStopRequests("tuning-job", name)) store.acknowledgeStopRequest(stop.id, now);
        store.updateTuningJob(name, { status: "Stopping", now }, ["InProgress"]);
        stopping = true;
        stopAll("tuning-job-stopped");
      }
      if (now - lastBeat > TUNER_LEASE_TTL_MS / 3) {
        store.renewLease("tuning-job", name, owner, TUNER_LEASE_TTL_MS, now);
        lastBeat = now;
      }
      if (now >= deadline) finish("MaxRuntimeInSeconds reached");

      // Jobs that ended: their objective, then the completion criteria over all results so far.
      const ended = executor.takeEnded();
      for (const record of ended) {
        running.delete(record.name);
        const finished = recordObjective(record);
        options.onEvent?.({ kind: "finished", job: finished, best: store.bestTrainingJob(name, objectiveType) });
      }
      if (ended.length > 0) {
        const results = store.listObjectiveResults(name).map((r) => better(r.value));
        const check = checkCompletion(results, job.completion, maxJobs, better);
        if (check.reason) finish(check.reason, check.converged ? now : undefined);
        const counters = store.countTrainingJobs(name);
        if (
          !failureReason &&
          counters.objective.Succeeded === 0 &&
          counters.objective.Failed >= Math.min(FAILURES_BEFORE_GIVING_UP, maxJobs)
        ) {
          const metrics = [...new Set(definitions.map((d) => d.objective.MetricName))].join(" or ");
          failureReason = `the first ${counters.objective.Failed} training jobs all failed to produce the objective metric ${metrics}; see their FailureReason and logs`;
        }
      }

      // Intermediate values of running jobs: the stopper's decisions.
      if (stopper && !stopping && !finishing) {
        for (const child of running) {
          const record = store.getTrainingJob(child);
          if (record?.status !== "InProgress") continue;
          const own = readSeries(record);
          const from = (checkedEpochs.get(child) ?? 0) + 1;
          if (own.length < from) continue;
          checkedEpochs.set(child, own.length);
          const group = groupOf(record);
          const others = [...series.entries()]
            .filter(([n]) => n !== child && groups.get(n) === group)
            .map(([, s]) => s);
          for (let epoch = from; epoch <= own.length; epoch++) {
            const decision = stopper.decide(own, epoch, others, group);
            if (decision) {
              options.onEvent?.({ kind: "stopping", job: child, decision });
              executor.stop(child, decision.reason);
              break;
            }
          }
        }
      }

      // Fill free slots: first jobs the exited tuner was running, then new trials.
      while (
        !stopping &&
        !finishing &&
        !failureReason &&
        running.size < config.ResourceLimits.MaxParallelTrainingJobs
      ) {
        const lost = relaunch[0];
        const trialIndex = (store.getTuningJob(name) as TuningJobRecord).trialCount;
        if (!lost && trialIndex >= maxJobs) break;
        if (!executor.reserve()) break;
        if (lost) {
          relaunch.shift();
          executor.relaunch(lost);
          running.add(lost.name);
          continue;
        }
        const definition = definitions[trialIndex % definitions.length] as ParsedDefinition;
        const views = store
          .listTrainingJobs({ tuningJobName: name })
          .filter((r) => r.definitionName === (definition.name ?? null))
          .map(trialView);
        const suggestion = await suggest({
          strategy: strategyName,
          ranges: definition.space.specs(),
          objective: objectiveType,
          history: [
            ...warm.filter((w) => w.definitionName === definition.name).map((w) => w.view),
            ...views.filter((v) => v.state !== "Pending"),
          ],
          pending: views.filter((v) => v.state === "Pending"),
          trialIndex,
          seed,
        });
        if (suggestion === "exhausted") {
          finish("every configuration has been tried");
          break;
        }
        const child = childJobName(name, seed, trialIndex);
        executor.launch({
          name: child,
          tuningJobName: name,
          trialIndex,
          hyperparameters: suggestion.hyperparameters,
          request: childRequest(definition, child, suggestion.hyperparameters),
          ...(definition.name ? { definitionName: definition.name } : {}),
          ...(suggestion.state === undefined ? {} : { strategyState: suggestion.state }),
        });
        running.add(child);
        series.set(child, []);
        groupOf({ name: child, trialIndex });
        options.onEvent?.({
          kind: "started",
          job: child,
          index: trialIndex,
          hyperparameters: suggestion.hyperparameters,
        });
      }
      if (running.size === 0 && executor.running === 0) {
        const more = relaunch.length > 0 || (store.getTuningJob(name) as TuningJobRecord).trialCount < maxJobs;
        // Only when nothing more will start (or no slot is free yet on a shared machine) is there nothing to wait for.
        if (stopping || finishing || failureReason || !more) break;
      }
      await executor.wait(deadline);
    }
  } catch (error) {
    // The tuner itself failed (not a training job): stop what runs, record why, and report it.
    stopAll("tuning-job-failed");
    await executor.close();
    await ownWorker?.close();
    const reason = `tunekit error: ${(error as Error).message}`.slice(0, 1024);
    const now = clock.now();
    store.updateTuningJob(name, { status: "Failed", failureReason: reason, endedAt: now, now });
    store.releaseLease("tuning-job", name, owner);
    throw error;
  }
  await executor.close();
  await ownWorker?.close();
  const now = clock.now();
  const status = stopping ? "Stopped" : failureReason ? "Failed" : "Completed";
  store.updateTuningJob(name, { status, endedAt: now, now, ...(failureReason ? { failureReason } : {}) });
  store.releaseLease("tuning-job", name, owner);
  return store.getTuningJob(name) as TuningJobRecord;
}

/** Every child must be a valid training job on this executor: one is checked before anything is created. */
function checkChild(executor: Executor, definition: ParsedDefinition, name: string): void {
  try {
    executor.check(
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
