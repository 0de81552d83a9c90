// What a chart's tooltip says of a job: its name, status (with the stop reason), objective, hyperparameters and
// duration; of a warm start's parent's job, its tuning job, objective and hyperparameters.

import { esc, valueLine } from "./chart-common.js";
import { formatDuration } from "./format.js";

/** The HTML of a job's tooltip: its name, status, objective, hyperparameters and duration. */
export function jobTooltip(set, row) {
  const c = set.columns;
  const group = set.groups[c.group[row]];
  const lines = [
    `<b>${esc(c.name[row])}</b> <span class="muted">#${c.trial[row]}</span>`,
    `<div><i class="swatch" style="background:${group.color}"></i>${esc(set.reasons[row] ?? group.label)}</div>`,
    valueLine(set.objective.MetricName, c.objective[row] ?? "none"),
  ];
  for (const key of Object.keys(c)) if (key.startsWith("hp:")) lines.push(valueLine(key.slice(3), c[key][row]));
  lines.push(valueLine(group.key === "running" ? "running for" : "took", formatDuration(c.duration[row])));
  return lines.join("");
}

export function parentTooltip(set, row) {
  const c = set.parents.columns;
  const lines = [
    `<b>${esc(c.name[row])}</b>`,
    `<div class="muted">parent tuning job ${esc(set.parents.names[c.source[row]])}</div>`,
    valueLine(set.objective.MetricName, c.objective[row]),
  ];
  for (const key of Object.keys(c)) if (key.startsWith("hp:")) lines.push(valueLine(key.slice(3), c[key][row]));
  return lines.join("");
}
