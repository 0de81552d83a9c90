import { setFlagsFromString } from "node:v8";
import { ValidationError } from "../errors.js";

// V8's linear-time regexp engine: patterns without backreferences or lookarounds
// fall back to it when backtracking gets excessive, so `(a+)+$` on a long line
// costs microseconds instead of minutes. The `l` flag (compile check) needs the first flag.
setFlagsFromString("--enable-experimental-regexp-engine");
setFlagsFromString("--enable-experimental-regexp-engine-on-excessive-backtracks");

/**
 * A metric definition's regex, in the dialect users write for SageMaker
 * (Python's `re`), translated to a JavaScript RegExp:
 * - `(?P<name>...)` becomes `(?<name>...)` and `(?P=name)` becomes `\k<name>`;
 * - leading inline flags `(?i)`, `(?m)`, `(?s)` (or combined, `(?is)`) become RegExp flags;
 * - everything else is JavaScript's RegExp syntax, which agrees with Python's
 *   on the constructs metric regexes use (classes, escapes, groups, quantifiers).
 */
export interface MetricPattern {
  readonly regex: RegExp;
  /** True when V8 can run it in linear time; otherwise it must run where a deadline can stop it. */
  readonly linear: boolean;
}

export function translatePythonRegex(source: string): { source: string; flags: string } {
  let flags = "";
  let body = source;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    for (const f of inline[1] as string) {
      if (f === "i" || f === "m" || f === "s") flags += flags.includes(f) ? "" : f;
      else if (f !== "u" && f !== "a") throw new Error(`inline flag (?${f}) has no JavaScript equivalent`);
    }
    body = body.slice(inline[0].length);
  }
  body = body
    .replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, "(?<$1>")
    .replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, "\\k<$1>");
  return { source: body, flags };
}

/** Compiles and checks one definition's regex; errors name the request field. */
export function compileMetricPattern(source: string, field: string): MetricPattern {
  let translated: { source: string; flags: string };
  let regex: RegExp;
  try {
    translated = translatePythonRegex(source);
    regex = new RegExp(translated.source, translated.flags);
  } catch (error) {
    throw new ValidationError(field, `does not compile: ${(error as Error).message}`, "E_METRIC_REGEX");
  }
  const groups = (new RegExp(`${translated.source}|`, translated.flags).exec("") as RegExpExecArray).length - 1;
  if (groups < 1) {
    throw new ValidationError(
      field,
      "needs a capture group around the value, e.g. 'loss: ([0-9.]+)'",
      "E_METRIC_REGEX",
    );
  }
  let linear = true;
  try {
    new RegExp(translated.source, `${translated.flags}l`);
  } catch {
    linear = false;
  }
  return { regex, linear };
}

/** Python's float() of a captured string; undefined when Python would raise or the value is not finite. */
export function parsePythonFloat(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?(\d(_?\d)*(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][+-]?\d(_?\d)*)?$/.test(t)) return undefined;
  const value = Number(t.replace(/_/g, ""));
  return Number.isFinite(value) ? value : undefined;
}
