import type { ParsedDefinition, ParsedTuningJob } from "../config/tuning-job-request.js";
import { ValidationError } from "../errors.js";
import { objectiveOf } from "../identity.js";
import type { Store, TrainingJobRecord } from "../store/index.js";
import type { TrialView } from "../strategies/index.js";

const TERMINAL = new Set(["Completed", "Stopped", "Failed"]);
const FIELD = "WarmStartConfig.ParentHyperParameterTuningJobs";

/** A parent's result, as the strategy sees it, for the definition it belongs to. */
export interface WarmStartPoint {
  readonly definitionName: string | undefined;
  readonly view: TrialView;
}

function rangeKinds(job: ParsedTuningJob | { definitions: readonly ParsedDefinition[] }): string {
  return job.definitions
    .map((d) =>
      d.space
        .ranges()
        .map(([name, range]) => `${name}:${range.constructor.name}`)
        .sort()
        .join(","),
    )
    .join("|");
}

/**
 * Checks the parents of a warm-started tuning job with SageMaker's rules
 * (they exist, are tuning jobs that ended, share the objective metric, and
 * tune the same hyperparameters with the same types) before anything is created.
 */
export async function checkParents(
  store: Store,
  job: ParsedTuningJob,
  parse: (request: unknown) => ParsedTuningJob,
): Promise<void> {
  if (!job.warmStart) return;
  for (const [i, name] of job.warmStart.parents.entries()) {
    const field = `${FIELD}[${i}].HyperParameterTuningJobName`;
    const parent = await store.getTuningJob(name);
    if (parent?.kind !== "tuning-job")
      throw new ValidationError(field, `no tuning job is named ${name}`, "E_REQUEST_INVALID");
    if (!TERMINAL.has(parent.status)) {
      throw new ValidationError(
        field,
        `${parent.name} is ${parent.status}; a parent must have ended (Completed, Stopped or Failed)`,
        "E_REQUEST_INVALID",
      );
    }
    const objective = objectiveOf(parent);
    const ours = job.definitions[0]?.objective;
    if (objective.MetricName !== ours?.MetricName || objective.Type !== ours.Type) {
      throw new ValidationError(
        field,
        `${parent.name} tunes ${objective.Type} ${objective.MetricName}, this job ${ours?.Type} ${ours?.MetricName}; a parent must share the objective`,
        "E_REQUEST_INVALID",
      );
    }
    if (rangeKinds(parse(parent.config)) !== rangeKinds(job)) {
      throw new ValidationError(
        field,
        `${parent.name} tunes other hyperparameters (or other types); a parent must tune the same ones`,
        "E_REQUEST_INVALID",
      );
    }
  }
}

/**
 * The parents' results that seed the strategy: every parent job whose
 * objective succeeded and whose hyperparameters lie inside this job's ranges.
 * A point outside the new ranges (TransferLearning may narrow, widen or move
 * them, and IdenticalDataAndAlgorithm may narrow them) is left out rather than
 * clipped: its objective was measured at values this job cannot propose, so
 * it would teach the model about a point that is not there. Warm start is not
 * recursive: only the parents' own jobs count, not their parents'.
 */
export async function warmStartPoints(store: Store, job: ParsedTuningJob): Promise<WarmStartPoint[]> {
  if (!job.warmStart) return [];
  const points: WarmStartPoint[] = [];
  let index = -1;
  for (const name of job.warmStart.parents) {
    for (const record of await store.listTrainingJobs({ tuningJobName: name })) {
      if (record.objectiveStatus !== "Succeeded" || record.objectiveValue === null) continue;
      const definition = job.definitions.find((d) => (d.name ?? null) === record.definitionName) ?? job.definitions[0];
      if (!definition || !fits(definition, record)) continue;
      points.push({
        definitionName: definition.name,
        view: {
          index: index--,
          hyperparameters: record.hyperparameters,
          state: "Completed",
          value: record.objectiveValue,
        },
      });
    }
  }
  return points;
}

function fits(definition: ParsedDefinition, record: TrainingJobRecord): boolean {
  try {
    definition.space.encode(record.hyperparameters);
    return true;
  } catch {
    return false;
  }
}
