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
  "page-workers.js",
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
const LIBRARY = [
  ["uPlot.iife.min.js", "uplot/dist/uPlot.iife.min.js"],
  ["uPlot.min.css", "uplot/dist/uPlot.min.css"],
];

/**
 * Every file the console serves, by name. A Map, not an object: a name is looked up among these entries only,
 * so "constructor" or "__proto__" is no file at all rather than something inherited.
 */
const FILES = new Map<string, () => string>([
  ...OWN.map((name): [string, () => string] => [
    name,
    () => readFileSync(new URL(`../../console/${name}`, import.meta.url), "utf8"),
  ]),
  ...LIBRARY.map(([name, path]): [string, () => string] => [
    name as string,
    () => readFileSync(require.resolve(path as string), "utf8"),
  ]),
]);

const cache = new Map<string, string>();

/** A console file by name; only the listed names exist, so no path can lead elsewhere. */
export function consoleAsset(name: string): string {
  const load = FILES.get(name);
  if (!load) throw new TunekitError("E_NOT_FOUND", `no console file named ${JSON.stringify(name)}`);
  let text = cache.get(name);
  if (text === undefined) {
    text = load();
    cache.set(name, text);
  }
  return text;
}
