import { exactNumber, exactTime, formatDuration, formatNumber } from "../console/format.js";
import type { Chart } from "./echarts-options.js";
import { type Findings, findingsSentences } from "./findings.js";
import type { ReportData } from "./report-data.js";
import { stopReasonText } from "./status-groups.js";

const escapeHtml = (text: unknown) =>
  String(text ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

/** A value at 6 significant digits, with its exact value on hover (the page has no script, so a title). */
const number = (v: number | null | undefined) =>
  v === null || v === undefined ? "" : `<span title="${exactNumber(v)}">${formatNumber(v)}</span>`;

/**
 * A moment in UTC, to the second, with the exact ISO time on hover: the report is a file that travels, so it
 * cannot know its reader's time zone and says which one it uses.
 */
const iso = (ms: number | null) =>
  ms === null
    ? ""
    : `<time datetime="${exactTime(ms)}" title="${exactTime(ms)}">${exactTime(ms)
        .replace("T", " ")
        .replace(/\.\d+Z$/, " UTC")}</time>`;

const duration = (ms: number) => formatDuration(ms / 1000);

const hyperparameters = (hp: Record<string, unknown>) =>
  Object.entries(hp)
    .map(([k, v]) => `${escapeHtml(k)}=${typeof v === "number" ? number(v) : escapeHtml(v)}`)
    .join(" ");

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1320px;color:#222;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.muted{color:#666}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(640px,100%),1fr));gap:12px}
figure{margin:0;border:1px solid #e4e4e4;border-radius:6px;padding:4px;background:#fff}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eee}
th{background:#f6f6f6;position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums}
.kv td:first-child{color:#666;width:220px}.scroll{overflow-x:auto}svg{max-width:100%;height:auto}.bar{background:#2f6fb0;height:10px;border-radius:2px}
`;

/**
 * The model's recommended job (Describe's RecommendedTrainingJob): the best posterior mean among the jobs run,
 * what to deploy when the objective is noisy. Bayesian tuning jobs only.
 */
function recommendedSection(data: ReportData): string {
  const r = data.description.RecommendedTrainingJob;
  if (!r) return "";
  const metric = escapeHtml(data.objective.MetricName);
  const same = r.TrainingJobName === data.description.BestTrainingJob?.TrainingJobName;
  return `<h2>Recommended training job</h2>
<p class="muted">The job whose result the model expects to be best if run again (best posterior mean among the jobs run, from ${r.ObservationsModelled} results)${same ? ": the best training job itself." : ". The best observed value is partly a lucky draw on a noisy objective; this is the one to deploy."}</p>
<table class="kv"><tr><td>Name</td><td>${escapeHtml(r.TrainingJobName)}</td></tr><tr><td>${metric} observed</td><td>${number(r.FinalHyperParameterTuningJobObjectiveMetric?.Value)}</td></tr><tr><td>${metric} the model expects</td><td>${number(r.EstimatedObjectiveValue)}</td></tr><tr><td>Hyperparameters</td><td>${hyperparameters(r.TunedHyperParameters)}</td></tr></table>`;
}

/**
 * A tuning job's report as one self-contained HTML page: inline CSS and
 * SVG charts, no script and no network, so it opens anywhere and can be
 * mailed around.
 */
export function reportHtml(
  data: ReportData,
  charts: readonly { chart: Chart; svg: string }[],
  findings: Findings | undefined,
): string {
  const d = data.description;
  const best = d.BestTrainingJob;
  const counters = d.TrainingJobStatusCounters;
  const runtime = (data.job.endedAt ?? data.now) - data.job.createdAt;
  const summary: [string, string][] = [
    ["Status", escapeHtml(data.job.status)],
    ["Strategy", escapeHtml(d.Strategy)],
    ["Objective", `${escapeHtml(data.objective.Type)} ${escapeHtml(data.objective.MetricName)}`],
    [
      "Training jobs",
      `${data.jobs.length} (${counters.Completed} completed, ${counters.Stopped} stopped, ${counters.NonRetryableError} failed, ${counters.InProgress} running)`,
    ],
    ["Created", iso(data.job.createdAt)],
    ["Ended", iso(data.job.endedAt)],
    ["Runtime", duration(runtime)],
    ...(data.job.completionReason
      ? ([["Completed early", escapeHtml(data.job.completionReason)]] as [string, string][])
      : []),
    ...(data.job.failureReason ? ([["Failure reason", escapeHtml(data.job.failureReason)]] as [string, string][]) : []),
  ];
  const importance = data.importance
    .map(
      (
        m,
      ) => `<p class="muted">${m.definitionName ? `${escapeHtml(m.definitionName)}: ` : ""}measured on ${m.results} results</p>
<table><tr><th>hyperparameter</th><th>share of the objective's variance</th><th></th></tr>
${[...m.importances]
  .sort((a, b) => b.importance - a.importance)
  .map(
    (i) =>
      `<tr><td>${escapeHtml(i.name)}</td><td class="num">${i.importance.toFixed(3)}</td><td style="width:50%"><div class="bar" style="width:${(100 * i.importance).toFixed(1)}%"></div></td></tr>`,
  )
  .join("\n")}</table>`,
    )
    .join("\n");
  const findingsHtml = findings
    ? findingsSentences(findings, data.objective.MetricName)
        .map((sentence) => `<p>${escapeHtml(sentence)}</p>`)
        .join("\n")
    : "<p>No job has produced the objective yet.</p>";
  const rows = data.jobs
    .map((j) => {
      const end = j.endedAt ?? data.now;
      const start = j.startedAt ?? j.createdAt;
      return `<tr><td class="num">${(j.trialIndex ?? 0) + 1}</td><td>${escapeHtml(j.name)}</td><td>${escapeHtml(j.status)}${j.stopReason && j.status === "Stopped" ? ` (${escapeHtml(stopReasonText(j.stopReason))})` : ""}</td><td class="num">${number(j.objectiveValue)}</td><td>${hyperparameters(j.hyperparameters)}</td><td>${iso(start)}</td><td class="num">${duration(end - start)}</td></tr>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(data.job.name)}: tuning job report</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(data.job.name)}</h1>
<p class="muted">Tuning job report made by tunekit on ${iso(data.now)}</p>
<h2>Summary</h2>
<table class="kv">${summary.map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`).join("")}</table>
<h2>Best training job</h2>
${
  best
    ? `<table class="kv"><tr><td>Name</td><td>${escapeHtml(best.TrainingJobName)}</td></tr><tr><td>${escapeHtml(data.objective.MetricName)}</td><td>${number(best.FinalHyperParameterTuningJobObjectiveMetric?.Value)}</td></tr><tr><td>Hyperparameters</td><td>${hyperparameters(best.TunedHyperParameters)}</td></tr></table>`
    : "<p>No job has produced the objective yet.</p>"
}
${recommendedSection(data)}
<h2>Findings</h2>
<div id="findings">${findingsHtml}</div>
<h2>Hyperparameter importance</h2>
${importance || "<p>None measured.</p>"}
<h2>Charts</h2>
<div class="grid">
${charts.map(({ chart, svg }) => `<figure id="${escapeHtml(chart.id)}" data-chart="${escapeHtml(chart.id)}">${svg}</figure>`).join("\n")}
</div>
<h2>Training jobs</h2>
<div class="scroll"><table><tr><th>#</th><th>name</th><th>status</th><th>${escapeHtml(data.objective.MetricName)}</th><th>hyperparameters</th><th>started</th><th>took</th></tr>
${rows}
</table></div>
</body></html>
`;
}
