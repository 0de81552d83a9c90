export { toolkitArguments } from "./arguments.js";
export type { JobResources } from "./environment.js";
export { type MetricDefinition, MetricExtractor } from "./metric-extractor.js";
export { type PreparedJob, prepareTrainingJob } from "./prepare.js";
export { COMBINED_LOG, type RunTrainingJobOptions, runTrainingJob } from "./run-training-job.js";
export { parseS3Mapping, type S3Mapping } from "./s3-map.js";
export { defaultJobSettings, JOB_DEFAULTS, type JobSettings } from "./settings.js";
