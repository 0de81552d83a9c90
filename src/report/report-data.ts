import { describeTuningJob, objectiveOf, type TuningObjective } from "../api/describe.js";
import { type DefinitionImportance, tuningJobImportance } from "../api/importance.js";
import { parseTuningJobRequest } from "../config/tuning-job-request.js";
import { CategoricalParameter, type ParameterRange } from "../space/index.js";
import type { Store, TrainingJobRecord, TuningJobRecord } from "../store/index.js";

/** How a hyperparameter's axis is drawn: on a log scale where its range is logarithmic, as categories where categorical. */
export type AxisKind = "value" | "log" | "category";

export interface ReportAxis {
  readonly name: string;
  readonly kind: AxisKind;
  readonly categories?: readonly string[];
}

/** Everything a report or the console's charts draw, read once from the store. */
export interface ReportData {
  readonly job: TuningJobRecord;
  /** DescribeHyperParameterTuningJob; absent when only the charts were read. */
  readonly description: ReturnType<typeof describeTuningJob> | undefined;
  readonly objective: TuningObjective;
  readonly axes: readonly ReportAxis[];
  readonly jobs: readonly TrainingJobRecord[];
  readonly importance: readonly DefinitionImportance[];
  /** When the report was made (ms since the epoch): "now" for running jobs' bars. */
  readonly now: number;
}

function axisOf(name: string, range: ParameterRange): ReportAxis {
  if (range instanceof CategoricalParameter) return { name, kind: "category", categories: range.values.map(String) };
  const scaling = (range as { resolvedScaling?: string }).resolvedScaling;
  return { name, kind: scaling === "Logarithmic" ? "log" : "value" };
}

/**
 * `charts: true` reads only what the charts draw (the console's live charts): no Describe, no importance,
 * which cost a pass over every job and a GP fit.
 */
export function reportData(
  store: Store,
  job: TuningJobRecord,
  now = Date.now(),
  options: { charts?: boolean } = {},
): ReportData {
  const axes = new Map<string, ReportAxis>();
  let importance: DefinitionImportance[] = [];
  if (job.kind === "tuning-job") {
    for (const definition of parseTuningJobRequest(job.config).definitions) {
      for (const [name, range] of definition.space.ranges()) if (!axes.has(name)) axes.set(name, axisOf(name, range));
    }
    if (!options.charts) importance = tuningJobImportance(store, job);
  }
  return {
    job,
    description: options.charts ? undefined : describeTuningJob(store, job),
    objective: objectiveOf(job),
    axes: [...axes.values()],
    jobs: store.listTrainingJobs({ tuningJobName: job.name, summary: true }),
    importance,
    now,
  };
}
