// The workers that take training jobs from the queue (`tunekit worker`): each one's host, status, slots, GPUs,
// running jobs and last heartbeat. Read again every few seconds, as heartbeats come every two.

import { api, markUpdated, onLeave, settle } from "./api.js";
import { esc } from "./chart-common.js";

const REFRESH_MS = 2000;

export async function workersPage(app) {
  app.innerHTML = `<h1>Workers</h1><p class="muted">Machines running <code>tunekit worker</code> for controllers started with <code>--executor queue</code>.</p>
<div id="errors" class="error-banner" role="alert" hidden></div>
<table data-test="workers" class="cards"><thead><tr><th>name</th><th>host</th><th>status</th><th class="num">slots</th><th>GPUs</th><th>running</th><th class="num">last heartbeat</th></tr></thead><tbody></tbody></table>`;
  const refresh = async () => {
    const { Workers } = await api("/api/workers");
    const body = app.querySelector("tbody");
    if (!body) return;
    markUpdated();
    body.innerHTML =
      Workers.map((w) => {
        const running = w.RunningJobs.map(
          (j) =>
            `<a href="#/training-jobs/${encodeURIComponent(j.TrainingJobName)}">${esc(j.TrainingJobName)}</a>${j.Attempt > 0 ? ` (attempt ${j.Attempt + 1})` : ""}`,
        ).join(", ");
        return `<tr data-name="${esc(w.Name)}"><td data-label="name">${esc(w.Name)}</td><td data-label="host">${esc(w.Host)}</td><td data-label="status">${esc(w.Status)}</td><td data-label="slots" class="num">${w.RunningJobs.length}/${w.Slots}</td><td data-label="GPUs">${esc(w.Gpus.join(",") || "–")}</td><td data-label="running">${running || "–"}</td><td data-label="last heartbeat" class="num">${esc(String(w.SecondsSinceHeartbeat))} s ago</td></tr>`;
      }).join("") || `<tr><td colspan="7" class="muted">No worker has reported to this store.</td></tr>`;
  };
  const timer = setInterval(() => settle([refresh()]), REFRESH_MS);
  onLeave(() => clearInterval(timer));
  await settle([refresh()]);
}
