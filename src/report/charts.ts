import { createRng } from "../random.js";
import type { TrainingJobPoint } from "../store/index.js";
import type { ChartData, ReportAxis } from "./report-data.js";

/**
 * The charts people tune by, as ECharts options: the same definitions draw
 * the report's SVG (server-side) and the console's interactive charts.
 * Times are minutes since the tuning job was created.
 */
export type ChartOption = Record<string, unknown>;

export interface Chart {
  readonly id: string;
  readonly title: string;
  readonly option: ChartOption;
}

/** Above this many jobs, scatters draw in large mode, the timeline counts running jobs, and parallel coordinates sample. */
const LARGE = 2000;
/** Parallel coordinates draw at most this many jobs: the best quarter of them and a seeded sample of the rest. */
const PARALLEL_MAX_LINES = 1000;

const COLORS = { completed: "#2f6fb0", stopped: "#e08a1e", failed: "#c23b3b", best: "#2a9d55", running: "#7a7a7a" };

/** Minutes since creation to 3 decimals, and values to 6 digits: plenty for a chart, and a third of the JSON. */
const minutes = (data: ChartData, ms: number) => Math.round((ms - data.job.createdAt) / 60) / 1000;
const short = (value: number) => Number(value.toPrecision(6));
const started = (job: TrainingJobPoint) => job.startedAt ?? job.createdAt;

/** 0.0001 rather than 0.00010000000000000: log axes print their powers of ten compactly. */
const compact = (value: number) =>
  Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5 ? value.toExponential(0) : String(Number(value.toPrecision(6)));

function axisOption(axis: ReportAxis): ChartOption {
  if (axis.kind === "category")
    return { type: "category", data: axis.categories, name: axis.name, nameLocation: "middle", nameGap: 28 };
  return {
    type: axis.kind,
    name: axis.name,
    scale: true,
    nameLocation: "middle",
    nameGap: 28,
    ...(axis.kind === "log" ? { axisLabel: { formatter: compact } } : {}),
  };
}

function hyperparameterValue(job: TrainingJobPoint, axis: ReportAxis): number | string | undefined {
  const value = job.hyperparameters[axis.name];
  if (value === undefined) return undefined;
  return axis.kind === "category" ? String(value) : short(Number(value));
}

const withObjective = (data: ChartData) => data.jobs.filter((j) => j.objectiveValue !== null);

/** The scatters' colour groups, in drawing order: a job's `status` column is its index here. */
const STATUS_GROUPS: [string, string, TrainingJobPoint["status"]][] = [
  ["completed", COLORS.completed, "Completed"],
  ["stopped early", COLORS.stopped, "Stopped"],
];

/**
 * The jobs with an objective as columns, which every scatter reads by name: `status` (index into the groups,
 * -1 for jobs no scatter draws), `start` (minutes), `objective` and `hp:NAME` (null where a job lacks it).
 * The console gets them once for all its charts instead of once per chart.
 */
export type PointColumns = Record<string, (number | string | null)[]>;

/** Which columns a scatter series draws, and which status group: resolved by inlinePoints or the console. */
export interface ColumnRef {
  readonly x: string;
  readonly y: string;
  readonly status: number;
}

const hpColumn = (axis: ReportAxis) => `hp:${axis.name}`;

function pointColumns(data: ChartData): PointColumns {
  const jobs = withObjective(data);
  const columns: PointColumns = {
    status: jobs.map((j) => STATUS_GROUPS.findIndex(([, , status]) => status === j.status)),
    start: jobs.map((j) => minutes(data, started(j))),
    objective: jobs.map((j) => short(j.objectiveValue as number)),
  };
  for (const axis of data.axes) columns[hpColumn(axis)] = jobs.map((j) => hyperparameterValue(j, axis) ?? null);
  return columns;
}

function statusSeries(data: ChartData, x: string, y: string): ChartOption[] {
  const many = data.jobs.length > LARGE;
  return STATUS_GROUPS.map(([name, color], status) => ({
    type: "scatter",
    name,
    symbolSize: many ? 4 : 7,
    itemStyle: { color },
    // Thousands of points: drawn in one pass, all in one frame rather than progressively.
    ...(many ? { large: true, largeThreshold: LARGE, progressive: 0 } : {}),
    columns: { x, y, status } satisfies ColumnRef,
  }));
}

const base = (title: string): ChartOption => ({
  animation: false,
  title: { text: title, left: "center", top: 2, textStyle: { fontSize: 13 } },
  grid: { left: 64, right: 24, top: 70, bottom: 44 },
  tooltip: { trigger: "item" },
  legend: { top: 30, itemHeight: 10, itemGap: 28, textStyle: { fontSize: 11 } },
});

