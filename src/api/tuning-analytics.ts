import type { Store, TuningJobRecord } from "../store/index.js";

/** One row of HyperparameterTuningJobAnalytics.dataframe(): the tuned values, then SageMaker's columns. */
export type TuningJobRow = Record<string, string | number | null>;

/**
 * The table HyperparameterTuningJobAnalytics(name).dataframe() gives, one row
 * per training job in trial order: every tuned hyperparameter (a number where
 * it is one), TrainingJobName, TrainingJobStatus, FinalObjectiveValue,
 * TrainingStartTime, TrainingEndTime, TrainingElapsedTimeSeconds (when both
 * times exist) and TrainingJobDefinitionName (when set). Times are ISO 8601.
 */
export function tuningJobAnalytics(store: Store, job: TuningJobRecord): TuningJobRow[] {
  const tuned = tunedNames(store, job);
  return store.listTrainingJobs({ tuningJobName: job.name }).map((t) => {
    const row: TuningJobRow = {};
    // Every row has every tuned column (several definitions tune different ones), in one order.
    for (const name of tuned) row[name] = null;
    for (const [name, value] of Object.entries(t.hyperparameters)) {
      const number = typeof value === "number" ? value : Number(value);
      row[name] = Number.isFinite(number) && String(value).trim() !== "" ? number : String(value);
    }
    row.TrainingJobName = t.name;
    row.TrainingJobStatus = t.status;
    row.FinalObjectiveValue = t.objectiveValue;
    row.TrainingStartTime = t.startedAt === null ? null : new Date(t.startedAt).toISOString();
    row.TrainingEndTime = t.endedAt === null ? null : new Date(t.endedAt).toISOString();
    if (t.startedAt !== null && t.endedAt !== null) row.TrainingElapsedTimeSeconds = (t.endedAt - t.startedAt) / 1000;
    if (t.definitionName !== null) row.TrainingJobDefinitionName = t.definitionName;
    return row;
  });
}

/** The tuned hyperparameters' names in the order the request lists them (or the jobs first show them). */
export function tunedNames(store: Store, job: TuningJobRecord): string[] {
  const names: string[] = [];
  for (const t of store.listTrainingJobs({ tuningJobName: job.name })) {
    for (const name of Object.keys(t.hyperparameters)) if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** The columns of the table, in SageMaker's order: the tuned hyperparameters first. */
export function tuningJobColumns(store: Store, job: TuningJobRecord, rows: readonly TuningJobRow[]): string[] {
  const fixed = [
    "TrainingJobName",
    "TrainingJobStatus",
    "FinalObjectiveValue",
    "TrainingStartTime",
    "TrainingEndTime",
    "TrainingElapsedTimeSeconds",
  ];
  const withDefinitions = rows.some((r) => r.TrainingJobDefinitionName !== undefined);
  return [...tunedNames(store, job), ...fixed, ...(withDefinitions ? ["TrainingJobDefinitionName"] : [])];
}
