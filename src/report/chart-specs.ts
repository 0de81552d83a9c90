import { createRng } from "../random.js";
import type { TrainingJobPoint } from "../store/index.js";
import type { ChartData, ReportAxis } from "./report-data.js";
import { type RobustLimit, robustLimit } from "./robust-axis.js";
import { STATUS_GROUPS, type StatusGroup, statusGroup, stopReasonText } from "./status-groups.js";

/**
 * The charts people tune by, as plain data: what each chart plots, from which columns, on which scales. One
 * definition for both renderers: the report turns it into ECharts options (echarts-options.ts, SVG on the
 * server), the console into uPlot charts in the browser. Times are minutes since the tuning job was created.
 */

/** One value per job (its row), by column name: see pointColumns. */
export type PointColumns = Record<string, (number | string | null)[]>;

export interface AxisSpec {
  /** The column the axis reads. */
  readonly column: string;
  readonly name: string;
  readonly scale: "linear" | "log" | "category";
  readonly categories?: readonly string[];
  /** Set on an objective axis with far-out values: where to clip them (see robust-axis.ts). */
  readonly robust?: RobustLimit;
}

interface BaseSpec {
  readonly id: string;
  readonly title: string;
}

/** Every row with both values is a point, coloured by its status group. */
export interface ScatterSpec extends BaseSpec {
  readonly kind: "scatter";
  readonly x: AxisSpec;
  readonly y: AxisSpec;
  /** The best objective so far as a step line: [minutes, value] where it changed, and at the last result. */
  readonly bestSoFar?: readonly (readonly [number, number])[];
  /** Also draws the warm start's parents' jobs (ChartSet.parents), which have no times. */
  readonly withParents?: boolean;
}

/** A line per job through its hyperparameters and its objective, coloured by the objective. */
export interface ParallelSpec extends BaseSpec {
  readonly kind: "parallel";
  readonly axes: readonly AxisSpec[];
  /** The rows drawn, when not every row with an objective is (see PARALLEL_MAX_LINES). */
  readonly rows?: readonly number[];
}

/** A bar per job from its start to its end (or now), in trial order, coloured by status group. */
export interface TimelineSpec extends BaseSpec {
  readonly kind: "timeline";
}

/** Above LARGE jobs the timeline becomes how many jobs ran at each moment, as a step line. */
export interface RunningSpec extends BaseSpec {
  readonly kind: "running";
  readonly points: readonly (readonly [number, number])[];
}

export type ChartSpec = ScatterSpec | ParallelSpec | TimelineSpec | RunningSpec;

export interface ChartSet {
  readonly objective: { readonly Type: "Maximize" | "Minimize"; readonly MetricName: string };
  readonly groups: readonly StatusGroup[];
  /** Minutes from the tuning job's creation to when the data was read: where running jobs' bars end. */
  readonly now: number;
  readonly columns: PointColumns;
  /** Stopped jobs' stop reasons in words, by row (most jobs have none, so they do not take a column). */
  readonly reasons: Readonly<Record<number, string>>;
  /** A warm start's parents: their names, and their jobs' columns (`source` indexes `names`). */
  readonly parents?: { readonly names: readonly string[]; readonly columns: PointColumns };
  readonly charts: readonly ChartSpec[];
}

/** Above this many jobs the timeline counts running jobs instead of drawing a bar each. */
export const LARGE = 2000;
/** Parallel coordinates draw at most this many jobs: the best quarter of them and a seeded sample of the rest. */
export const PARALLEL_MAX_LINES = 1000;

/** Minutes to 3 decimals and values to 6 digits: plenty for a chart, and a third of the JSON. */
const minutes = (data: ChartData, ms: number) => Math.round((ms - data.job.createdAt) / 60) / 1000;
const short = (value: number) => Number(value.toPrecision(6));
const started = (job: TrainingJobPoint) => job.startedAt ?? job.createdAt;
export const hpColumn = (axis: ReportAxis) => `hp:${axis.name}`;

