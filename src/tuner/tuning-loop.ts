import type { ParsedDefinition, ParsedTuningJob } from "../config/tuning-job-request.js";
import type { Executor, ExecutorEvent } from "../executors/executor.js";
import { trialView } from "../optimizer/trial.js";
import { createRng } from "../random.js";
import {
  type Fence,
  type Lease,
  leaseLost,
  type Store,
  type TrainingJobRecord,
  type TuningJobRecord,
} from "../store/index.js";
import type { StrategyName, Suggestion } from "../strategies/index.js";
import type { SuggestRequest } from "../strategies/suggest-request.js";
import { childJobName, childRequest } from "./child-job.js";
import { checkCompletion } from "./completion.js";
import { ObjectiveSeries } from "./objective-series.js";
import { endLostJob } from "./open-tuning-job.js";
import type { StopDecision, Stopper } from "./stopper.js";
import type { WarmStartPoint } from "./warm-start.js";

/** What the tuner reports as it goes (the terminal display listens). */
export type TuningEvent =
  | { kind: "resumed"; relaunched: readonly string[] }
  | { kind: "started"; job: string; index: number; hyperparameters: Record<string, unknown> }
  | { kind: "stopping"; job: string; decision: StopDecision }
  | { kind: "finished"; job: TrainingJobRecord; best: TrainingJobRecord | undefined }
  | { kind: "completing"; reason: string };

/** Without a single result after this many failed jobs, the tuning job stops instead of burning its budget. */
const FAILURES_BEFORE_GIVING_UP = 3;

export interface TuningLoopOptions {
  readonly store: Store;
  readonly job: ParsedTuningJob;
  readonly record: TuningJobRecord;
  readonly lease: Lease;
  readonly leaseTtlMs: number;
  readonly executor: Executor;
  readonly strategy: StrategyName;
  readonly stopper: Stopper | undefined;
  readonly warm: readonly WarmStartPoint[];
  /** The request's suggestions, one per slot asked for (request.count), ending early with "exhausted" last. */
  readonly suggest: (request: SuggestRequest) => Promise<Suggestion[]>;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: TuningEvent) => void;
  /** Between SIGTERM and SIGKILL when ending jobs an exited tuner left running. */
  readonly stopGraceMs: number;
}

/**
 * One tuning job's control loop, step by step: recover what an exited tuner
 * left, then until the job ends act on stop requests, keep the lease, record
 * the jobs that ended and judge completion, let the stopper judge running
 * jobs' new values, and fill free slots with the strategy's suggestions.
 * Every decision is made from what the store holds and the executor reports,
 * and every write is made under the tuning job's lease.
 */
export class TuningLoop {
  private readonly store: Store;
  private readonly executor: Executor;
  private readonly fence: Fence;
  private readonly name: string;
  private readonly maxJobs: number;
  private readonly series: ObjectiveSeries;
  private readonly running = new Set<string>();
  /** Each child's definition name (null with a single TrainingJobDefinition). */
  private readonly definitionOf = new Map<string, string | null>();
  private readonly relaunch: TrainingJobRecord[] = [];
  private readonly better: (value: number) => number;
  private readonly deadline: number;
  private stopping: boolean;
  private finishing: string | undefined;
  private failureReason: string | undefined;
  private lastBeat: number;
  private nextIndex: number;

  constructor(private readonly options: TuningLoopOptions) {
    const { store, executor, job, record, lease } = options;
    this.store = store;
    this.executor = executor;
    this.fence = lease;
    this.name = record.name;
    this.maxJobs = job.maxJobs;
    this.better = (value) => (job.objectiveType === "Maximize" ? -value : value);
    this.stopping = record.status === "Stopping";
    this.finishing = record.completionReason ?? undefined;
    this.lastBeat = executor.clock.now();
    this.nextIndex = record.trialCount;
    this.deadline = job.maxRuntimeMs === undefined ? Number.POSITIVE_INFINITY : record.createdAt + job.maxRuntimeMs;
    const metricOf = new Map(job.definitions.map((d) => [d.name ?? null, d.objective.MetricName]));
    const first = (job.definitions[0] as ParsedDefinition).objective.MetricName;
    this.series = new ObjectiveSeries(
      options.stopper,
      record.seed,
      (child) => metricOf.get(this.definitionOf.get(child) ?? null) ?? first,
      this.better,
    );
  }

