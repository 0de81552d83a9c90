import { formatNumber } from "../console/format.js";
import type { AxisSpec, ChartSet, ChartSpec, ParallelSpec, PointColumns, ScatterSpec } from "./chart-specs.js";
import type { RobustLimit } from "./robust-axis.js";

/** An ECharts option (the report draws it to SVG on the server). */
export type ChartOption = Record<string, unknown>;

export interface Chart {
  readonly id: string;
  readonly title: string;
  readonly option: ChartOption;
}

/** The band clipped values are drawn in, as a share of the kept values' span. */
const BAND = 0.12;
const PARENT_COLOR = "#9a9a9a";
const BEST_COLOR = "#2a9d55";
/** The objective's colour scale in parallel coordinates: worst to best. */
const RAMP = ["#d7301f", "#fc8d59", "#fdcc8a", "#91bfdb", "#2c7bb6"];

/** A fence as a band names it: 4 digits, as the console writes it. */
const label = (v: unknown) => (typeof v === "number" ? formatNumber(v, 4) : String(v));

/**
 * Where a robust axis draws: its range, the band beyond the fence, and the value clipped points are drawn at
 * (the band's middle). Values on the kept side are drawn where they are.
 */
export interface RobustGeometry {
  readonly min: number;
  readonly max: number;
  readonly band: readonly [number, number];
  readonly clippedAt: number;
}

export function robustGeometry(robust: RobustLimit, values: readonly number[]): RobustGeometry {
  const kept = values.filter((v) => (robust.side === "low" ? v >= robust.limit : v <= robust.limit));
  const lo = Math.min(...kept);
  const hi = Math.max(...kept);
  const span = hi - lo || Math.abs(hi) * 0.01 || 1;
  const band = span * BAND;
  return robust.side === "low"
    ? { min: lo - band * 1.5, max: hi + span * 0.04, band: [lo - band * 1.5, lo - band * 0.5], clippedAt: lo - band }
    : { min: lo - span * 0.04, max: hi + band * 1.5, band: [hi + band * 0.5, hi + band * 1.5], clippedAt: hi + band };
}

/** A row's value on an axis: a category's index (the `source` column holds indices already), else the number. */
function rowValue(axis: AxisSpec, columns: PointColumns, row: number): number | string | null {
  const v = columns[axis.column]?.[row] ?? null;
  if (v === null || axis.scale !== "category") return v;
  return typeof v === "number" ? ((axis.categories ?? [])[v] ?? null) : v;
}

function axisOption(axis: AxisSpec, geometry?: RobustGeometry): ChartOption {
  const common = { name: axis.name, nameLocation: "middle", nameGap: 30 };
  if (axis.scale === "category") return { ...common, type: "category", data: axis.categories };
  const side = axis.robust?.side;
  // No tick labels in the band: its points are not at their values.
  const inBand = (v: number) =>
    geometry !== undefined && (side === "low" ? v < geometry.band[1] : v > geometry.band[0]);
  return {
    ...common,
    type: axis.scale === "log" ? "log" : "value",
    scale: true,
    ...(geometry ? { min: geometry.min, max: geometry.max } : {}),
    axisLabel: { formatter: (v: number) => (inBand(v) ? "" : formatNumber(v, 6)) },
  };
}

/** The option of a scatter: a series per status group, the parents' jobs, the best so far, the clipped band. */
function scatterOption(spec: ScatterSpec, set: ChartSet): ChartOption {
  const { columns } = set;
  const y = spec.y;
  const values = (columns.objective ?? []).filter((v): v is number => typeof v === "number");
  const geometry = y.robust ? robustGeometry(y.robust, values) : undefined;
  const clip = (v: number) =>
    geometry && y.robust && (y.robust.side === "low" ? v < y.robust.limit : v > y.robust.limit)
      ? geometry.clippedAt
      : v;
  const points = (cols: PointColumns, rows: number[]) =>
    rows
      .map((row) => [rowValue(spec.x, cols, row), rowValue(y, cols, row)])
      .filter(([a, b]) => a !== null && b !== null)
      .map(([a, b]) => [a, typeof b === "number" ? clip(b) : b]);
  const rowsOf = (cols: PointColumns, keep: (row: number) => boolean) =>
    (cols.name ?? []).map((_, row) => row).filter(keep);
  const series: ChartOption[] = set.groups.map((group, g) => ({
    type: "scatter",
    name: group.label,
    symbolSize: (columns.name ?? []).length > 2000 ? 4 : 7,
    itemStyle: { color: group.color },
    data: points(
      columns,
      rowsOf(columns, (row) => columns.group?.[row] === g),
    ),
  }));
  if (spec.withParents && set.parents) {
    const parents = set.parents.columns;
    series.push({
      type: "scatter",
      name: "parent tuning jobs' jobs",
      symbolSize: 7,
      itemStyle: { color: "transparent", borderColor: PARENT_COLOR, borderWidth: 1.5 },
      data: points(
        parents,
        rowsOf(parents, () => true),
      ),
    });
  }
  if (spec.bestSoFar) {
    series.push({
      type: "line",
      name: "best so far",
      step: "end",
      symbol: "none",
      itemStyle: { color: BEST_COLOR },
      data: spec.bestSoFar,
    });
  }
  if (geometry && y.robust) {
    const clipped = y.robust.clipped;
    series.push({
      type: "line",
      name: "",
      data: [],
      markArea: {
        silent: true,
        itemStyle: { color: "rgba(120,120,120,0.12)" },
        label: { show: true, position: "insideRight", fontSize: 10, color: "#555" },
        data: [
          [
            {
              yAxis: geometry.band[0],
              name: `${y.robust.side === "low" ? "below" : "above"} ${label(y.robust.limit)}: ${clipped} ${clipped === 1 ? "job" : "jobs"}`,
            },
            { yAxis: geometry.band[1] },
          ],
        ],
      },
    });
  }
  const shown = series.filter((s) => s.type !== "scatter" || (s.data as unknown[]).length > 0);
  return {
    animation: false,
    title: { text: spec.title, left: "center", top: 2, textStyle: { fontSize: 13 } },
    grid: { left: 70, right: 24, top: 70, bottom: 44 },
    legend: {
      top: 30,
      itemHeight: 10,
      itemGap: 20,
      textStyle: { fontSize: 11 },
      data: shown.flatMap((s) => (s.name ? [s.name] : [])),
    },
    xAxis: axisOption(spec.x),
    yAxis: { ...axisOption(y, geometry), nameLocation: "end", nameGap: 12 },
    series: shown,
  };
}