function hyperparameterValue(job: TrainingJobPoint, axis: ReportAxis): number | string | null {
  const value = job.hyperparameters[axis.name];
  if (value === undefined) return null;
  return axis.kind === "category" ? String(value) : short(Number(value));
}

/**
 * Every job as a row, in trial order: `name`, `trial` (1-based), `group` (STATUS_GROUPS), `start` (minutes),
 * `duration` (seconds, so far for a running job: a job ends at start + duration), `objective` (null without
 * one) and `hp:NAME` per tuned hyperparameter.
 */
function pointColumns(data: ChartData): PointColumns {
  const { jobs } = data;
  const columns: PointColumns = {
    name: jobs.map((j) => j.name),
    trial: jobs.map((j) => (j.trialIndex ?? 0) + 1),
    group: jobs.map(statusGroup),
    start: jobs.map((j) => minutes(data, started(j))),
    duration: jobs.map((j) => Math.round(((j.endedAt ?? data.now) - started(j)) / 100) / 10),
    objective: jobs.map((j) => (j.objectiveValue === null ? null : short(j.objectiveValue))),
  };
  for (const axis of data.axes) columns[hpColumn(axis)] = jobs.map((j) => hyperparameterValue(j, axis));
  return columns;
}

function hyperparameterAxis(axis: ReportAxis): AxisSpec {
  return {
    column: hpColumn(axis),
    name: axis.name,
    scale: axis.kind === "category" ? "category" : axis.kind === "log" ? "log" : "linear",
    ...(axis.categories ? { categories: axis.categories } : {}),
  };
}

function objectiveAxis(data: ChartData): AxisSpec {
  const values = data.jobs.flatMap((j) => (j.objectiveValue === null ? [] : [j.objectiveValue]));
  const robust = robustLimit(values, data.objective.Type);
  return { column: "objective", name: data.objective.MetricName, scale: "linear", ...(robust ? { robust } : {}) };
}

const TIME_AXIS: AxisSpec = { column: "start", name: "minutes since the tuning job started", scale: "linear" };

/** The best objective so far, at the moments it changed and at the last result. */
function bestSoFar(data: ChartData): [number, number][] {
  const maximize = data.objective.Type === "Maximize";
  const ended = data.jobs.filter((j) => j.objectiveValue !== null).sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
  const best: [number, number][] = [];
  let current: number | undefined;
  for (const job of ended) {
    const v = job.objectiveValue as number;
    if (current === undefined || (maximize ? v > current : v < current)) {
      current = v;
      best.push([minutes(data, job.endedAt ?? job.createdAt), short(current)]);
    }
  }
  const last = ended[ended.length - 1];
  if (last && current !== undefined) best.push([minutes(data, last.endedAt ?? last.createdAt), short(current)]);
  return best;
}

function parallelRows(data: ChartData): number[] | undefined {
  const rows = data.jobs.flatMap((j, i) => (j.objectiveValue === null ? [] : [i]));
  if (rows.length <= PARALLEL_MAX_LINES) return undefined;
  const sign = data.objective.Type === "Maximize" ? -1 : 1;
  const value = (i: number) => data.jobs[i]?.objectiveValue as number;
  const sorted = [...rows].sort((a, b) => sign * (value(a) - value(b)));
  const best = sorted.slice(0, PARALLEL_MAX_LINES / 4);
  const rest = sorted.slice(PARALLEL_MAX_LINES / 4);
  const rng = createRng(data.job.seed, "parallel-sample");
  for (let i = 0; i < PARALLEL_MAX_LINES - best.length; i++) {
    const j = i + rng.int(rest.length - i);
    [rest[i], rest[j]] = [rest[j] as number, rest[i] as number];
  }
  return [...best, ...rest.slice(0, PARALLEL_MAX_LINES - best.length)].sort((a, b) => a - b);
}

