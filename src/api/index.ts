export {
  bestTrainingJob,
  describeTrainingJob,
  describeTuningJob,
  kindLabel,
  objectiveOf,
  strategyOf,
  summarizeTrainingJob,
} from "./describe.js";
export { type Resolved, resolveName } from "./resolve-name.js";
export { type StopOutcome, stopJob } from "./stop.js";
