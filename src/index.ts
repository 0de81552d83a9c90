// The public surface of tunekit, re-exported by name: anything not listed here is internal.

export { type MetricRow, trainingJobAnalytics } from "./api/metrics.js";
export { type TuningJobRow, tuningJobAnalytics } from "./api/tuning-analytics.js";
export { type Clock, ManualClock, systemClock } from "./clock.js";
export { parseTrainingJobRequest, type TrainingJobRequest } from "./config/training-job-request.js";
export {
  type ParsedTuningJob,
  parseTuningJobRequest,
  type TuningJobRequest,
} from "./config/tuning-job-request.js";
export { TunekitError, ValidationError } from "./errors.js";
export {
  defaultJobSettings,
  type JobSettings,
  type PreparedJob,
  parseS3Mapping,
  prepareTrainingJob,
  runTrainingJob,
} from "./jobs/index.js";
export {
  type AskedTrial,
  type BestTrial,
  createOptimizer,
  OPTIMIZER_DEFAULTS,
  type OptimizeOptions,
  Optimizer,
  type OptimizerOptions,
  SearchExhaustedError,
  StudyEndedError,
  StudyMismatchError,
  type TellResult,
  type Trial,
  TrialFinishedError,
  type TrialState,
  UnknownTrialError,
} from "./optimizer/index.js";
export { createRng, type Rng } from "./random.js";
export {
  Estimator,
  type EstimatorOptions,
  HyperparameterTuner,
  type HyperparameterTunerOptions,
  HyperparameterTuningJobAnalytics,
  type Inputs,
  type MetricDefinition,
  Session,
  type SessionOptions,
  TrainingJobAnalytics,
  type WarmStartConfig,
} from "./sdk/index.js";
export {
  CategoricalParameter,
  ContinuousParameter,
  type Hyperparameters,
  type HyperparameterValue,
  IntegerParameter,
  InvalidRangeError,
  type ParameterRange,
  type ParameterRangesRequest,
  parseParameterRanges,
  RangeRule,
  type ScalingType,
  SearchSpace,
  toParameterRanges,
} from "./space/index.js";
export { MemoryStore, SqliteStore, type Store, StoreError } from "./store/index.js";
export { storeLocation as defaultStorePath } from "./store/location.js";
export {
  BayesianStrategy,
  createStrategy,
  GridStrategy,
  type ObjectiveType,
  RandomStrategy,
  SobolStrategy,
  STRATEGY_NAMES,
  type Strategy,
  type StrategyName,
  type SuggestContext,
  type Suggestion,
  SuggestionWorker,
  type SuggestRequest,
  type TrialView,
} from "./strategies/index.js";
export {
  type Executor,
  HyperbandRungs,
  LocalExecutor,
  MedianRule,
  type RunTuningJobOptions,
  runTuningJob,
  SimulatedExecutor,
  type SimulatedObjective,
  type SimulatedRun,
  SlotPool,
  type StopDecision,
  type Stopper,
  suggestInProcess,
  type TrialLaunch,
  type TuningEvent,
} from "./tuner/index.js";