function runningPoints(data: ChartData): [number, number][] {
  const edges = data.jobs.flatMap((j) => [
    [minutes(data, started(j)), 1],
    [minutes(data, j.endedAt ?? data.now), -1],
  ]) as [number, number][];
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  const points: [number, number][] = [];
  for (const [t, d] of edges) {
    running += d;
    // Jobs starting and ending at the same moment make one step, not one point each.
    const last = points[points.length - 1];
    if (last && last[0] === t) last[1] = running;
    else points.push([t, running]);
  }
  return points;
}

function parentColumns(data: ChartData): ChartSet["parents"] {
  if (!data.parents || data.parents.length === 0) return undefined;
  const rows = data.parents.flatMap((p, source) =>
    p.jobs.filter((j) => j.objectiveValue !== null).map((job) => ({ job, source })),
  );
  const columns: PointColumns = {
    name: rows.map((r) => r.job.name),
    source: rows.map((r) => r.source),
    objective: rows.map((r) => short(r.job.objectiveValue as number)),
  };
  for (const axis of data.axes) columns[hpColumn(axis)] = rows.map((r) => hyperparameterValue(r.job, axis));
  return { names: data.parents.map((p) => p.name), columns };
}

/** Every chart of a tuning job, in reading order, with the columns they read. */
export function chartSet(data: ChartData): ChartSet {
  const objective = objectiveAxis(data);
  const parents = parentColumns(data);
  const charts: ChartSpec[] = [
    {
      id: "objective-over-time",
      title: "Objective against start time, and the best so far",
      kind: "scatter",
      x: TIME_AXIS,
      y: objective,
      bestSoFar: bestSoFar(data),
    },
    ...data.axes.map(
      (axis): ScatterSpec => ({
        id: `over-time-${axis.name}`,
        title: `${axis.name} against start time`,
        kind: "scatter",
        x: TIME_AXIS,
        y: hyperparameterAxis(axis),
      }),
    ),
    ...data.axes.map(
      (axis): ScatterSpec => ({
        id: `objective-vs-${axis.name}`,
        title: `${data.objective.MetricName} against ${axis.name}`,
        kind: "scatter",
        x: hyperparameterAxis(axis),
        y: objective,
        ...(parents ? { withParents: true } : {}),
      }),
    ),
  ];
  if (data.axes.length > 1) {
    const rows = parallelRows(data);
    const all = data.jobs.filter((j) => j.objectiveValue !== null).length;
    charts.push({
      id: "parallel-coordinates",
      title: rows
        ? `Parallel coordinates (${rows.length} of ${all} jobs: the best ${PARALLEL_MAX_LINES / 4} and a sample)`
        : "Parallel coordinates, coloured by the objective",
      kind: "parallel",
      axes: [...data.axes.map(hyperparameterAxis), objective],
      ...(rows ? { rows } : {}),
    });
  }
  charts.push(
    data.jobs.length > LARGE
      ? {
          id: "timeline",
          title: `Jobs running over time (${data.jobs.length} jobs)`,
          kind: "running",
          points: runningPoints(data),
        }
      : { id: "timeline", title: "Timeline of jobs", kind: "timeline" },
  );
  if (parents) {
    charts.push({
      id: "warm-start",
      title: "This tuning job's results beside its parents'",
      kind: "scatter",
      x: { column: "source", name: "tuning job", scale: "category", categories: [...parents.names, data.job.name] },
      y: objective,
      withParents: true,
    });
  }
  return {
    objective: data.objective,
    groups: STATUS_GROUPS,
    now: minutes(data, data.now),
    columns: parents
      ? { ...pointColumns(data), source: data.jobs.map(() => parents.names.length) }
      : pointColumns(data),
    reasons: Object.fromEntries(
      data.jobs.flatMap((j, row) => (j.status === "Stopped" ? [[row, stopReasonText(j.stopReason)]] : [])),
    ),
    ...(parents ? { parents } : {}),
    charts,
  };
}
