export {
  bestTrainingJob,
  describeTrainingJob,
  describeTuningJob,
  kindLabel,
  objectiveOf,
  strategyOf,
  summarizeTrainingJob,
  trainingJobArn,
  tuningJobArn,
} from "./describe.js";
export {
  type ListForTuningJobOptions,
  listTrainingJobsForTuningJob,
  SORT_BY,
  type SortBy,
} from "./list-training-jobs-for-tuning-job.js";
export { type Resolved, resolveName } from "./resolve-name.js";
export { type StopOutcome, stopJob } from "./stop.js";
