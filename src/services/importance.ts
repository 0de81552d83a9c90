import { hyperparameterImportance, type Importance } from "../analytics/importance.js";
import { parseTuningJobRequest } from "../config/tuning-job-request.js";
import type { Store, TrainingJobPoint, TuningJobRecord } from "../store/index.js";

export interface DefinitionImportance {
  /** TrainingJobDefinitions' DefinitionName, if the tuning job has several. */
  readonly definitionName?: string;
  /** How many results (jobs whose objective succeeded) the measure rests on. */
  readonly results: number;
  readonly importances: readonly Importance[];
}

/** The importance of each tuned hyperparameter of a tuning job (per definition), from its results so far. */
export async function tuningJobImportance(
  store: Store,
  job: TuningJobRecord,
  points?: readonly TrainingJobPoint[],
): Promise<DefinitionImportance[]> {
  const jobs = points ?? (await store.listTrainingJobPoints(job.name));
  const parsed = parseTuningJobRequest(job.config);
  return parsed.definitions.map((definition) => {
    const results = jobs
      .filter((j) => j.definitionName === (definition.name ?? null) && j.objectiveStatus === "Succeeded")
      .map((j) => ({ hyperparameters: j.hyperparameters, value: j.objectiveValue as number }));
    return {
      ...(definition.name ? { definitionName: definition.name } : {}),
      results: results.length,
      importances: hyperparameterImportance(definition.space, results, { seed: job.seed }),
    };
  });
}
