import { pythonFloatRepr } from "../jobs/python-value.js";

/** How commands print: a plain table for people, JSON for scripts (`--json`). */
export interface Output {
  out(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
};

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function table(headers: string[], rows: (string | number | undefined)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map((c) => (c === undefined ? "-" : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  return cells
    .map((row) =>
      row
        .map((c, i) => (c ?? "").padEnd(widths[i] as number))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/**
 * A metric value or a hyperparameter as the script printed it: the shortest digits that read back as the same
 * number, in Python's notation (0.0746, 1e-06, 5e-05), since most training scripts print with Python; integers
 * without a ".0".
 */
export function formatValue(value: number | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  return Number.isSafeInteger(value) ? String(value) : pythonFloatRepr(value);
}

export function formatHyperparameters(hyperparameters: Record<string, unknown>): string {
  return Object.entries(hyperparameters)
    .map(([k, v]) => `${k}=${typeof v === "number" ? formatValue(v) : String(v)}`)
    .join(" ");
}

export function formatTime(ms: number | null): string | undefined {
  return ms === null
    ? undefined
    : new Date(ms)
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, "Z");
}

/**
 * A training job's closing line: `name: Status (first line of the reason)`, then the rest of a FailureReason (the
 * job's last log lines, which say how it ended) indented beneath it, whole.
 */
export function jobSummary(name: string, status: string, failureReason: string | undefined): string {
  if (!failureReason) return `${name}: ${status}`;
  const [first, ...rest] = failureReason.split("\n");
  return [`${name}: ${status} (${first})`, ...rest.map((line) => `  ${line}`)].join("\n");
}
