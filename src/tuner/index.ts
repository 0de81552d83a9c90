export { childJobName, childRequest } from "./child-job.js";
export { checkCompletion } from "./completion.js";
export { HyperbandRungs } from "./hyperband-rungs.js";
export { suggestInProcess } from "./in-process.js";
export { MedianRule } from "./median-rule.js";
export { endLostJob, leaseOwner, openTuningJob, TUNER_LEASE_TTL_MS } from "./open-tuning-job.js";
export { checkTuningJob, type RunTuningJobOptions, runTuningJob, type TuningEvent } from "./run-tuning-job.js";
export type { StopDecision, Stopper } from "./stopper.js";
