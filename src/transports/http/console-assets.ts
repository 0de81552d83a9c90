import { readFileSync } from "node:fs";
import { TunekitError } from "../../errors.js";

/**
 * The console's files, beside the compiled code. A Map, not an object: a name is looked up among these
 * entries only, so "constructor" or "__proto__" is no file at all rather than something inherited.
 */
const FILES = new Map<string, () => string>([
  ["index.html", () => readFileSync(new URL("../../console/index.html", import.meta.url), "utf8")],
  ["console.js", () => readFileSync(new URL("../../console/console.js", import.meta.url), "utf8")],
  ["console.css", () => readFileSync(new URL("../../console/console.css", import.meta.url), "utf8")],
  ["plot.js", () => readFileSync(new URL("../../console/plot.js", import.meta.url), "utf8")],
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
