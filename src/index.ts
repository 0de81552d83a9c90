// The public surface of tunekit, re-exported by name: anything not listed here is internal.

export { type Clock, ManualClock, systemClock } from "./clock.js";
export { parseTrainingJobRequest, type TrainingJobRequest } from "./config/training-job-request.js";
export {
  type ParsedTuningJob,
  parseTuningJobRequest,
  type TuningJobRequest,
} from "./config/tuning-job-request.js";
export { Controller, type ControllerOptions } from "./controller/index.js";
export { TunekitError, ValidationError } from "./errors.js";
export {
  type Executor,
  type ExecutorEvent,
  type LaunchOptions,
  LocalExecutor,
  type LocalExecutorOptions,
  SimulatedExecutor,
  type SimulatedObjective,
  type SimulatedRun,
  SlotPool,
} from "./executors/index.js";
export {
  defaultJobSettings,
  type JobSettings,
  type PreparedJob,
  parseS3Mapping,
  prepareTrainingJob,
  type RunOptions,
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
export { type MetricRow, trainingJobAnalytics } from "./services/metrics.js";
export { type TuningJobRow, tuningJobAnalytics } from "./services/tuning-analytics.js";
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
export {
  type Fence,
  type Lease,
  MemoryStore,
  openStore,
  SqliteStore,
  type Store,
  StoreError,
  storeLocation as defaultStorePath,
  tunekitHome,
} from "./store/index.js";
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
  HyperbandRungs,
  MedianRule,
  type RunTuningJobOptions,
  runTuningJob,
  type StopDecision,
  type Stopper,
  suggestInProcess,
  type TuningEvent,
} from "./tuner/index.js";
