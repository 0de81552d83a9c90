// The tunekit web console: plain browser JavaScript over the HTTP API, no build step, no network beyond it.
// Pages: #/ (tuning jobs), #/tuning-jobs/NAME, #/training-jobs (standalone jobs), #/training-jobs/NAME.
// Server-sent events refresh what is shown.

import { leavePage, showErrors } from "./api.js";
import { esc } from "./chart-common.js";
import { trainingJobPage } from "./page-training-job.js";
import { trainingJobsPage } from "./page-training-jobs.js";
import { tuningJobPage } from "./page-tuning-job.js";
import { tuningJobsPage } from "./page-tuning-jobs.js";

const app = document.getElementById("app");

async function route() {
  leavePage();
  document.getElementById("live").textContent = "";
  const [, kind, name] = location.hash.match(/^#\/(tuning-jobs|training-jobs)(?:\/(.+))?$/) ?? [];
  for (const link of document.querySelectorAll("nav a")) {
    link.classList.toggle("current", link.dataset.page === (kind ?? "tuning-jobs"));
  }
  try {
    if (kind === "tuning-jobs" && name) await tuningJobPage(app, decodeURIComponent(name));
    else if (kind === "training-jobs" && name) await trainingJobPage(app, decodeURIComponent(name));
    else if (kind === "training-jobs") await trainingJobsPage(app);
    else await tuningJobsPage(app);
  } catch (e) {
    console.error(e);
    if (document.getElementById("errors")) showErrors([e]);
    else app.innerHTML = `<p class="error">${esc(e.message)}</p>`;
  }
  window.scrollTo(0, 0);
}

window.addEventListener("hashchange", route);
route();
