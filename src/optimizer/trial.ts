import type { Hyperparameters } from "../space/index.js";
import type { TrainingJobRecord } from "../store/index.js";
import type { TrialView } from "../strategies/index.js";

export type TrialState = "Pending" | "Completed" | "Failed" | "Stopped";

/** What ask() returns: the trial's id (its index in the study) and what to evaluate. */
export interface AskedTrial {
  readonly id: number;
  readonly hyperparameters: Hyperparameters;
}

export interface Trial extends AskedTrial {
  readonly state: TrialState;
  readonly value: number | undefined;
  readonly failureReason: string | undefined;
  readonly createdAt: number;
  readonly endedAt: number | undefined;
}

export interface BestTrial extends AskedTrial {
  readonly value: number;
}

/** What tell() accepts: the objective value, or a failure with its reason. */
export type TellResult = number | { readonly failed: true; readonly reason?: string };

/** A study's trials are training jobs named like SageMaker's children: `<study>-<NNN>`. */
export function trialName(study: string, index: number): string {
  return `${study}-${String(index).padStart(3, "0")}`;
}

export function toTrial(record: TrainingJobRecord): Trial {
  return {
    id: record.trialIndex ?? -1,
    hyperparameters: record.hyperparameters,
    state: record.status === "InProgress" || record.status === "Stopping" ? "Pending" : record.status,
    value: record.objectiveValue ?? undefined,
    failureReason: record.failureReason ?? undefined,
    createdAt: record.createdAt,
    endedAt: record.endedAt ?? undefined,
  };
}

/** What a strategy sees of a trial: its hyperparameters, state, value and the state the strategy stored with it. */
export function trialView(record: TrainingJobRecord): TrialView {
  const trial = toTrial(record);
  return {
    index: trial.id,
    hyperparameters: trial.hyperparameters,
    state: trial.state,
    ...(trial.value === undefined ? {} : { value: trial.value }),
    ...(record.strategyState === null ? {} : { strategyState: record.strategyState }),
  };
}
