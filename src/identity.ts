import type { ResourceKind, TuningJobRecord } from "./store/records.js";
import type { ObjectiveType } from "./strategies/strategy.js";

/**
 * What names a job wherever it is shown or passed on: its ARN (in Describe,
 * and in the TRAINING_JOB_ARN a job's process sees), what "better" means for
 * a tuning job, and the words messages use. Used by the core and by every
 * client alike, so they cannot drift apart.
 */

/** Where ARNs say jobs live: SageMaker's partition, region and 12-digit account. */
export interface ArnScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

let scope: ArnScope = { partition: "tunekit", region: "local", account: "000000000000" };

/** Sets the region and account ARNs carry (the server's configuration); the defaults say they are local. */
export function configureArns(next: Partial<ArnScope>): void {
  scope = { ...scope, ...next };
}

/** Where ARNs say jobs live now. */
export function arnScope(): ArnScope {
  return scope;
}

const arn = (resource: string, name: string) =>
  `arn:${scope.partition}:sagemaker:${scope.region}:${scope.account}:${resource}/${name.toLowerCase()}`;

export function tuningJobArn(name: string): string {
  return arn("hyper-parameter-tuning-job", name);
}

export function trainingJobArn(name: string): string {
  return arn("training-job", name);
}

export interface TuningObjective {
  Type: ObjectiveType;
  MetricName: string;
}

/** A job's stored config as an object: a record written by hand may hold anything, and must still be listable. */
function configOf(job: TuningJobRecord): Record<string, unknown> {
  return typeof job.config === "object" && job.config !== null ? (job.config as Record<string, unknown>) : {};
}

/** A study keeps its options; a tuning job keeps its request. Either way, this is what "better" means. */
export function objectiveOf(job: TuningJobRecord): TuningObjective {
  const config = configOf(job);
  if (job.kind === "study") return { Type: config.objective as ObjectiveType, MetricName: "objective" };
  const tuning = (config.HyperParameterTuningJobConfig ?? {}) as { HyperParameterTuningJobObjective?: TuningObjective };
  return tuning.HyperParameterTuningJobObjective ?? { Type: "Maximize", MetricName: "objective" };
}

export function strategyOf(job: TuningJobRecord): string {
  const config = configOf(job);
  if (job.kind === "study") return String(config.strategy);
  const tuning = (config.HyperParameterTuningJobConfig ?? {}) as { Strategy?: string };
  return tuning.Strategy ?? "Bayesian";
}

/** "tuning-job" → "tuning job", for messages. */
export function kindLabel(kind: ResourceKind): string {
  return kind.replace("-", " ");
}
