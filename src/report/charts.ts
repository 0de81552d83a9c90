import type { TrainingJobRecord } from "../store/index.js";
import type { ReportAxis, ReportData } from "./report-data.js";

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

const COLORS = { completed: "#2f6fb0", stopped: "#e08a1e", failed: "#c23b3b", best: "#2a9d55", running: "#7a7a7a" };

const minutes = (data: ReportData, ms: number) => (ms - data.job.createdAt) / 60_000;
const started = (job: TrainingJobRecord) => job.startedAt ?? job.createdAt;

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

function hyperparameterValue(job: TrainingJobRecord, axis: ReportAxis): number | string | undefined {
  const value = job.hyperparameters[axis.name];
  if (value === undefined) return undefined;
  return axis.kind === "category" ? String(value) : Number(value);
}

const withObjective = (data: ReportData) => data.jobs.filter((j) => j.objectiveValue !== null);

function statusSeries(data: ReportData, point: (job: TrainingJobRecord) => unknown[] | undefined): ChartOption[] {
  const groups: [string, string, (j: TrainingJobRecord) => boolean][] = [
    ["completed", COLORS.completed, (j) => j.status === "Completed"],
    ["stopped early", COLORS.stopped, (j) => j.status === "Stopped"],
  ];
  return groups.map(([name, color, test]) => ({
    type: "scatter",
    name,
    symbolSize: 7,
    itemStyle: { color },
    data: withObjective(data)
      .filter(test)
      .map(point)
      .filter((p) => p !== undefined),
  }));
}

const base = (title: string): ChartOption => ({
  animation: false,
  title: { text: title, left: "center", top: 2, textStyle: { fontSize: 13 } },
  grid: { left: 64, right: 24, top: 70, bottom: 44 },
  tooltip: { trigger: "item" },
  legend: { top: 30, itemHeight: 10, textStyle: { fontSize: 11 } },
});

/** The best objective so far against time, over every job's result: is the search converging? */
export function objectiveOverTime(data: ReportData): Chart {
  const maximize = data.objective.Type === "Maximize";
  const ended = withObjective(data).sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
  const best: [number, number][] = [];
  let current: number | undefined;
  for (const job of ended) {
    const v = job.objectiveValue as number;
    if (current === undefined || (maximize ? v > current : v < current)) current = v;
    best.push([minutes(data, job.endedAt ?? job.createdAt), current]);
  }
  return {
    id: "objective-over-time",
    title: "Objective against start time, and the best so far",
    option: {
      ...base("Objective against start time, and the best so far"),
      xAxis: { type: "value", name: "minutes since the tuning job started", nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "value", name: data.objective.MetricName, scale: true },
      series: [
        ...statusSeries(data, (j) => [minutes(data, started(j)), j.objectiveValue, j.name]),
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
export function hyperparameterOverTime(data: ReportData, axis: ReportAxis): Chart {
  return {
    id: `over-time-${axis.name}`,
    title: `${axis.name} against start time`,
    option: {
      ...base(`${axis.name} against start time`),
      xAxis: { type: "value", name: "minutes since the tuning job started", nameLocation: "middle", nameGap: 28 },
      yAxis: { ...axisOption(axis), nameLocation: "end", nameGap: 12 },
      series: statusSeries(data, (j) => {
        const v = hyperparameterValue(j, axis);
        return v === undefined ? undefined : [minutes(data, started(j)), v, j.name];
      }),
    },
  };
}

/** The objective against one hyperparameter: how sensitive the model is to it. */
export function objectiveAgainst(data: ReportData, axis: ReportAxis): Chart {
  return {
    id: `objective-vs-${axis.name}`,
    title: `${data.objective.MetricName} against ${axis.name}`,
    option: {
      ...base(`${data.objective.MetricName} against ${axis.name}`),
      xAxis: axisOption(axis),
      yAxis: { type: "value", name: data.objective.MetricName, scale: true },
      series: statusSeries(data, (j) => {
        const v = hyperparameterValue(j, axis);
        return v === undefined ? undefined : [v, j.objectiveValue, j.name];
      }),
    },
  };
}

/** Every job as a line through its hyperparameters and its objective. */
export function parallelCoordinates(data: ReportData): Chart {
  const axes = [...data.axes, { name: data.objective.MetricName, kind: "value" as const }];
  return {
    id: "parallel-coordinates",
    title: "Parallel coordinates",
    option: {
      animation: false,
      title: { text: "Parallel coordinates", left: "center", textStyle: { fontSize: 13 } },
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
          data: withObjective(data).map((j) => [
            ...data.axes.map((axis) => hyperparameterValue(j, axis) ?? null),
            j.objectiveValue,
          ]),
        },
      ],
    },
  };
}

/** Who ran when: a bar per job from its start to its end, coloured by how it ended. */
export function timeline(data: ReportData): Chart {
  const color = (j: TrainingJobRecord) =>
    j.status === "Completed"
      ? COLORS.completed
      : j.status === "Stopped"
        ? COLORS.stopped
        : j.status === "Failed"
          ? COLORS.failed
          : COLORS.running;
  const palette = [COLORS.completed, COLORS.stopped, COLORS.failed, COLORS.running];
  const bars = data.jobs.map((j) => [
    j.trialIndex ?? 0,
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
        min: -0.5,
        max: Math.max(0.5, data.jobs.length - 0.5),
        axisLabel: { formatter: (v: number) => (Number.isInteger(v) ? String(v + 1) : "") },
      },
      series: [
        {
          type: "custom",
          encode: { x: [1, 2], y: 0 },
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

/** Every chart of a report, in reading order. */
export function reportCharts(data: ReportData): Chart[] {
  return [
    objectiveOverTime(data),
    ...data.axes.map((axis) => hyperparameterOverTime(data, axis)),
    ...data.axes.map((axis) => objectiveAgainst(data, axis)),
    ...(data.axes.length > 1 ? [parallelCoordinates(data)] : []),
    timeline(data),
  ];
}
