// The training jobs that belong to no tuning job (`tunekit train`), newest first. The list is read again every
// few seconds: the event stream follows one job or the tuning jobs, not every training job in the store.

import { api, onLeave, settle } from "./api.js";
import { esc } from "./chart-common.js";
import { formatDuration } from "./format.js";
import { time } from "./panels.js";

const REFRESH_MS = 3000;
const PAGE = 50;

export async function trainingJobsPage(app) {
  let offset = 0;
  app.innerHTML = `<h1>Training jobs</h1><p class="muted">Jobs run on their own with <code>tunekit train</code>; a tuning job's jobs are on its page.</p>
<div id="errors" class="error-banner" role="alert" hidden></div>
<table data-test="training-jobs" class="cards"><thead><tr><th>name</th><th>status</th><th>created</th><th class="num">duration</th><th>reason</th></tr></thead><tbody></tbody></table>
<div class="pager"><button data-test="prev">previous</button><span data-test="page"></span><button data-test="next">next</button></div>`;
  const refresh = async () => {
    const page = await api(`/api/training-jobs?limit=${PAGE}&offset=${offset}`);
    const body = app.querySelector("tbody");
    if (!body) return;
    body.innerHTML =
      page.TrainingJobSummaries.map((j) => {
        const end = j.TrainingEndTime ? Date.parse(j.TrainingEndTime) : Date.now();
        const seconds = (end - Date.parse(j.TrainingStartTime ?? j.CreationTime)) / 1000;
        return `<tr data-name="${esc(j.TrainingJobName)}"><td data-label="name"><a href="#/training-jobs/${encodeURIComponent(j.TrainingJobName)}">${esc(j.TrainingJobName)}</a></td><td data-label="status">${esc(j.TrainingJobStatus)}</td><td data-label="created">${time(j.CreationTime)}</td><td data-label="duration" class="num">${esc(formatDuration(seconds))}</td><td data-label="reason">${esc(j.FailureReason ?? "")}</td></tr>`;
      }).join("") || `<tr><td colspan="5" class="muted">No standalone training jobs in this store.</td></tr>`;
    app.querySelector("[data-test=page]").textContent =
      `${page.Total ? offset + 1 : 0}–${offset + page.TrainingJobSummaries.length} of ${page.Total}`;
    app.querySelector("[data-test=prev]").disabled = offset === 0;
    app.querySelector("[data-test=next]").disabled = page.NextOffset === undefined;
  };
  app.querySelector("[data-test=prev]").addEventListener("click", () => {
    offset = Math.max(0, offset - PAGE);
    settle([refresh()]);
  });
  app.querySelector("[data-test=next]").addEventListener("click", () => {
    offset += PAGE;
    settle([refresh()]);
  });
  const timer = setInterval(() => settle([refresh()]), REFRESH_MS);
  onLeave(() => clearInterval(timer));
  await settle([refresh()]);
}
