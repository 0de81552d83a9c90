export {
  SearchExhaustedError,
  StudyEndedError,
  StudyMismatchError,
  TrialFinishedError,
  UnknownTrialError,
} from "./errors.js";
export type { OptimizeOptions } from "./optimize-loop.js";
export { createOptimizer, Optimizer } from "./optimizer.js";
export { OPTIMIZER_DEFAULTS, type OptimizerOptions } from "./options.js";
export type { AskedTrial, BestTrial, TellResult, Trial, TrialState } from "./trial.js";
