import { TunekitError } from "../errors.js";

export class UnknownTrialError extends TunekitError {
  constructor(id: unknown) {
    super("E_UNKNOWN_TRIAL", `id: no trial has id ${String(id)} in this study`, { field: "id" });
  }
}

export class TrialFinishedError extends TunekitError {
  constructor(id: number, state: string) {
    super("E_TRIAL_FINISHED", `id: trial ${id} is already finished (${state}); a trial is told once`, { field: "id" });
  }
}

export class SearchExhaustedError extends TunekitError {
  constructor(strategy: string, trials: number) {
    super("E_SEARCH_EXHAUSTED", `the ${strategy} strategy has no configuration left to suggest after ${trials} trials`);
  }
}

export class StudyMismatchError extends TunekitError {
  constructor(name: string, field: string, stored: unknown, given: unknown) {
    super(
      "E_STUDY_MISMATCH",
      `${field}: the study "${name}" in this storage was created with ${JSON.stringify(stored)}, ` +
        `not ${JSON.stringify(given)}; use another name or the same options to resume it`,
      { field },
    );
  }
}

export class StudyEndedError extends TunekitError {
  constructor(name: string, status: string) {
    super("E_STUDY_ENDED", `the study "${name}" is ${status}: it takes no new trials (pending ones may still be told)`);
  }
}
