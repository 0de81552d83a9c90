// The tuning jobs (and ask/tell studies) in the store, newest first.

import { api, follow } from "./api.js";
import { esc } from "./chart-common.js";
import { number, shownStatus, time } from "./panels.js";

export async function tuningJobsPage(app) {
  app.innerHTML = `<h1>Tuning jobs</h1><div id="errors" class="error-banner" role="alert" hidden></div>
<table data-test="tuning-jobs" class="cards"><thead><tr><th>name</th><th>status</th><th>strategy</th><th>objective</th><th class="num">jobs</th><th class="num">best</th><th>created</th></tr></thead><tbody></tbody></table>`;
  const refresh = async () => {
    const { TuningJobs } = await api("/api/tuning-jobs?limit=200");
    const body = app.querySelector("tbody");
    if (!body) return;
    body.innerHTML =
      TuningJobs.map((j) => {
        const c = j.TrainingJobStatusCounters;
        const total = c.Completed + c.InProgress + c.NonRetryableError + c.Stopped;
        const status = shownStatus(j.HyperParameterTuningJobStatus, j.Kind, c.InProgress);
        return `<tr data-name="${esc(j.HyperParameterTuningJobName)}"><td data-label="name"><a href="#/tuning-jobs/${encodeURIComponent(j.HyperParameterTuningJobName)}">${esc(j.HyperParameterTuningJobName)}</a>${j.Kind === "study" ? ' <span class="muted">study</span>' : ""}</td><td data-label="status" data-test="status">${esc(status)}</td><td data-label="strategy">${esc(j.Strategy)}</td><td data-label="objective">${esc(j.Objective.Type)} ${esc(j.Objective.MetricName)}</td><td data-label="jobs" class="num">${total}${c.InProgress ? ` (${c.InProgress} running)` : ""}</td><td data-label="best" class="num">${number(j.BestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric?.Value)}</td><td data-label="created">${time(j.CreationTime)}</td></tr>`;
      }).join("") || `<tr><td colspan="7" class="muted">No tuning jobs in this store yet.</td></tr>`;
  };
  await follow("", refresh);
}