  private get now(): number {
    return this.executor.clock.now();
  }

  /** Runs the job until it ends; returns the status it ends with (the caller writes it). */
  async run(): Promise<"Stopped" | "Failed" | "Completed"> {
    await this.recover();
    let events: ExecutorEvent[] = [];
    for (;;) {
      await this.actOnStopRequests();
      await this.keepLease();
      if (this.now >= this.deadline) await this.finish("MaxRuntimeInSeconds reached");
      await this.handle(events);
      await this.fillSlots();
      if (this.running.size === 0 && this.executor.running === 0 && !this.moreToRun()) break;
      events = await this.executor.next(this.deadline);
    }
    return this.stopping ? "Stopped" : this.failureReason ? "Failed" : "Completed";
  }

  get failure(): string | undefined {
    return this.failureReason;
  }

  /** Stops every job this loop runs (the tuning job is stopping, completing or failing). */
  async stopAll(reason: string): Promise<void> {
    for (const child of this.running) await this.executor.stop(child, reason);
  }

  /** Only when nothing more will start (or no slot is free yet on a shared machine) is there nothing to wait for. */
  private moreToRun(): boolean {
    if (this.stopping || this.finishing || this.failureReason) return false;
    return this.relaunch.length > 0 || this.nextIndex < this.maxJobs;
  }

  /**
   * What the exited tuner left: results to record, and jobs to run again (or to end, if it was stopping).
   * Each job's series is read from the store once, for its current attempt.
   */
  private async recover(): Promise<void> {
    const children = await this.store.listTrainingJobs({ tuningJobName: this.name });
    for (const record of children) {
      this.definitionOf.set(record.name, record.definitionName);
      if (record.status === "InProgress" || record.status === "Stopping") {
        await endLostJob(this.store, record, this.options.stopGraceMs, this.executor.clock);
        if (this.stopping || this.finishing) {
          const now = this.now;
          const stopped = await this.store.updateTrainingJob(
            record.name,
            { status: "Stopped", stopReason: "tuner exited", endedAt: now, now },
            { fence: this.fence },
          );
          await this.recordObjective(stopped ?? record);
        } else this.relaunch.push(record);
      } else if (record.objectiveStatus === "Pending") await this.recordObjective(record);
      else await this.readSeries(record);
    }
    if (children.length > 0) this.options.onEvent?.({ kind: "resumed", relaunched: this.relaunch.map((r) => r.name) });
  }

  private async readSeries(record: TrainingJobRecord): Promise<void> {
    const points = await this.store.listMetricPoints(record.name, { metricName: this.metricOf(record) });
    this.series.set(record.name, record.trialIndex, record.retryAttempt, points);
  }

  private metricOf(record: TrainingJobRecord): string {
    const definition =
      this.options.job.definitions.find((d) => (d.name ?? null) === record.definitionName) ??
      (this.options.job.definitions[0] as ParsedDefinition);
    return definition.objective.MetricName;
  }

  /** A finished job's objective: the last value of its objective metric, if it ended Completed or Stopped. */
  private async recordObjective(record: TrainingJobRecord): Promise<TrainingJobRecord> {
    await this.readSeries(record);
    const values = this.series.of(record.name);
    const last = values[values.length - 1];
    const counts = record.status === "Completed" || record.status === "Stopped";
    const now = this.now;
    return (
      (await this.store.updateTrainingJob(
        record.name,
        counts && last !== undefined
          ? { objectiveValue: this.better(last), objectiveStatus: "Succeeded", now }
          : { objectiveStatus: "Failed", now },
        { fence: this.fence },
      )) ?? record
    );
  }

  private async actOnStopRequests(): Promise<void> {
    if (this.stopping) return;
    const requests = await this.store.pendingStopRequests("tuning-job", this.name);
    if (!this.options.signal?.aborted && requests.length === 0) return;
    for (const request of requests) await this.store.acknowledgeStopRequest(request.id, this.now);
    await this.store.updateTuningJob(
      this.name,
      { status: "Stopping", now: this.now },
      { from: ["InProgress"], fence: this.fence },
    );
    this.stopping = true;
    await this.stopAll("tuning-job-stopped");
  }