/** The best objective so far against time, over every job's result: is the search converging? */
export function objectiveOverTime(data: ChartData): Chart {
  const maximize = data.objective.Type === "Maximize";
  const ended = withObjective(data).sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
  const best: [number, number][] = [];
  let current: number | undefined;
  // A step line needs only the moments the best changed, and the last one.
  for (const job of ended) {
    const v = job.objectiveValue as number;
    if (current === undefined || (maximize ? v > current : v < current)) {
      current = v;
      best.push([minutes(data, job.endedAt ?? job.createdAt), current]);
    }
  }
  const last = ended[ended.length - 1];
  if (last && current !== undefined) best.push([minutes(data, last.endedAt ?? last.createdAt), current]);
  return {
    id: "objective-over-time",
    title: "Objective against start time, and the best so far",
    option: {
      ...base("Objective against start time, and the best so far"),
      xAxis: { type: "value", name: "minutes since the tuning job started", nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "value", name: data.objective.MetricName, scale: true },
      series: [
        ...statusSeries(data, "start", "objective"),
        {
          type: "line",
          name: "best so far",
          step: "end",
          symbol: "none",
          itemStyle: { color: COLORS.best },
          data: best,
        },
      ],
    },
  };
}

/** A hyperparameter's value against each job's start time: where the search went, and when. */
export function hyperparameterOverTime(data: ChartData, axis: ReportAxis): Chart {
  return {
    id: `over-time-${axis.name}`,
    title: `${axis.name} against start time`,
    option: {
      ...base(`${axis.name} against start time`),
      xAxis: { type: "value", name: "minutes since the tuning job started", nameLocation: "middle", nameGap: 28 },
      yAxis: { ...axisOption(axis), nameLocation: "end", nameGap: 12 },
      series: statusSeries(data, "start", hpColumn(axis)),
    },
  };
}

/** The objective against one hyperparameter: how sensitive the model is to it. */
export function objectiveAgainst(data: ChartData, axis: ReportAxis): Chart {
  return {
    id: `objective-vs-${axis.name}`,
    title: `${data.objective.MetricName} against ${axis.name}`,
    option: {
      ...base(`${data.objective.MetricName} against ${axis.name}`),
      xAxis: axisOption(axis),
      yAxis: { type: "value", name: data.objective.MetricName, scale: true },
      series: statusSeries(data, hpColumn(axis), "objective"),
    },
  };
}

/** Every job as a line through its hyperparameters and its objective. */
export function parallelCoordinates(data: ChartData): Chart {
  const axes = [...data.axes, { name: data.objective.MetricName, kind: "value" as const }];
  const all = withObjective(data);
  const lines = all.length > PARALLEL_MAX_LINES ? sampleLines(all, data.objective.Type, data.job.seed) : all;
  const title =
    lines.length < all.length
      ? `Parallel coordinates (${lines.length} of ${all.length} jobs: the best ${PARALLEL_MAX_LINES / 4} and a sample)`
      : "Parallel coordinates";
  return {
    id: "parallel-coordinates",
    title,
    option: {
      animation: false,
      title: { text: title, left: "center", textStyle: { fontSize: 13 } },
      parallel: { left: 48, right: 64, top: 56, bottom: 32 },
      parallelAxis: axes.map((axis, dim) => ({
        dim,
        name: axis.name,
        type: axis.kind,
        ...(axis.kind === "category" ? { data: (axis as ReportAxis).categories } : { scale: true }),
      })),
      series: [
        {
          type: "parallel",
          lineStyle: { width: 1, opacity: 0.6, color: COLORS.completed },
          data: lines.map((j) => [...data.axes.map((axis) => hyperparameterValue(j, axis) ?? null), j.objectiveValue]),
        },
      ],
    },
  };
}

function sampleLines(jobs: TrainingJobPoint[], type: "Maximize" | "Minimize", seed: number): TrainingJobPoint[] {
  const sign = type === "Maximize" ? -1 : 1;
  const sorted = [...jobs].sort((a, b) => sign * ((a.objectiveValue as number) - (b.objectiveValue as number)));
  const best = sorted.slice(0, PARALLEL_MAX_LINES / 4);
  const rest = sorted.slice(PARALLEL_MAX_LINES / 4);
  const rng = createRng(seed, "parallel-sample");
  for (let i = 0; i < PARALLEL_MAX_LINES - best.length; i++) {
    const j = i + rng.int(rest.length - i);
    [rest[i], rest[j]] = [rest[j] as TrainingJobPoint, rest[i] as TrainingJobPoint];
  }
  return [...best, ...rest.slice(0, PARALLEL_MAX_LINES - best.length)];
}

