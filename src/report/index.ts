import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { systemClock } from "../clock.js";
import type { Store, TuningJobRecord } from "../store/index.js";
import { chartSet } from "./chart-specs.js";
import { type Chart, reportCharts } from "./echarts-options.js";
import { type Findings, tuningFindings } from "./findings.js";
import { reportHtml } from "./html.js";
import { renderPng, renderSvg } from "./render-svg.js";
import { reportData } from "./report-data.js";

export {
  type AxisSpec,
  type ChartSet,
  type ChartSpec,
  chartSet,
  LARGE,
  PARALLEL_MAX_LINES,
  type PointColumns,
} from "./chart-specs.js";
export { type Chart, type ChartOption, echartsOption, reportCharts } from "./echarts-options.js";
export { type Findings, findingsSentences, NEAR_FACTOR, type NearOptimum, tuningFindings } from "./findings.js";
export { reportHtml } from "./html.js";
export { renderPng, renderSvg } from "./render-svg.js";
export { type ChartData, chartData, type ReportData, reportData } from "./report-data.js";
export { FENCE, type RobustLimit, robustLimit } from "./robust-axis.js";
export { STATUS_GROUPS, type StatusGroup, statusGroup, stopReasonText } from "./status-groups.js";

export interface RenderedReport {
  readonly html: string;
  readonly charts: readonly { chart: Chart; svg: string }[];
  readonly findings: Findings | undefined;
}

/** A tuning job's report: the HTML page and each chart's SVG. */
export async function renderReport(
  store: Store,
  job: TuningJobRecord,
  now = systemClock.now(),
): Promise<RenderedReport> {
  const data = await reportData(store, job, now);
  const charts = reportCharts(chartSet(data)).map((chart) => ({ chart, svg: renderSvg(chart.option) }));
  const findings = tuningFindings(data.jobs, data.objective, data.axes);
  return { html: reportHtml(data, charts, findings), charts, findings };
}

/** Writes each chart as `<id>.svg` (and `<id>.png` with `png`) into `dir`; returns the paths. */
export async function exportCharts(report: RenderedReport, dir: string, png: boolean): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const { chart, svg } of report.charts) {
    const path = join(dir, `${chart.id}.svg`);
    writeFileSync(path, svg);
    written.push(path);
    if (png) {
      const pngPath = join(dir, `${chart.id}.png`);
      writeFileSync(pngPath, await renderPng(svg));
      written.push(pngPath);
    }
  }
  return written;
}