function parallelOption(spec: ParallelSpec, set: ChartSet): ChartOption {
  const { columns } = set;
  const rows = spec.rows ?? (columns.objective ?? []).flatMap((v, row) => (v === null ? [] : [row]));
  const objectiveAxis = spec.axes[spec.axes.length - 1] as AxisSpec;
  const values = rows.map((row) => columns.objective?.[row] as number);
  const geometry = objectiveAxis.robust ? robustGeometry(objectiveAxis.robust, values) : undefined;
  const data = rows.map((row) =>
    spec.axes.map((axis) => {
      const v = rowValue(axis, columns, row);
      const fence = axis.robust;
      if (geometry && fence && typeof v === "number" && (fence.side === "low" ? v < fence.limit : v > fence.limit)) {
        return geometry.clippedAt;
      }
      return v;
    }),
  );
  const maximize = set.objective.Type === "Maximize";
  const fence = objectiveAxis.robust;
  const kept =
    geometry && fence ? values.filter((v) => (fence.side === "low" ? v >= fence.limit : v <= fence.limit)) : values;
  return {
    animation: false,
    title: { text: spec.title, left: "center", textStyle: { fontSize: 13 } },
    parallel: { left: 56, right: 80, top: 84, bottom: 32 },
    parallelAxis: spec.axes.map((axis, dim) => ({
      dim,
      ...axisOption(axis, dim === spec.axes.length - 1 ? geometry : undefined),
      nameLocation: "end",
      nameGap: 14,
      // A parallel axis has no band to shade: its name says where the clipped values are.
      ...(dim === spec.axes.length - 1 && geometry && fence
        ? {
            name: `${axis.name}\n(${fence.clipped} ${fence.side === "low" ? "below" : "above"} ${label(fence.limit)} at the ${fence.side === "low" ? "foot" : "top"})`,
          }
        : {}),
    })),
    visualMap: {
      show: false,
      type: "continuous",
      dimension: spec.axes.length - 1,
      // Over the kept values: a diverged job takes the worst colour instead of stretching the scale.
      min: Math.min(...kept),
      max: Math.max(...kept),
      inRange: { color: maximize ? RAMP : [...RAMP].reverse() },
    },
    series: [{ type: "parallel", lineStyle: { width: 1, opacity: 0.7 }, data }],
  };
}

function timelineOption(spec: ChartSpec, set: ChartSet): ChartOption {
  const { columns } = set;
  const rows = (columns.name ?? []).map((_, row) => row);
  const palette = set.groups.map((g) => g.color);
  const bars = rows.map((row) => [
    columns.trial?.[row],
    columns.start?.[row],
    (columns.start?.[row] as number) + (columns.duration?.[row] as number) / 60,
    columns.group?.[row],
  ]);
  return {
    animation: false,
    title: { text: spec.title, left: "center", top: 2, textStyle: { fontSize: 13 } },
    grid: { left: 70, right: 24, top: 70, bottom: 44 },
    legend: { top: 30, itemHeight: 10, itemGap: 20, textStyle: { fontSize: 11 } },
    xAxis: { type: "value", name: "minutes since the tuning job started", nameLocation: "middle", nameGap: 30 },
    yAxis: {
      type: "value",
      name: "job",
      inverse: true,
      min: 0.5,
      max: Math.max(1.5, rows.length + 0.5),
      minInterval: 1,
      axisLabel: { formatter: (v: number) => (Number.isInteger(v) ? String(v) : "") },
    },
    // Empty series name the colours in the legend.
    series: [
      ...set.groups
        .filter((_, g) => columns.group?.includes(g))
        .map((g) => ({ type: "line", name: g.label, itemStyle: { color: g.color }, data: [] })),
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
  };
}

function runningOption(spec: Extract<ChartSpec, { kind: "running" }>): ChartOption {
  return {
    animation: false,
    title: { text: spec.title, left: "center", top: 2, textStyle: { fontSize: 13 } },
    grid: { left: 70, right: 24, top: 50, bottom: 44 },
    xAxis: { type: "value", name: "minutes since the tuning job started", nameLocation: "middle", nameGap: 30 },
    yAxis: { type: "value", name: "jobs running", minInterval: 1 },
    series: [{ type: "line", step: "end", symbol: "none", data: spec.points }],
  };
}

/** One chart of a set as an ECharts option. */
export function echartsOption(spec: ChartSpec, set: ChartSet): ChartOption {
  switch (spec.kind) {
    case "scatter":
      return scatterOption(spec, set);
    case "parallel":
      return parallelOption(spec, set);
    case "timeline":
      return timelineOption(spec, set);
    case "running":
      return runningOption(spec);
  }
}

/** Every chart of a set, in reading order, as ECharts options. */
export function reportCharts(set: ChartSet): Chart[] {
  return set.charts.map((spec) => ({ id: spec.id, title: spec.title, option: echartsOption(spec, set) }));
}
