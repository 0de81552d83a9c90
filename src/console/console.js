// The tunekit web console: plain browser JavaScript over the HTTP API, no build step, no network beyond it.
// Pages: #/ (tuning jobs), #/tuning-jobs/NAME, #/training-jobs (standalone jobs), #/training-jobs/NAME, #/workers.
// Server-sent events refresh what is shown.

import { leavePage, showErrors } from "./api.js";
import { esc } from "./chart-common.js";

// Each page's code is loaded when it is first shown: the page a link opens compiles only what it draws.
const pages = {
  tuningJob: () => import("./page-tuning-job.js").then((m) => m.tuningJobPage),
  trainingJob: () => import("./page-training-job.js").then((m) => m.trainingJobPage),
  trainingJobs: () => import("./page-training-jobs.js").then((m) => m.trainingJobsPage),
  tuningJobs: () => import("./page-tuning-jobs.js").then((m) => m.tuningJobsPage),
  workers: () => import("./page-workers.js").then((m) => m.workersPage),
};

const app = document.getElementById("app");

async function route() {
  leavePage();
  document.getElementById("live").textContent = "";
  // Nothing of the page being left stays on screen while the next one loads.
  app.innerHTML = '<p class="muted">Loading…</p>';
  const [, kind, name] = location.hash.match(/^#\/(tuning-jobs|training-jobs|workers)(?:\/(.+))?$/) ?? [];
  for (const link of document.querySelectorAll("nav a")) {
    link.classList.toggle("current", link.dataset.page === (kind ?? "tuning-jobs"));
  }
  try {
    if (kind === "tuning-jobs" && name) await (await pages.tuningJob())(app, decodeURIComponent(name));
    else if (kind === "training-jobs" && name) await (await pages.trainingJob())(app, decodeURIComponent(name));
    else if (kind === "training-jobs") await (await pages.trainingJobs())(app);
    else if (kind === "workers") await (await pages.workers())(app);
    else await (await pages.tuningJobs())(app);
  } catch (e) {
    console.error(e);
    if (document.getElementById("errors")) showErrors([e]);
    else app.innerHTML = `<p class="error">${esc(e.message)}</p>`;
  }
  window.scrollTo(0, 0);
}

window.addEventListener("hashchange", route);
route();
