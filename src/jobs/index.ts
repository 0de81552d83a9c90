export { toolkitArguments } from "./arguments.js";
export type { JobResources } from "./environment.js";
export { INFRASTRUCTURE_SIGNALS, isRetryableFailure } from "./failure.js";
export { type MetricDefinition, MetricExtractor } from "./metric-extractor.js";
export { checkRequestAnywhere, checkRequestFor, type PreparedJob, prepareTrainingJob } from "./prepare.js";
export { type RunOptions, runOptionsOf, withRunOptions } from "./run-options.js";
export { isLostJob, type JobEvent, type RunTrainingJobOptions, runTrainingJob } from "./run-training-job.js";
export { parseS3Mapping, type S3Mapping } from "./s3-map.js";
export { defaultJobSettings, JOB_DEFAULTS, type JobSettings } from "./settings.js";
