export { kindLabel, objectiveOf, strategyOf, trainingJobArn, tuningJobArn } from "../identity.js";
export { bestTrainingJob, describeTrainingJob, describeTuningJob, summarizeTrainingJob } from "./describe.js";
export {
  type ListForTuningJobOptions,
  listTrainingJobsForTuningJob,
  SORT_BY,
  type SortBy,
} from "./list-training-jobs-for-tuning-job.js";
export { type Resolved, resolveName } from "./resolve-name.js";
export { type StopOutcome, stopJob } from "./stop.js";
