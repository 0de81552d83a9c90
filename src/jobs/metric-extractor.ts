import { Worker } from "node:worker_threads";
import type { MetricPoint } from "../store/index.js";
import { compileMetricPattern, type MetricPattern, parsePythonFloat } from "./regex-dialect.js";

export interface MetricDefinition {
  readonly Name: string;
  readonly Regex: string;
}

interface CompiledDefinition {
  readonly name: string;
  readonly pattern: MetricPattern;
  disabled: boolean;
}

/** How long a regex that cannot run in linear time may spend on one batch of lines before it is disabled. */
export const UNSAFE_REGEX_DEADLINE_MS = 1000;

/** Validates every definition up front (a bad one fails the request before anything is created). */
export function compileMetricDefinitions(definitions: readonly MetricDefinition[]): CompiledDefinition[] {
  return definitions.map((d, i) => ({
    name: d.Name,
    pattern: compileMetricPattern(d.Regex, `AlgorithmSpecification.MetricDefinitions[${i}].Regex`),
    disabled: false,
  }));
}

function match(pattern: RegExp, line: string): number | undefined {
  const m = pattern.exec(line);
  return m?.[1] === undefined ? undefined : parsePythonFloat(m[1]);
}

// The worker body for patterns V8 cannot run in linear time (backreferences, lookarounds).
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", ({ source, flags, lines }) => {
  const regex = new RegExp(source, flags);
  parentPort.postMessage(lines.map((line) => { const m = regex.exec(line); return m && m[1] !== undefined ? m[1] : null; }));
});`;

/**
 * Applies the metric definitions to log lines, as SageMaker does: every line
 * (stdout and stderr) against every definition, the first capture group read
 * as a float, several definitions may match one line. A definition whose
 * regex cannot be proven linear-time runs in a worker thread with a
 * deadline; if it overruns, it is disabled and `onWarning` says so.
 */
export class MetricExtractor {
  private readonly definitions: CompiledDefinition[];
  private worker: Worker | undefined;

  constructor(
    definitions: readonly MetricDefinition[],
    private readonly onWarning: (message: string) => void = () => {},
  ) {
    this.definitions = compileMetricDefinitions(definitions);
  }

  /** Metric points in line order (and definition order within a line), stamped `timestamp`. */
  async extract(lines: readonly string[], timestamp: number): Promise<MetricPoint[]> {
    // One at a time: the worker answers one batch per message.
    const perDefinition: (number | undefined)[][] = [];
    for (const d of this.definitions) {
      if (d.disabled) perDefinition.push([]);
      else if (d.pattern.linear) perDefinition.push(lines.map((line) => match(d.pattern.regex, line)));
      else perDefinition.push(await this.extractUnsafe(d, lines));
    }
    const points: MetricPoint[] = [];
    lines.forEach((_, i) => {
      this.definitions.forEach((d, j) => {
        const value = perDefinition[j]?.[i];
        if (value !== undefined) points.push({ metricName: d.name, value, timestamp });
      });
    });
    return points;
  }

  private async extractUnsafe(d: CompiledDefinition, lines: readonly string[]): Promise<(number | undefined)[]> {
    if (!this.worker) {
      this.worker = new Worker(WORKER_SOURCE, { eval: true });
      this.worker.unref();
    }
    const worker = this.worker;
    const captured = await new Promise<(string | null)[] | undefined>((resolve) => {
      // Real time on purpose, not the job's clock: this bounds the CPU a regex may burn, whatever time the job lives in.
      const timer = setTimeout(() => resolve(undefined), UNSAFE_REGEX_DEADLINE_MS);
      worker.once("message", (result: (string | null)[]) => {
        clearTimeout(timer);
        resolve(result);
      });
      worker.postMessage({ source: d.pattern.regex.source, flags: d.pattern.regex.flags, lines });
    });
    if (captured === undefined) {
      d.disabled = true;
      this.worker = undefined;
      await worker.terminate();
      this.onWarning(
        `metric ${d.name}: its regex took over ${UNSAFE_REGEX_DEADLINE_MS} ms on ${lines.length} line(s) (catastrophic backtracking); the definition is disabled for this job`,
      );
      return lines.map(() => undefined);
    }
    return captured.map((c) => (c === null ? undefined : parsePythonFloat(c)));
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}
