import { describeValue, TunekitError, ValidationError } from "../errors.js";
import type { TuningJobStatus } from "../store/index.js";
import type { AskedTrial, BestTrial, TellResult, Trial } from "./trial.js";

export interface OptimizeOptions {
  /** The study's total number of trials, counting those it already has. */
  maxTrials: number;
  /** How many evaluations run at once. @defaultValue 1 */
  maxParallel?: number;
  /** Stops asking for new trials when aborted; evaluations under way finish. */
  signal?: AbortSignal;
}

function checkCount(field: string, value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new ValidationError(field, `must be a positive integer, got ${describeValue(value)}`);
  }
  return value as number;
}

/** What the loop needs of an Optimizer (the Optimizer itself calls the loop). */
export interface Study {
  ask(): Promise<AskedTrial>;
  tell(id: number, result: TellResult): Promise<void>;
  trials(): Promise<Trial[]>;
  best(): Promise<BestTrial | undefined>;
  status(): Promise<TuningJobStatus>;
  setCompleted(completed: boolean): Promise<void>;
}

type Objective = (hyperparameters: AskedTrial["hyperparameters"], trial: AskedTrial) => number | Promise<number>;

export async function runOptimizeLoop(
  optimizer: Study,
  objective: Objective,
  options: OptimizeOptions,
): Promise<BestTrial | undefined> {
  if (typeof objective !== "function") {
    throw new ValidationError("objective", `must be a function, got ${describeValue(objective)}`);
  }
  if (typeof options !== "object" || options === null) {
    throw new ValidationError("options", `must be an object, got ${describeValue(options)}`);
  }
  const maxTrials = checkCount("maxTrials", options.maxTrials);
  const maxParallel = checkCount("maxParallel", options.maxParallel ?? 1);
  const existing = await optimizer.trials();
  const leftover: AskedTrial[] = existing.filter((t) => t.state === "Pending");
  let created = existing.length;
  let exhausted = false;

  const next = async (): Promise<AskedTrial | undefined> => {
    const adopted = leftover.shift();
    if (adopted) return adopted;
    if (exhausted || created >= maxTrials || options.signal?.aborted) return undefined;
    try {
      const trial = await optimizer.ask();
      created = trial.id + 1;
      return trial;
    } catch (error) {
      if (error instanceof TunekitError && (error.code === "E_SEARCH_EXHAUSTED" || error.code === "E_STUDY_ENDED")) {
        exhausted = true;
        return undefined;
      }
      throw error;
    }
  };

  const worker = async (): Promise<void> => {
    for (let trial = await next(); trial !== undefined; trial = await next()) {
      let value: number;
      try {
        value = await objective(trial.hyperparameters, trial);
      } catch (error) {
        await optimizer.tell(trial.id, {
          failed: true,
          reason: error instanceof Error ? error.message : String(error),
        });
        continue;
      }
      if (typeof value === "number" && Number.isFinite(value)) {
        await optimizer.tell(trial.id, value);
      } else {
        await optimizer.tell(trial.id, { failed: true, reason: `the objective returned ${describeValue(value)}` });
      }
    }
  };

  await Promise.all(Array.from({ length: maxParallel }, worker));
  const finished = (await optimizer.trials()).every((t) => t.state !== "Pending");
  if (finished && !options.signal?.aborted && (await optimizer.status()) === "InProgress") {
    await optimizer.setCompleted(true);
  }
  return optimizer.best();
}
