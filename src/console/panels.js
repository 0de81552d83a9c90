// The parts of a tuning job's page that are text: its summary (status, counters, best job, where to get its
// data), the report's findings and the hyperparameters' importance.

import { esc } from "./chart-common.js";
import { exactNumber, exactTime, formatDuration, formatNumber, formatTime } from "./format.js";

export const number = (v) =>
  v === null || v === undefined ? "" : `<span title="${esc(exactNumber(v))}">${esc(formatNumber(v))}</span>`;
export const time = (iso) =>
  iso ? `<time datetime="${esc(exactTime(iso))}" title="${esc(exactTime(iso))}">${esc(formatTime(iso))}</time>` : "";
export const hyperparameters = (h) =>
  Object.entries(h ?? {})
    .map(([k, v]) => `${esc(k)}=${typeof v === "number" ? number(v) : esc(v)}`)
    .join(" ");

/**
 * The status a person should read. An ask/tell study stays InProgress for as long as its program may ask
 * again, so a study with nothing pending reads "Idle" (and offers no Stop).
 */
export function shownStatus(status, kind, running) {
  if (kind === "study" && status === "InProgress" && running === 0) return "Idle";
  return status;
}

/** The summary of a tuning job from its Describe; `stop` gets the Stop button when it can be stopped. */
export function summaryHtml(d) {
  const name = encodeURIComponent(d.HyperParameterTuningJobName);
  const c = d.TrainingJobStatusCounters;
  const best = d.BestTrainingJob;
  const status = shownStatus(d.HyperParameterTuningJobStatus, d.Kind, c.InProgress);
  const links = [
    [`/api/tuning-jobs/${name}`, "Describe (JSON)", "describe"],
    [`/api/tuning-jobs/${name}/analytics?format=csv`, "analytics (CSV)", "analytics"],
    [`/api/tuning-jobs/${name}/report`, "report (HTML)", "report"],
  ];
  const runtime = d.ConsumedResources?.RuntimeInSeconds;
  return `<p class="summary-line"><b data-test="status" title="${esc(d.HyperParameterTuningJobStatus)}">${esc(status)}</b>
${d.Kind === "study" ? '<span class="muted">ask/tell study</span>' : ""} · ${esc(d.Strategy)} · ${esc(d.Objective.Type)} ${esc(d.Objective.MetricName)} · created ${time(d.CreationTime)}${runtime === undefined ? "" : ` · ran ${esc(formatDuration(runtime))}`} <span id="stop"></span></p>
<div class="counters" data-test="counters">${[
    ["Completed", "completed"],
    ["InProgress", "running"],
    ["Stopped", "stopped"],
    ["NonRetryableError", "failed"],
  ]
    .map(([k, label]) => `<div class="counter"><b>${c[k]}</b>${label}</div>`)
    .join("")}</div>
${best ? `<p data-test="best">Best: <a href="#/training-jobs/${encodeURIComponent(best.TrainingJobName)}">${esc(best.TrainingJobName)}</a> ${esc(d.Objective.MetricName)} ${number(best.FinalHyperParameterTuningJobObjectiveMetric?.Value)} · ${hyperparameters(best.TunedHyperParameters)}</p>` : ""}
${recommendedHtml(d)}
${d.WarmStartConfig ? `<p>Warm start (${esc(d.WarmStartConfig.WarmStartType)}) from ${d.WarmStartConfig.ParentHyperParameterTuningJobs.map((p) => `<a href="#/tuning-jobs/${encodeURIComponent(p.HyperParameterTuningJobName)}">${esc(p.HyperParameterTuningJobName)}</a>`).join(", ")}</p>` : ""}
${d.CompletionReason ? `<p class="muted">Completed early: ${esc(d.CompletionReason)}</p>` : ""}${d.FailureReason ? `<p class="error">${esc(d.FailureReason)}</p>` : ""}
<p class="links" data-test="links">${links.map(([href, label, test]) => `<a href="${esc(href)}" data-test="${test}" target="_blank" rel="noopener">${label}</a>`).join(" · ")}</p>`;
}

/**
 * The model's recommendation beside the best observed job: the job with the best posterior mean, which on a
 * noisy objective is what to deploy (the best observed value is partly a lucky draw). Shown only when it is a
 * different job; when it is the same one, the best line says it.
 */
function recommendedHtml(d) {
  const r = d.RecommendedTrainingJob;
  if (!r) return "";
  const same = r.TrainingJobName === d.BestTrainingJob?.TrainingJobName;
  const estimate = `the model expects ${esc(d.Objective.MetricName)} ${number(r.EstimatedObjectiveValue)} from ${r.ObservationsModelled} results`;
  if (same) return `<p data-test="recommended" class="muted">The model recommends the best job too (${estimate}).</p>`;
  return `<p data-test="recommended" title="the job whose result the model expects to be best on a rerun: best posterior mean among the jobs run">Recommended: <a href="#/training-jobs/${encodeURIComponent(r.TrainingJobName)}">${esc(r.TrainingJobName)}</a> ${esc(d.Objective.MetricName)} ${number(r.FinalHyperParameterTuningJobObjectiveMetric?.Value)} observed, ${estimate} · ${hyperparameters(r.TunedHyperParameters)}</p>`;
}

/** Can a person stop it from here? A study with nothing pending has nothing to stop. */
export function stoppable(d) {
  const status = d.HyperParameterTuningJobStatus;
  if (status !== "InProgress" && status !== "Stopping") return false;
  return !(d.Kind === "study" && d.TrainingJobStatusCounters.InProgress === 0);
}

export function findingsHtml(findings) {
  if (!findings.sentences.length) return '<p class="muted">No job has produced the objective yet.</p>';
  return findings.sentences.map((s) => `<p>${esc(s)}</p>`).join("");
}

export function importanceHtml(importance) {
  return (
    importance
      .map(
        (
          m,
        ) => `<p class="muted">${m.definitionName ? `${esc(m.definitionName)}: ` : ""}share of the objective's variance each hyperparameter explains on its own, from ${m.results} results</p>
<table class="importance">${[...m.importances]
          .sort((a, b) => b.importance - a.importance)
          .map(
            (i) =>
              `<tr><td>${esc(i.name)}</td><td class="num">${esc(formatNumber(i.importance, 3))}</td><td class="bar-cell"><div class="bar" style="width:${(100 * i.importance).toFixed(1)}%"></div></td></tr>`,
          )
          .join("")}</table>`,
      )
      .join("") || '<p class="muted">Not measured.</p>'
  );
}
