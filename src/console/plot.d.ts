// The types of plot.js, the console's chart renderer (plain JavaScript: the console is served without a build step).

/** A scatter's columns (see chartSet in src/report/charts.ts): one array per column name, one entry per job. */
export type Columns = Record<string, readonly (number | string | null)[]>;

/** A series as the charts module writes it, in ECharts' option vocabulary (the subset plot.js draws). */
export interface SeriesOption {
  readonly type: "scatter" | "line" | "custom" | "parallel";
  readonly name?: string;
  /** The columns a scatter reads, and its status group: the index the `status` column holds for its jobs. */
  readonly columns?: { readonly x: string; readonly y: string; readonly status: number };
  readonly data?: readonly (readonly unknown[])[];
  readonly [key: string]: unknown;
}

/** A series ready to draw: for scatters and lines, its values and the indices of the rows it draws. */
export interface ResolvedSeries extends SeriesOption {
  readonly xs?: readonly (number | string | null)[];
  readonly ys?: readonly (number | string | null)[];
  readonly rows?: ArrayLike<number>;
}

export interface AxisOption {
  readonly type: "value" | "log" | "category";
  readonly data?: readonly string[];
  readonly scale?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly minInterval?: number;
}

export interface AxisScale {
  /** Where a value falls along the axis, from 0 to 1 (NaN where it has no place: a category not listed, a log axis's 0). */
  position(value: number | string): number;
  readonly ticks: readonly { readonly at: number; readonly label: string }[];
}

export function tickLabel(value: number): string;
export function niceTicks(lo: number, hi: number, count?: number): number[];
export function resolveSeries(series: SeriesOption, columns: Columns): ResolvedSeries;
export function axisScale(axis: AxisOption, forEachValue: (visit: (value: unknown) => void) => void): AxisScale;
export function chartItems(series: readonly ResolvedSeries[]): number;
/** Draws `option` into `element` (an HTMLElement: the project compiles without the DOM types). */
export function plot(element: object, option: object, columns?: Columns): number;