  /** Renews the lease; a lease taken over by another process ends this loop (its writes would be refused). */
  private async keepLease(): Promise<void> {
    if (this.now - this.lastBeat <= this.options.leaseTtlMs / 3) return;
    const renewed = await this.store.renewLease(this.fence, this.options.leaseTtlMs);
    if (!renewed) throw leaseLost("tuning job", this.name, this.fence.token);
    this.lastBeat = this.now;
  }

  /** Completes the tuning job early: a criterion was met. Running jobs are stopped. */
  private async finish(reason: string, convergedAt?: number): Promise<void> {
    if (this.finishing || this.stopping) return;
    this.finishing = reason;
    await this.store.updateTuningJob(
      this.name,
      {
        completionReason: reason,
        ...(convergedAt === undefined ? {} : { convergenceDetectedAt: convergedAt }),
        now: this.now,
      },
      { fence: this.fence },
    );
    this.options.onEvent?.({ kind: "completing", reason });
    await this.stopAll("tuning-job-complete");
  }

  /** The executor's events: new values go to the series and the stopper, ended jobs are recorded. */
  private async handle(events: readonly ExecutorEvent[]): Promise<void> {
    const fresh = new Set<string>();
    let ended = false;
    for (const event of events) {
      if (event.type === "metrics") {
        this.series.add(event.job, event.attempt, event.points);
        fresh.add(event.job);
      } else if (event.type === "ended") {
        this.running.delete(event.job);
        ended = true;
        const finished = await this.recordObjective(event.record);
        const best = await this.store.bestTrainingJob(this.name, this.options.job.objectiveType);
        this.options.onEvent?.({ kind: "finished", job: finished, best });
      } else if (event.type === "lost") {
        // Another process runs it now: this loop has lost the tuning job too, and learns so at its next write.
        this.running.delete(event.job);
      }
    }
    if (ended) await this.judgeCompletion();
    if (this.options.stopper && !this.stopping && !this.finishing) {
      for (const child of fresh) {
        if (!this.running.has(child)) continue;
        const decision = this.series.judge(child);
        if (!decision) continue;
        this.options.onEvent?.({ kind: "stopping", job: child, decision });
        await this.executor.stop(child, decision.reason);
      }
    }
  }

  /** The completion criteria over every result so far, and giving up when the first jobs all failed. */
  private async judgeCompletion(): Promise<void> {
    const { job } = this.options;
    const results = (await this.store.listObjectiveResults(this.name)).map((r) => this.better(r.value));
    const check = checkCompletion(results, job.completion, this.maxJobs, this.better);
    if (check.reason) await this.finish(check.reason, check.converged ? this.now : undefined);
    const counters = await this.store.countTrainingJobs(this.name);
    if (
      !this.failureReason &&
      counters.objective.Succeeded === 0 &&
      counters.objective.Failed >= Math.min(FAILURES_BEFORE_GIVING_UP, this.maxJobs)
    ) {
      const metrics = [...new Set(job.definitions.map((d) => d.objective.MetricName))].join(" or ");
      this.failureReason = `the first ${counters.objective.Failed} training jobs all failed to produce the objective metric ${metrics}; see their FailureReason and logs`;
    }
  }

  /**
   * Fills free slots: first jobs the exited tuner was running, then new trials, asked of the strategy together
   * (one model fit serves every free slot; see suggestMany).
   */
  private async fillSlots(): Promise<void> {
    const { job } = this.options;
    const parallel = job.request.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs;
    let held = 0;
    while (this.startingAllowed() && this.running.size + held < parallel) {
      const lost = this.relaunch[0];
      if (!lost && this.nextIndex + held >= this.maxJobs) break;
      if (!this.executor.reserve()) break;
      if (lost) {
        this.relaunch.shift();
        await this.launchAgain(lost);
      } else {
        held++;
      }
    }
    while (held > 0 && this.startingAllowed()) {
      const launched = await this.launchNext(held);
      if (launched === 0) break;
      held -= launched;
    }
  }

  private startingAllowed(): boolean {
    return !this.stopping && !this.finishing && !this.failureReason;
  }

