import { type Clock, systemClock } from "../clock.js";
import { describeValue, TunekitError, ValidationError } from "../errors.js";
import { freshSeed } from "../random.js";
import { retrySync } from "../retry.js";
import type { SearchSpace } from "../space/index.js";
import { MemoryStore, SqliteStore, type Store, type TrainingJobRecord, type TuningJobRecord } from "../store/index.js";
import { type ObjectiveType, type Strategy, type StrategyName, suggestContext } from "../strategies/index.js";
import {
  SearchExhaustedError,
  StudyEndedError,
  StudyMismatchError,
  TrialFinishedError,
  UnknownTrialError,
} from "./errors.js";
import { type OptimizeOptions, runOptimizeLoop } from "./optimize-loop.js";
import { type OptimizerOptions, resolveOptions } from "./options.js";
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
 * no private history, so reopening the same storage resumes the study exactly.
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

  constructor(options: OptimizerOptions) {
    const resolved = resolveOptions(options);
    this.name = resolved.name;
    this.space = resolved.space;
    this.objective = resolved.objective;
    this.strategyName = resolved.strategyName;
    this.strategy = resolved.strategy;
    this.clock = options.clock ?? systemClock;
    this.ownsStore = resolved.store === undefined;
    this.store =
      resolved.store ?? (resolved.storage === undefined ? new MemoryStore() : new SqliteStore(resolved.storage));
    try {
      this.seed = this.openStudy(resolved.seed).seed;
    } catch (error) {
      if (this.ownsStore) this.store.close();
      throw error;
    }
  }

  private openStudy(seed: number | undefined): TuningJobRecord {
    const config: StudyConfig = { strategy: this.strategyName, objective: this.objective, ranges: this.space.specs() };
    let existing = this.store.getTuningJob(this.name);
    if (!existing) {
      try {
        return this.store.createTuningJob({
          name: this.name,
          kind: "study",
          config,
          seed: seed ?? freshSeed(),
          now: this.clock.now(),
        });
      } catch (error) {
        // Another process created the study between our read and our write: check it like any existing one.
        if (!(error instanceof TunekitError && error.code === "E_STORE_ALREADY_EXISTS")) throw error;
        existing = this.store.getTuningJob(this.name) as TuningJobRecord;
      }
    }
    if (existing.kind !== "study") {
      throw new ValidationError("name", `"${this.name}" is a tuning job in this storage, not an ask/tell study`);
    }
    const stored = existing.config as StudyConfig;
    for (const field of ["strategy", "objective", "ranges"] as const) {
      if (JSON.stringify(stored[field]) !== JSON.stringify(config[field])) {
        throw new StudyMismatchError(this.name, field, stored[field], config[field]);
      }
    }
    if (seed !== undefined && seed !== existing.seed)
      throw new StudyMismatchError(this.name, "seed", existing.seed, seed);
    return existing;
  }

  /** Suggests the next configuration; may be called again before the previous one is told. */
  ask(): AskedTrial {
    // Another process sharing the storage may take the index first: then suggest again with its trial in view.
    return retrySync(() => this.tryAsk(), {
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
  private tryAsk(): AskedTrial {
    const study = this.store.getTuningJob(this.name) as TuningJobRecord;
    if (study.status !== "InProgress") throw new StudyEndedError(this.name, study.status);
    const views = this.store.listTrainingJobs({ tuningJobName: this.name }).map(trialView);
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
    const record = this.store.createTrainingJob({
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
  tell(id: number, result: TellResult): void {
    if (!Number.isSafeInteger(id) || id < 0) throw new UnknownTrialError(describeValue(id));
    const patch = this.resultPatch(result);
    const name = trialName(this.name, id);
    const record = this.store.getTrainingJob(name);
    if (!record || record.tuningJobName?.toLowerCase() !== this.name.toLowerCase()) throw new UnknownTrialError(id);
    const updated = this.store.updateTrainingJob(name, { ...patch, endedAt: this.clock.now(), now: this.clock.now() }, [
      "InProgress",
    ]);
    if (!updated) throw new TrialFinishedError(id, toTrial(this.store.getTrainingJob(name) as TrainingJobRecord).state);
  }

  private resultPatch(result: TellResult) {
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

  /** The best completed trial; the earliest one wins a tie. */
  best(): BestTrial | undefined {
    const record = this.store.bestTrainingJob(this.name, this.objective);
    if (!record) return undefined;
    const trial = toTrial(record);
    return { id: trial.id, hyperparameters: trial.hyperparameters, value: trial.value as number };
  }

  /** Every trial of the study, in order, with its state and value. */
  trials(): Trial[] {
    return this.store.listTrainingJobs({ tuningJobName: this.name }).map(toTrial);
  }

  /**
   * Evaluates `objective` until the study has `maxTrials` trials in all (so a
   * resumed study finishes the same budget), `maxParallel` at a time. Trials
   * left pending by an earlier process are evaluated first. A throw or a
   * non-finite result fails that trial and the loop goes on.
   */
  optimize(
    objective: (hyperparameters: AskedTrial["hyperparameters"], trial: AskedTrial) => number | Promise<number>,
    options: OptimizeOptions,
  ): Promise<BestTrial | undefined> {
    return runOptimizeLoop(this, objective, options);
  }

  close(): void {
    if (this.ownsStore) this.store.close();
  }
}

/** Creates (or, with the same storage and name, resumes) a study. */
export function createOptimizer(options: OptimizerOptions): Optimizer {
  return new Optimizer(options);
}
