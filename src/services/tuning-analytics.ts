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
export async function tuningJobAnalytics(store: Store, job: TuningJobRecord): Promise<TuningJobRow[]> {
  const jobs = await store.listTrainingJobPoints(job.name);
  // Every tuned name in the order the jobs first show them (alphabetical: the space's order).
  const tuned = [...new Set(jobs.flatMap((t) => Object.keys(t.hyperparameters)))];
  return jobs.map((t) => {
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

/** The columns of the table, in SageMaker's order: the tuned hyperparameters first. */
export function tuningJobColumns(rows: readonly TuningJobRow[]): string[] {
  const fixed = [
    "TrainingJobName",
    "TrainingJobStatus",
    "FinalObjectiveValue",
    "TrainingStartTime",
    "TrainingEndTime",
    "TrainingElapsedTimeSeconds",
  ];
  // Each row starts with every tuned name, in one order.
  const first = Object.keys(rows[0] ?? {});
  const tuned = first.slice(0, Math.max(0, first.indexOf("TrainingJobName")));
  const withDefinitions = rows.some((r) => r.TrainingJobDefinitionName !== undefined);
  return [...tuned, ...fixed, ...(withDefinitions ? ["TrainingJobDefinitionName"] : [])];
}
