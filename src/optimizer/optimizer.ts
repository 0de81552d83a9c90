import { type Clock, systemClock } from "../clock.js";
import { describeValue, TunekitError, ValidationError } from "../errors.js";
import { freshSeed } from "../random.js";
import { retry } from "../retry.js";
import type { SearchSpace } from "../space/index.js";
import { MemoryStore, openStore, type Store, type TrainingJobRecord, type TuningJobRecord } from "../store/index.js";
import { type ObjectiveType, type Strategy, type StrategyName, suggestContext } from "../strategies/index.js";
import {
  SearchExhaustedError,
  StudyEndedError,
  StudyMismatchError,
  TrialFinishedError,
  UnknownTrialError,
} from "./errors.js";
import { type OptimizeOptions, runOptimizeLoop } from "./optimize-loop.js";
import { type OptimizerOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import {
  type AskedTrial,
  type BestTrial,
  type TellResult,
  type Trial,
  toTrial,
  trialName,
  trialView,
} from "./trial.js";

/** How long ask() keeps retrying while other processes sharing the storage take the indices it wanted. */
const ASK_RETRY_MS = 60_000;

interface StudyConfig {
  strategy: StrategyName;
  objective: ObjectiveType;
  ranges: unknown;
}

/**
 * The in-process ask/tell API over a study (a tuning job whose objective is
 * evaluated by the caller). All state lives in the store: an Optimizer keeps
 * no private history, so reopening the same storage resumes the study exactly,
 * and several processes (on several machines, with a PostgreSQL storage) may
 * share one study.
 */
export class Optimizer {
  readonly name: string;
  readonly space: SearchSpace;
  readonly objective: ObjectiveType;
  readonly strategyName: StrategyName;
  readonly seed: number;
  private readonly strategy: Strategy;
  private readonly store: Store;
  private readonly ownsStore: boolean;
  private readonly clock: Clock;

  private constructor(resolved: ResolvedOptions, store: Store, ownsStore: boolean, clock: Clock, seed: number) {
    this.name = resolved.name;
    this.space = resolved.space;
    this.objective = resolved.objective;
    this.strategyName = resolved.strategyName;
    this.strategy = resolved.strategy;
    this.store = store;
    this.ownsStore = ownsStore;
    this.clock = clock;
    this.seed = seed;
  }

  /** Creates the study, or opens the one with this name in the storage (checked to be the same study). */
  static async open(options: OptimizerOptions): Promise<Optimizer> {
    const resolved = resolveOptions(options);
    const clock = options.clock ?? systemClock;
    const ownsStore = resolved.store === undefined;
    const store =
      resolved.store ?? (resolved.storage === undefined ? new MemoryStore() : await openStore(resolved.storage));
    try {
      const study = await openStudy(store, resolved, clock);
      return new Optimizer(resolved, store, ownsStore, clock, study.seed);
    } catch (error) {
      if (ownsStore) await store.close();
      throw error;
    }
  }

  /** Suggests the next configuration; may be called again before the previous one is told. */
  ask(): Promise<AskedTrial> {
    // Another process sharing the storage may take the index first: then suggest again with its trial in view.
    return retry(() => this.tryAsk(), {
      maxWaitMs: ASK_RETRY_MS,
      maxDelayMs: 50,
      retryable: (error) => error instanceof TunekitError && error.code === "E_STORE_CONFLICT",
      giveUp: () =>
        new TunekitError(
          "E_STORE_CONFLICT",
          `ask: other processes kept taking the next trial index for ${ASK_RETRY_MS} ms`,
        ),
    });
  }

  /** One suggestion for the next free index; E_STORE_CONFLICT when another process took that index meanwhile. */
  private async tryAsk(): Promise<AskedTrial> {
    let study = (await this.store.getTuningJob(this.name)) as TuningJobRecord;
    // A study optimize() completed takes more trials when asked: asking carries it on. A stopped one does not.
    if (study.status === "Completed") {
      await this.setCompleted(false);
      study = (await this.store.getTuningJob(this.name)) as TuningJobRecord;
    }
    if (study.status !== "InProgress") throw new StudyEndedError(this.name, study.status);
    const views = (await this.store.listTrainingJobs({ tuningJobName: this.name })).map(trialView);
    const trialIndex = study.trialCount;
    const suggestion = this.strategy.suggest(
      suggestContext(this.space, {
        objective: this.objective,
        history: views.filter((v) => v.state !== "Pending"),
        pending: views.filter((v) => v.state === "Pending"),
        trialIndex,
        seed: this.seed,
      }),
    );
    if (suggestion === "exhausted") throw new SearchExhaustedError(this.strategyName, trialIndex);
    const record = await this.store.createTrainingJob({
      name: trialName(this.name, trialIndex),
      tuningJobName: this.name,
      trialIndex,
      hyperparameters: suggestion.hyperparameters,
      ...(suggestion.state === undefined ? {} : { strategyState: suggestion.state }),
      now: this.clock.now(),
    });
    return { id: trialIndex, hyperparameters: record.hyperparameters };
  }

  /** Reports a trial's objective value, or that it failed. Each trial is told once. */
  async tell(id: number, result: TellResult): Promise<void> {
    if (!Number.isSafeInteger(id) || id < 0) throw new UnknownTrialError(describeValue(id));
    const patch = resultPatch(result);
    const name = trialName(this.name, id);
    const record = await this.store.getTrainingJob(name);
    if (!record || record.tuningJobName?.toLowerCase() !== this.name.toLowerCase()) throw new UnknownTrialError(id);
    const now = this.clock.now();
    const updated = await this.store.updateTrainingJob(name, { ...patch, endedAt: now, now }, { from: ["InProgress"] });
    if (!updated) {
      throw new TrialFinishedError(id, toTrial((await this.store.getTrainingJob(name)) as TrainingJobRecord).state);
    }
  }

  /** The best completed trial; the earliest one wins a tie. */
  async best(): Promise<BestTrial | undefined> {
    const record = await this.store.bestTrainingJob(this.name, this.objective);
    if (!record) return undefined;
    const trial = toTrial(record);
    return { id: trial.id, hyperparameters: trial.hyperparameters, value: trial.value as number };
  }

  /** Every trial of the study, in order, with its state and value. */
  async trials(): Promise<Trial[]> {
    return (await this.store.listTrainingJobs({ tuningJobName: this.name })).map(toTrial);
  }

  /** The study's status: InProgress while trials may still be asked for, Completed once optimize() finished. */
  async status(): Promise<TuningJobRecord["status"]> {
    return ((await this.store.getTuningJob(this.name)) as TuningJobRecord).status;
  }

  /**
   * Marks the study Completed (from InProgress), or InProgress again (from Completed) so more trials can be
   * asked for: what optimize() does when it finishes or is given a larger budget.
   */
  async setCompleted(completed: boolean): Promise<void> {
    const now = this.clock.now();
    await this.store.updateTuningJob(
      this.name,
      completed ? { status: "Completed", endedAt: now, now } : { status: "InProgress", endedAt: null, now },
      { from: [completed ? "InProgress" : "Completed"] },
    );
  }

  /**
   * Evaluates `objective` until the study has `maxTrials` trials in all (so a
   * resumed study finishes the same budget), `maxParallel` at a time. Trials
   * left pending by an earlier process are evaluated first. A throw or a
   * non-finite result fails that trial and the loop goes on. When every trial
   * has been told, the study is Completed.
   */
  optimize(
    objective: (hyperparameters: AskedTrial["hyperparameters"], trial: AskedTrial) => number | Promise<number>,
    options: OptimizeOptions,
  ): Promise<BestTrial | undefined> {
    return runOptimizeLoop(this, objective, options);
  }

  async close(): Promise<void> {
    if (this.ownsStore) await this.store.close();
  }
}

function resultPatch(result: TellResult) {
  if (typeof result === "number") {
    if (!Number.isFinite(result)) {
      throw new ValidationError(
        "value",
        `must be a finite number, got ${describeValue(result)}; tell { failed: true } instead`,
      );
    }
    return { status: "Completed" as const, objectiveValue: result, objectiveStatus: "Succeeded" as const };
  }
  if (typeof result === "object" && result !== null && result.failed === true) {
    if (result.reason !== undefined && typeof result.reason !== "string") {
      throw new ValidationError("reason", `must be a string, got ${describeValue(result.reason)}`);
    }
    return {
      status: "Failed" as const,
      objectiveStatus: "Failed" as const,
      failureReason: (result.reason ?? "failed").slice(0, 1024),
    };
  }
  throw new ValidationError("value", `must be a number or { failed: true, reason }, got ${describeValue(result)}`);
}

/** The study, created, or read back and checked to be the same search (strategy, objective, ranges, seed). */
async function openStudy(store: Store, resolved: ResolvedOptions, clock: Clock): Promise<TuningJobRecord> {
  const { name } = resolved;
  const config: StudyConfig = {
    strategy: resolved.strategyName,
    objective: resolved.objective,
    ranges: resolved.space.specs(),
  };
  let existing = await store.getTuningJob(name);
  if (!existing) {
    try {
      return await store.createTuningJob({
        name,
        kind: "study",
        config,
        seed: resolved.seed ?? freshSeed(),
        now: clock.now(),
      });
    } catch (error) {
      // Another process created the study between our read and our write: check it like any existing one.
      if (!(error instanceof TunekitError && error.code === "E_STORE_ALREADY_EXISTS")) throw error;
      existing = (await store.getTuningJob(name)) as TuningJobRecord;
    }
  }
  if (existing.kind !== "study") {
    throw new ValidationError("name", `"${name}" is a tuning job in this storage, not an ask/tell study`);
  }
  const stored = existing.config as StudyConfig;
  for (const field of ["strategy", "objective", "ranges"] as const) {
    if (JSON.stringify(stored[field]) !== JSON.stringify(config[field])) {
      throw new StudyMismatchError(name, field, stored[field], config[field]);
    }
  }
  if (resolved.seed !== undefined && resolved.seed !== existing.seed) {
    throw new StudyMismatchError(name, "seed", existing.seed, resolved.seed);
  }
  return existing;
}

/** Creates (or, with the same storage and name, resumes) a study. */
export function createOptimizer(options: OptimizerOptions): Promise<Optimizer> {
  return Optimizer.open(options);
}
