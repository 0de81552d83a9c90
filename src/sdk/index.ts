export { HyperparameterTuningJobAnalytics, TrainingJobAnalytics } from "./analytics.js";
export { Estimator, type EstimatorOptions, type Inputs, type MetricDefinition } from "./estimator.js";
export { HyperparameterTuner, type HyperparameterTunerOptions, type WarmStartConfig } from "./hyperparameter-tuner.js";
export { Session, type SessionOptions } from "./session.js";