/** Above LARGE jobs, the timeline is aggregated on the server: how many jobs ran at each moment. */
function runningOverTime(data: ChartData): Chart {
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
  const title = `Jobs running over time (${data.jobs.length} jobs)`;
  return {
    id: "timeline",
    title,
    option: {
      ...base(title),
      xAxis: { type: "value", name: "minutes since the tuning job started", nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "value", name: "jobs running", minInterval: 1 },
      series: [
        {
          type: "line",
          name: "running",
          step: "end",
          symbol: "none",
          itemStyle: { color: COLORS.completed },
          data: points,
        },
      ],
    },
  };
}

/** Who ran when: a bar per job from its start to its end, coloured by how it ended. */
export function timeline(data: ChartData): Chart {
  if (data.jobs.length > LARGE) return runningOverTime(data);
  const color = (j: TrainingJobPoint) =>
    j.status === "Completed"
      ? COLORS.completed
      : j.status === "Stopped"
        ? COLORS.stopped
        : j.status === "Failed"
          ? COLORS.failed
          : COLORS.running;
  const palette = [COLORS.completed, COLORS.stopped, COLORS.failed, COLORS.running];
  // Rows are numbered from 1, as the jobs are in the table.
  const bars = data.jobs.map((j) => [
    (j.trialIndex ?? 0) + 1,
    minutes(data, started(j)),
    minutes(data, j.endedAt ?? data.now),
    palette.indexOf(color(j)),
  ]);
  return {
    id: "timeline",
    title: "Timeline of jobs",
    option: {
      ...base("Timeline of jobs (blue completed, orange stopped early, red failed, grey running)"),
      tooltip: { show: false },
      xAxis: { type: "value", name: "minutes since the tuning job started", nameLocation: "middle", nameGap: 28 },
      yAxis: {
        type: "value",
        name: "job",
        inverse: true,
        min: 0.5,
        max: Math.max(1.5, data.jobs.length + 0.5),
        minInterval: 1,
        axisLabel: { formatter: (v: number) => (Number.isInteger(v) ? String(v) : "") },
      },
      series: [
        {
          type: "custom",
          encode: { x: [1, 2], y: 0 },
          color: palette,
          renderItem: (
            _params: unknown,
            api: {
              value: (i: number) => number;
              coord: (p: number[]) => number[];
              size: (p: number[]) => number[];
            },
          ) => {
            const start = api.coord([api.value(1), api.value(0)]) as [number, number];
            const end = api.coord([api.value(2), api.value(0)]) as [number, number];
            const height = Math.max(2, (api.size([0, 1])[1] as number) * 0.7);
            return {
              type: "rect",
              shape: { x: start[0], y: start[1] - height / 2, width: Math.max(1, end[0] - start[0]), height },
              style: { fill: palette[api.value(3)] },
            };
          },
          data: bars,
        },
      ],
    },
  };
}

/** Every chart of a report, in reading order, with the point columns their scatters read. */
export function chartSet(data: ChartData): { columns: PointColumns; charts: Chart[] } {
  return {
    columns: pointColumns(data),
    charts: [
      objectiveOverTime(data),
      ...data.axes.map((axis) => hyperparameterOverTime(data, axis)),
      ...data.axes.map((axis) => objectiveAgainst(data, axis)),
      ...(data.axes.length > 1 ? [parallelCoordinates(data)] : []),
      timeline(data),
    ],
  };
}

/** A chart whose scatters carry their own points (as ECharts draws them), read from the columns. */
export function inlinePoints(chart: Chart, columns: PointColumns): Chart {
  const series = (chart.option.series as ChartOption[]).map((s) => {
    const ref = s.columns as ColumnRef | undefined;
    if (!ref) return s;
    const { columns: _, ...rest } = s;
    const [xs, ys, status] = [columns[ref.x] ?? [], columns[ref.y] ?? [], columns.status ?? []];
    const data: (number | string)[][] = [];
    for (let i = 0; i < status.length; i++) {
      const [x, y] = [xs[i], ys[i]];
      if (status[i] === ref.status && x !== null && x !== undefined && y !== null && y !== undefined) data.push([x, y]);
    }
    return { ...rest, data };
  });
  return { ...chart, option: { ...chart.option, series } };
}

/** Every chart of a report, in reading order, each with its own points. */
export function reportCharts(data: ChartData): Chart[] {
  const { columns, charts } = chartSet(data);
  return charts.map((chart) => inlinePoints(chart, columns));
}
