import { systemClock } from "../clock.js";
import { parseTuningJobRequest } from "../config/tuning-job-request.js";
import { objectiveOf, type TuningObjective } from "../identity.js";
import { describeTuningJob } from "../services/describe.js";
import { type DefinitionImportance, tuningJobImportance } from "../services/importance.js";
import { CategoricalParameter, type ParameterRange } from "../space/index.js";
import type { Store, TrainingJobPoint, TuningJobRecord } from "../store/index.js";

/** How a hyperparameter's axis is drawn: on a log scale where its range is logarithmic, as categories where categorical. */
export type AxisKind = "value" | "log" | "category";

export interface ReportAxis {
  readonly name: string;
  readonly kind: AxisKind;
  readonly categories?: readonly string[];
}

/** What the charts draw, read once from the store: all the console's live charts read. */
export interface ChartData {
  readonly job: TuningJobRecord;
  readonly objective: TuningObjective;
  readonly axes: readonly ReportAxis[];
  readonly jobs: readonly TrainingJobPoint[];
  /** When the data was read (ms since the epoch): "now" for running jobs' bars. */
  readonly now: number;
  /** A warm start's parent tuning jobs and their jobs, drawn beside this one's. */
  readonly parents?: readonly { readonly name: string; readonly jobs: readonly TrainingJobPoint[] }[];
}

/** Everything a report draws and tells, read once from the store. */
export interface ReportData extends ChartData {
  readonly description: Awaited<ReturnType<typeof describeTuningJob>>;
  readonly importance: readonly DefinitionImportance[];
}

function axisOf(name: string, range: ParameterRange): ReportAxis {
  if (range instanceof CategoricalParameter) return { name, kind: "category", categories: range.values.map(String) };
  const scaling = (range as { resolvedScaling?: string }).resolvedScaling;
  return { name, kind: scaling === "Logarithmic" ? "log" : "value" };
}

/** Each tuned hyperparameter's axis, in the order the definitions name them. */
function axesOf(job: TuningJobRecord): ReportAxis[] {
  const axes = new Map<string, ReportAxis>();
  if (job.kind === "tuning-job") {
    for (const definition of parseTuningJobRequest(job.config).definitions) {
      for (const [name, range] of definition.space.ranges()) if (!axes.has(name)) axes.set(name, axisOf(name, range));
    }
  }
  return [...axes.values()];
}

/** The names of a warm-started tuning job's parents, as its request lists them. */
function parentNames(job: TuningJobRecord): string[] {
  if (job.kind !== "tuning-job") return [];
  const warm = (job.config as { WarmStartConfig?: { ParentHyperParameterTuningJobs?: unknown } }).WarmStartConfig;
  const parents = Array.isArray(warm?.ParentHyperParameterTuningJobs) ? warm.ParentHyperParameterTuningJobs : [];
  return parents.map((p) => String((p as { HyperParameterTuningJobName?: unknown }).HyperParameterTuningJobName));
}

async function parentsOf(store: Store, job: TuningJobRecord): Promise<ChartData["parents"]> {
  const names = parentNames(job);
  if (names.length === 0) return undefined;
  return Promise.all(
    names.map(async (name) => {
      const parent = await store.getTuningJob(name);
      return { name: parent?.name ?? name, jobs: parent ? await store.listTrainingJobPoints(parent.name) : [] };
    }),
  );
}

/** The charts' data alone: each job's chart fields, without Describe or importance (a pass over every job and a GP fit). */
export async function chartData(store: Store, job: TuningJobRecord, now = systemClock.now()): Promise<ChartData> {
  const parents = await parentsOf(store, job);
  return {
    job,
    objective: objectiveOf(job),
    axes: axesOf(job),
    jobs: await store.listTrainingJobPoints(job.name),
    now,
    ...(parents ? { parents } : {}),
  };
}

export async function reportData(store: Store, job: TuningJobRecord, now = systemClock.now()): Promise<ReportData> {
  const jobs = await store.listTrainingJobPoints(job.name);
  const parents = await parentsOf(store, job);
  return {
    ...(parents ? { parents } : {}),
    job,
    description: await describeTuningJob(store, job, now),
    objective: objectiveOf(job),
    axes: axesOf(job),
    jobs,
    importance: job.kind === "tuning-job" ? await tuningJobImportance(store, job, jobs) : [],
    now,
  };
}
