import type { Hyperparameters } from "../../space/index.js";
import type { TrialView } from "../strategy.js";

/** One value a job reached: its configuration, the epoch count (the level), and the objective there. */
export interface LevelObservation {
  readonly trial: number;
  readonly hyperparameters: Hyperparameters;
  readonly level: number;
  readonly value: number;
}

/** What the joint model is fitted on, and where its acquisition looks. */
export interface LevelData {
  /** The levels modelled, ascending: the epoch counts at which finished jobs ended (Hyperband's rungs, and the end). */
  readonly levels: readonly number[];
  readonly observations: readonly LevelObservation[];
  /** The highest level with at least the minimum of values: where new configurations are judged. */
  readonly target: number;
}

/**
 * Every value jobs reached at a level, finished and running jobs alike, as MOBSTER models them: a job stopped at
 * rung 1 says something about its configuration at the end, and a job still running has already said what its
 * early epochs say. The levels are the series lengths of the finished jobs: where Hyperband stopped them (its
 * rungs) and where they ran to the end, so that the model sees each rung's values, not every epoch's (which would
 * make the longest jobs most of the data). A result without a learning curve (a warm start's parent, a caller
 * that sends none) counts as a value at the highest level. Undefined until some level has `minimum` values.
 */
export function levelData(
  history: readonly TrialView[],
  pending: readonly TrialView[],
  minimum: number,
): LevelData | undefined {
  const finished = history.filter((t) => t.state !== "Failed");
  const lengths = finished.map((t) => t.series?.length ?? 0).filter((n) => n > 0);
  const levels = [...new Set(lengths)].sort((a, b) => a - b);
  const top = levels[levels.length - 1] ?? 1;
  if (levels.length === 0) levels.push(top);
  const observations: LevelObservation[] = [];
  for (const trial of [...history, ...pending]) {
    const series = trial.series ?? [];
    if (series.length === 0) {
      if (trial.value !== undefined && Number.isFinite(trial.value)) {
        observations.push({
          trial: trial.index,
          hyperparameters: trial.hyperparameters,
          level: top,
          value: trial.value,
        });
      }
      continue;
    }
    for (const level of levels) {
      const value = series[level - 1];
      if (value === undefined) break;
      if (Number.isFinite(value))
        observations.push({ trial: trial.index, hyperparameters: trial.hyperparameters, level, value });
    }
  }
  const target = [...levels].reverse().find((level) => observations.filter((o) => o.level === level).length >= minimum);
  return target === undefined ? undefined : { levels, observations, target };
}

/**
 * The level a configuration is chosen for: the highest level seen for a trial the tuner says no rung will judge
 * (`rungs` empty: Hyperband's last bracket, run to the end), whose value at the end is all that counts;
 * otherwise the highest level with enough values, as MOBSTER and BOHB choose.
 */
export function aimLevel(data: LevelData, rungs: readonly number[] | undefined): number {
  return rungs?.length === 0 ? (data.levels[data.levels.length - 1] as number) : data.target;
}

/** A level's coordinate in the model: log-scaled to [0, 1] over the levels seen, as MOBSTER scales the resource. */
export function levelCoordinate(level: number, levels: readonly number[]): number {
  const low = levels[0] ?? 1;
  const high = levels[levels.length - 1] ?? 1;
  return high > low ? Math.log(level / low) / Math.log(high / low) : 0;
}
