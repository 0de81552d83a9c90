import { createHash } from "node:crypto";
import type { ParsedDefinition } from "../config/tuning-job-request.js";
import type { Hyperparameters } from "../space/index.js";

/** A child's name as SageMaker forms it: `<tuning job>-<NNN>-<8 hex>`, at most 45 of the 63 characters allowed. */
export function childJobName(tuningJobName: string, seed: number, index: number): string {
  const suffix = createHash("sha256").update(`${tuningJobName}\0${seed}\0${index}`).digest("hex").slice(0, 8);
  return `${tuningJobName}-${String(index + 1).padStart(3, "0")}-${suffix}`;
}

/** A tuned value as SageMaker passes it to a job: a string (numbers in their shortest round-trip form). */
function asString(value: Hyperparameters[string]): string {
  return typeof value === "string" ? value : String(value);
}

/**
 * The CreateTrainingJob request of one child: the definition, its static
 * hyperparameters, the tuned ones and `_tuning_objective_metric`, as SageMaker
 * adds it to every child.
 */
export function childRequest(parsed: ParsedDefinition, name: string, tuned: Hyperparameters): Record<string, unknown> {
  const { StaticHyperParameters, ...rest } = parsed.definition as ParsedDefinition["definition"] &
    Record<string, unknown>;
  for (const key of [
    "DefinitionName",
    "TuningObjective",
    "HyperParameterRanges",
    "HyperParameterTuningResourceConfig",
  ]) {
    delete rest[key];
  }
  return {
    ...rest,
    TrainingJobName: name,
    HyperParameters: {
      ...StaticHyperParameters,
      ...Object.fromEntries(Object.entries(tuned).map(([k, v]) => [k, asString(v)])),
      _tuning_objective_metric: parsed.objective.MetricName,
    },
  };
}