  /** A job the exited tuner was running, as its next attempt. */
  private async launchAgain(lost: TrainingJobRecord): Promise<void> {
    const now = this.now;
    const record = (await this.store.updateTrainingJob(
      lost.name,
      {
        status: "InProgress",
        retryAttempt: lost.retryAttempt + 1,
        failureReason: null,
        stopReason: null,
        endedAt: null,
        now,
      },
      { fence: this.fence },
    )) as TrainingJobRecord;
    this.series.set(record.name, record.trialIndex, record.retryAttempt, []);
    await this.executor.launch(record, {
      resumeReason: "the tunekit process that ran this job exited",
      fence: this.fence,
    });
    this.running.add(record.name);
  }

  /**
   * Asks the strategy for up to `slots` next trials and starts them; how many started (fewer when the search
   * space is exhausted). Each definition is its own search, so with several a request covers one trial.
   */
  private async launchNext(slots: number): Promise<number> {
    const { job, record } = this.options;
    const trialIndex = this.nextIndex;
    const definition = job.definitions[trialIndex % job.definitions.length] as ParsedDefinition;
    // The rung model reads each job's learning curve (the series the stopper judges, in the objective's units).
    const withSeries = this.options.strategy === "HyperbandModel";
    const views = (await this.store.listTrainingJobs({ tuningJobName: this.name }))
      .filter((r) => r.definitionName === (definition.name ?? null))
      .map((r) => (withSeries ? { ...trialView(r), series: this.series.of(r.name).map(this.better) } : trialView(r)));
    const done = views.filter((v) => v.state !== "Pending");
    const count = job.definitions.length === 1 ? slots : 1;
    // ...and where Hyperband will judge each trial it suggests for, so each is chosen for its bracket.
    const judgedAt = withSeries ? this.judgedAt(views.length, trialIndex, count) : undefined;
    const suggestions = await this.options.suggest({
      strategy: this.options.strategy,
      ranges: definition.space.specs(),
      objective: job.objectiveType,
      history: [...this.options.warm.filter((w) => w.definitionName === definition.name).map((w) => w.view), ...done],
      pending: views.filter((v) => v.state === "Pending"),
      // Each definition is its own search: its strategy numbers its own trials (Grid's and Sobol's sequence)
      // and, beside the first, draws from a seed of its own.
      trialIndex: views.length,
      seed:
        definition === job.definitions[0]
          ? record.seed
          : createRng(record.seed, "definition", trialIndex % job.definitions.length).uint32(),
      count,
      ...(judgedAt ? { judgedAt } : {}),
    });
    let launched = 0;
    for (const suggestion of suggestions) {
      if (suggestion === "exhausted") {
        await this.finish("every configuration has been tried");
        break;
      }
      await this.launchTrial(definition, suggestion);
      launched++;
    }
    return launched;
  }

  /**
   * The stopper's rungs for the next `count` trials (trial indices `trialIndex` onward), keyed by the indices the
   * strategy numbers them with (`strategyIndex` onward), when the stopper has brackets.
   */
  private judgedAt(
    strategyIndex: number,
    trialIndex: number,
    count: number,
  ): Record<number, readonly number[]> | undefined {
    const { stopper, record } = this.options;
    if (!stopper?.judgedAt) return undefined;
    const out: Record<number, readonly number[]> = {};
    for (let k = 0; k < count; k++) out[strategyIndex + k] = stopper.judgedAt(trialIndex + k, record.seed);
    return out;
  }

  /** Creates the next trial's job with a suggestion, and starts it. */
  private async launchTrial(definition: ParsedDefinition, suggestion: Exclude<Suggestion, "exhausted">) {
    const { record } = this.options;
    const trialIndex = this.nextIndex;
    const child = childJobName(this.name, record.seed, trialIndex);
    const created = await this.store.createTrainingJob(
      {
        name: child,
        tuningJobName: this.name,
        trialIndex,
        hyperparameters: suggestion.hyperparameters,
        request: childRequest(definition, child, suggestion.hyperparameters),
        secondaryStatus: "Starting",
        ...(definition.name ? { definitionName: definition.name } : {}),
        ...(suggestion.state === undefined ? {} : { strategyState: suggestion.state }),
        now: this.now,
      },
      this.fence,
    );
    this.nextIndex++;
    this.definitionOf.set(child, created.definitionName);
    this.series.set(child, trialIndex, 0, []);
    await this.executor.launch(created, { fence: this.fence });
    this.running.add(child);
    this.options.onEvent?.({
      kind: "started",
      job: child,
      index: trialIndex,
      hyperparameters: suggestion.hyperparameters,
    });
  }
}
