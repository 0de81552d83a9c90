import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { TunekitError } from "../../errors.js";

const require = createRequire(import.meta.url);

/** The console's own files, beside the compiled code. */
const OWN = [
  "index.html",
  "console.css",
  "console.js",
  "api.js",
  "format.js",
  "selection.js",
  "jobs-table.js",
  "page-tuning-jobs.js",
  "page-tuning-job.js",
  "page-training-jobs.js",
  "page-training-job.js",
  "panels.js",
  "chart-common.js",
  "chart-canvas.js",
  "job-tooltip.js",
  "chart-scatter.js",
  "chart-parallel.js",
  "chart-timeline.js",
  "chart-curves.js",
  "chart-model.js",
  "chart-line.js",
];

/** The chart library, from its package: its minified script (it defines `uPlot`) and its stylesheet. */
const LIBRARY: Record<string, string> = {
  "uPlot.iife.min.js": "uplot/dist/uPlot.iife.min.js",
  "uPlot.min.css": "uplot/dist/uPlot.min.css",
};

const FILES: Record<string, () => string> = {
  ...Object.fromEntries(
    OWN.map((name) => [name, () => readFileSync(new URL(`../../console/${name}`, import.meta.url), "utf8")]),
  ),
  ...Object.fromEntries(
    Object.entries(LIBRARY).map(([name, path]) => [name, () => readFileSync(require.resolve(path), "utf8")]),
  ),
};

const cache = new Map<string, string>();

/** A console file by name; only the listed names exist, so no path can lead elsewhere. */
export function consoleAsset(name: string): string {
  const load = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
  if (!load) throw new TunekitError("E_NOT_FOUND", `no console file named ${JSON.stringify(name)}`);
  let text = cache.get(name);
  if (text === undefined) {
    text = load();
    cache.set(name, text);
  }
  return text;
}
