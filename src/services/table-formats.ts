/** The formats an analytics table is exported in. */
export const TABLE_FORMATS = ["csv", "json", "jsonl"] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

/** RFC 4180 CSV: the header is every column in first-seen order; empty cells for missing values. */
export function toCsv(table: readonly object[], columns?: readonly string[]): string {
  const rows = table as readonly Record<string, unknown>[];
  const header = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header.map(cell).join(","), ...rows.map((r) => header.map((c) => cell(r[c])).join(","))].join("\n");
}

export function formatTable(table: readonly object[], format: TableFormat, columns?: readonly string[]): string {
  if (format === "csv") return toCsv(table, columns);
  if (format === "jsonl") return table.map((r) => JSON.stringify(r)).join("\n");
  return JSON.stringify(table, null, 2);
}
