import type { Clock } from "../clock.js";
import { describeValue, ValidationError } from "../errors.js";
import type { ParameterRange } from "../space/index.js";
import { SearchSpace } from "../space/index.js";
import type { Store } from "../store/index.js";
import { createStrategy, type ObjectiveType, type Strategy, type StrategyName } from "../strategies/index.js";

export interface OptimizerOptions {
  /** How to choose configurations. @defaultValue "Random" */
  strategy?: StrategyName;
  ranges: Record<string, ParameterRange>;
  /** Whether larger (Maximize) or smaller (Minimize) objective values are better. Required. */
  objective: ObjectiveType;
  /** Makes the sequence of suggestions reproducible. @defaultValue a random seed, stored with the study */
  seed?: number;
  /** Where to persist and resume the study: an SQLite file or a postgres:// URL; in memory when absent. */
  storage?: string;
  /** An open store to use instead of `storage` (the caller keeps ownership). */
  store?: Store;
  /** The study's name within its storage, following SageMaker's tuning job name rules. @defaultValue "default" */
  name?: string;
  clock?: Clock;
}

export const OPTIMIZER_DEFAULTS = { strategy: "Random", name: "default" } as const satisfies Partial<OptimizerOptions>;

/** SageMaker's HyperParameterTuningJobName rule, which study names share. */
export const TUNING_JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/;

export interface ResolvedOptions {
  strategy: Strategy;
  strategyName: StrategyName;
  space: SearchSpace;
  objective: ObjectiveType;
  seed: number | undefined;
  storage: string | undefined;
  store: Store | undefined;
  name: string;
}

const KNOWN = new Set(["strategy", "ranges", "objective", "seed", "storage", "store", "name", "clock"]);

/** Validates everything before anything is opened or written, so bad options leave no trace. */
export function resolveOptions(options: OptimizerOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new ValidationError("options", `must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new ValidationError(key, `unknown option; known options are ${[...KNOWN].join(", ")}`);
  }
  const strategyName = (options.strategy ?? OPTIMIZER_DEFAULTS.strategy) as StrategyName;
  const strategy = createStrategy(strategyName);
  const space = new SearchSpace(options.ranges);
  strategy.checkSpace(space);
  if (options.objective !== "Maximize" && options.objective !== "Minimize") {
    throw new ValidationError("objective", `must be "Maximize" or "Minimize", got ${describeValue(options.objective)}`);
  }
  if (options.seed !== undefined && !(Number.isSafeInteger(options.seed) && options.seed >= 0)) {
    throw new ValidationError("seed", `must be a non-negative integer, got ${describeValue(options.seed)}`);
  }
  if (options.storage !== undefined && (typeof options.storage !== "string" || options.storage.length === 0)) {
    throw new ValidationError(
      "storage",
      `must be a file path or a postgres:// URL, got ${describeValue(options.storage)}`,
    );
  }
  if (options.storage !== undefined && options.store !== undefined) {
    throw new ValidationError("storage", "give either storage (a file path) or store (an open store), not both");
  }
  const name = options.name ?? OPTIMIZER_DEFAULTS.name;
  if (typeof name !== "string" || !TUNING_JOB_NAME.test(name)) {
    throw new ValidationError(
      "name",
      `must be 1 to 32 letters, digits and hyphens, starting and ending with a letter or digit, got ${describeValue(name)}`,
    );
  }
  return {
    strategy,
    strategyName,
    space,
    objective: options.objective,
    seed: options.seed,
    storage: options.storage,
    store: options.store,
    name,
  };
}
