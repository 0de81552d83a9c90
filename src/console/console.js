// The tunekit web console: plain browser JavaScript over the HTTP API, no build step, no network beyond it.
// Pages: #/ (tuning jobs), #/tuning-jobs/NAME, #/training-jobs/NAME. Server-sent events refresh what is shown.

import { plot } from "./plot.js";

const app = document.getElementById("app");
const live = document.getElementById("live");
const PAGE = 50;
let teardown = [];

const esc = (s) =>
  String(s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );
const num = (v) => (v === null || v === undefined ? "" : Number.isInteger(v) ? String(v) : Number(v).toPrecision(6));
const hps = (h) =>
  Object.entries(h ?? {})
    .map(([k, v]) => `${esc(k)}=${esc(typeof v === "number" ? num(v) : v)}`)
    .join(" ");
// Not toLocaleTimeString: its first call loads locale data, tens of milliseconds while a page is drawing.
const clock = (d) => [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");

/** The fingerprints of the server's state that the responses of the current refresh carried. */
let fingerprints = new Set();

/** Responses index.html asked for before this script loaded, by URL: each is used once. */
const early = new Map(globalThis.tunekitEarly ?? []);

// With a token, the server set an HttpOnly session cookie when the console was opened at /?token=: every
// request below (and the event stream) carries it, so this code never holds the token.
async function api(url, init) {
  const prefetched = init ? undefined : early.get(url);
  early.delete(url);
  const response = await (prefetched ?? fetch(url, init));
  const fingerprint = response.headers.get("x-tunekit-fingerprint");
  if (fingerprint !== null) fingerprints.add(fingerprint);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error?.message ?? response.statusText);
  return body;
}

/**
 * Draws the page at once, and again whenever the server's state behind it changes. Every response the page
 * reads carries the server's fingerprint of that state, and the event stream sends the same fingerprint: its
 * first event redraws only if something changed between the first draw and the stream connecting, so no change
 * is missed and none is drawn twice. Refreshes never overlap (the log is read by offset): an event during one
 * is checked when it ends. Resolves after the first draw.
 */
function follow(topic, refresh) {
  let drawn = null;
  let latest = null;
  let running = false;
  let dirty = false;
  const run = async () => {
    running = true;
    do {
      dirty = false;
      fingerprints = new Set();
      await refresh().catch((e) => console.error(e));
      drawn = fingerprints.size === 1 ? [...fingerprints][0] : null;
    } while (dirty && latest !== drawn);
    running = false;
  };
  const source = new EventSource(`/api/events${topic ? `?${topic}` : ""}`);
  source.addEventListener("update", (event) => {
    live.textContent = `live · updated ${clock(new Date())}`;
    latest = event.data;
    if (latest === drawn) return;
    if (running) dirty = true;
    else run();
  });
  source.onerror = () => {
    live.textContent = "reconnecting…";
  };
  teardown.push(() => source.close());
  return run();
}

/** Waits for every part of a page; reports the failures without hiding the parts that worked. */
async function settle(parts) {
  const results = await Promise.allSettled(parts);
  const failed = results.find((r) => r.status === "rejected");
  if (failed) {
    live.textContent = `error: ${failed.reason?.message ?? failed.reason}`;
    console.error(failed.reason);
  }
}

/**
 * Draws each chart into its element (made on first draw), marked with how many items it draws; plot marks it
 * data-rendered once drawn. Scatters read their points from `columns` (see chartSet in src/report/charts.ts).
 */
function drawCharts(container, charts, columns = {}) {
  for (const chart of charts) {
    let element = container.querySelector(`[data-chart="${chart.id}"]`);
    if (!element) {
      element = document.createElement("div");
      element.className = "chart";
      element.dataset.chart = chart.id;
      container.appendChild(element);
    }
    element.dataset.points = String(plot(element, chart.option, columns));
  }
}

async function listPage() {
  app.innerHTML = `<h1>Tuning jobs</h1><table data-test="tuning-jobs"><thead><tr><th>name</th><th>status</th><th>strategy</th><th>objective</th><th>jobs</th><th>best</th><th>created</th></tr></thead><tbody></tbody></table>`;
  const refresh = async () => {
    const { TuningJobs } = await api("/api/tuning-jobs?limit=200");
    const body = app.querySelector("tbody");
    if (!body) return;
    body.innerHTML =
      TuningJobs.map((j) => {
        const c = j.TrainingJobStatusCounters;
        const total = c.Completed + c.InProgress + c.NonRetryableError + c.Stopped;
        return `<tr data-name="${esc(j.HyperParameterTuningJobName)}"><td><a href="#/tuning-jobs/${encodeURIComponent(j.HyperParameterTuningJobName)}">${esc(j.HyperParameterTuningJobName)}</a></td><td>${esc(j.HyperParameterTuningJobStatus)}</td><td>${esc(j.Strategy)}</td><td>${esc(j.Objective.Type)} ${esc(j.Objective.MetricName)}</td><td class="num">${total} (${c.InProgress} running)</td><td class="num">${num(j.BestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric?.Value)}</td><td>${esc(j.CreationTime)}</td></tr>`;
      }).join("") || `<tr><td colspan="7" class="muted">No tuning jobs in this store yet.</td></tr>`;
  };
  await follow("", refresh);
}

async function tuningJobPage(name) {
  const state = { sortBy: "CreationTime", sortOrder: "Descending", offset: 0 };
  app.innerHTML = `<h1>${esc(name)}</h1><div id="summary"></div><h2>Charts</h2><div class="charts" id="charts"></div>
<h2>Training jobs</h2><div class="pager"><button id="prev">previous</button><span id="page"></span><button id="next">next</button></div>
<table data-test="jobs"><thead><tr><th class="sortable" data-sort="Name">name</th><th class="sortable" data-sort="Status">status</th><th class="sortable" data-sort="FinalObjectiveMetricValue">objective</th><th>hyperparameters</th><th class="sortable" data-sort="CreationTime">created</th></tr></thead><tbody></tbody></table>`;
  const summary = async () => {
    const d = await api(`/api/tuning-jobs/${encodeURIComponent(name)}`);
    const c = d.TrainingJobStatusCounters;
    const best = d.BestTrainingJob;
    const running = d.HyperParameterTuningJobStatus === "InProgress";
    document.getElementById("summary").innerHTML =
      `<p><b data-test="status">${esc(d.HyperParameterTuningJobStatus)}</b> · ${esc(d.Strategy)} · ${esc(d.Objective.Type)} ${esc(d.Objective.MetricName)} ${running ? '<button id="stop">Stop tuning job</button>' : ""}</p>
<div class="counters" data-test="counters">${["Completed", "InProgress", "Stopped", "NonRetryableError"].map((k) => `<div class="counter"><b>${c[k]}</b>${k === "NonRetryableError" ? "Failed" : k}</div>`).join("")}</div>
${best ? `<p>Best: <a href="#/training-jobs/${encodeURIComponent(best.TrainingJobName)}">${esc(best.TrainingJobName)}</a> ${num(best.FinalHyperParameterTuningJobObjectiveMetric?.Value)} · ${hps(best.TunedHyperParameters)}</p>` : ""}
${d.CompletionReason ? `<p class="muted">Completed early: ${esc(d.CompletionReason)}</p>` : ""}${d.FailureReason ? `<p class="error">${esc(d.FailureReason)}</p>` : ""}`;
    document.getElementById("stop")?.addEventListener("click", async () => {
      await api(`/api/tuning-jobs/${encodeURIComponent(name)}/stop`, { method: "POST" });
      await summary();
    });
  };
  const charts = async () => {
    const set = await api(`/api/tuning-jobs/${encodeURIComponent(name)}/charts`);
    drawCharts(document.getElementById("charts"), set.charts, set.columns);
  };
  const jobs = async () => {
    const page = await api(
      `/api/tuning-jobs/${encodeURIComponent(name)}/training-jobs?limit=${PAGE}&offset=${state.offset}&sortBy=${state.sortBy}&sortOrder=${state.sortOrder}`,
    );
    const body = app.querySelector("tbody");
    if (!body) return;
    body.innerHTML = page.TrainingJobSummaries.map(
      (j) =>
        `<tr data-name="${esc(j.TrainingJobName)}"><td><a href="#/training-jobs/${encodeURIComponent(j.TrainingJobName)}">${esc(j.TrainingJobName)}</a></td><td>${esc(j.TrainingJobStatus)}</td><td class="num">${num(j.FinalHyperParameterTuningJobObjectiveMetric?.Value)}</td><td>${hps(j.TunedHyperParameters)}</td><td>${esc(j.CreationTime)}</td></tr>`,
    ).join("");
    document.getElementById("page").textContent =
      `${page.Total ? state.offset + 1 : 0}–${state.offset + page.TrainingJobSummaries.length} of ${page.Total}`;
    document.getElementById("prev").disabled = state.offset === 0;
    document.getElementById("next").disabled = page.NextOffset === undefined;
  };
  for (const th of app.querySelectorAll("th.sortable")) {
    th.addEventListener("click", () => {
      state.sortOrder =
        state.sortBy === th.dataset.sort && state.sortOrder === "Descending" ? "Ascending" : "Descending";
      state.sortBy = th.dataset.sort;
      state.offset = 0;
      jobs();
    });
  }
  document.getElementById("prev").addEventListener("click", () => {
    state.offset = Math.max(0, state.offset - PAGE);
    jobs();
  });
  document.getElementById("next").addEventListener("click", () => {
    state.offset += PAGE;
    jobs();
  });
  // One part failing (a chart) must not stop the others from showing.
  // The charts are asked for first: theirs is the server's longest answer.
  const refresh = () => settle([charts(), summary(), jobs()]);
  await follow(`tuningJob=${encodeURIComponent(name)}`, refresh);
}

async function trainingJobPage(name) {
  app.innerHTML = `<h1>${esc(name)}</h1><div id="summary"></div><h2>Metrics</h2><div class="charts" id="metrics"></div><h2>Log</h2><pre class="log" data-test="log"></pre>`;
  let logCursor = -1;
  const log = app.querySelector("pre.log");
  const summary = async () => {
    const d = await api(`/api/training-jobs/${encodeURIComponent(name)}`);
    const running = d.TrainingJobStatus === "InProgress";
    const parent = d.TuningJobName
      ? `<a href="#/tuning-jobs/${encodeURIComponent(d.TuningJobName)}">${esc(d.TuningJobName)}</a> · `
      : "";
    document.getElementById("summary").innerHTML =
      `<p>${parent}<b data-test="status">${esc(d.TrainingJobStatus)}</b>${d.SecondaryStatus ? ` (${esc(d.SecondaryStatus)})` : ""} ${running ? '<button id="stop">Stop training job</button>' : ""}</p>
<table><tr><th>hyperparameter</th><th>value</th></tr>${Object.entries(d.TunedHyperParameters ?? d.HyperParameters ?? {})
        .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`)
        .join("")}</table>
<p class="muted">started ${esc(d.TrainingStartTime)} · ended ${esc(d.TrainingEndTime ?? "")}${d.ModelArtifacts ? ` · model: ${esc(d.ModelArtifacts.S3ModelArtifacts)}` : ""}</p>
${d.FailureReason ? `<pre class="error">${esc(d.FailureReason)}</pre>` : ""}`;
    document.getElementById("stop")?.addEventListener("click", async () => {
      await api(`/api/training-jobs/${encodeURIComponent(name)}/stop`, { method: "POST" });
      await summary();
    });
  };
  const metrics = async () => {
    const rows = await api(`/api/training-jobs/${encodeURIComponent(name)}/metrics`);
    const byMetric = new Map();
    for (const r of rows) byMetric.set(r.metric_name, [...(byMetric.get(r.metric_name) ?? []), [r.timestamp, r.value]]);
    drawCharts(
      document.getElementById("metrics"),
      [...byMetric].map(([metric, points]) => ({
        id: `metric-${metric}`,
        option: {
          animation: false,
          title: { text: metric, left: "center", textStyle: { fontSize: 13 } },
          grid: { left: 64, right: 24, top: 40, bottom: 40 },
          tooltip: { trigger: "axis" },
          xAxis: { type: "value", name: "seconds", nameLocation: "middle", nameGap: 26 },
          yAxis: { type: "value", scale: true },
          series: [{ type: "line", showSymbol: points.length < 60, data: points }],
        },
      })),
    );
  };
  const logs = async () => {
    try {
      for (;;) {
        const page = await api(`/api/training-jobs/${encodeURIComponent(name)}/logs?after=${logCursor}`);
        log.textContent += page.text;
        logCursor = page.next;
        if (!page.text || page.complete) break;
      }
      log.scrollTop = log.scrollHeight;
    } catch (e) {
      if (!log.textContent) log.textContent = e.message;
    }
  };
  const refresh = () => settle([summary(), metrics(), logs()]);
  await follow(`trainingJob=${encodeURIComponent(name)}`, refresh);
}

async function route() {
  for (const stop of teardown) stop();
  teardown = [];
  const [, kind, name] = location.hash.match(/^#\/(tuning-jobs|training-jobs)\/(.+)$/) ?? [];
  try {
    if (kind === "tuning-jobs") await tuningJobPage(decodeURIComponent(name));
    else if (kind === "training-jobs") await trainingJobPage(decodeURIComponent(name));
    else await listPage();
  } catch (e) {
    app.innerHTML = `<p class="error">${esc(e.message)}</p>`;
  }
}

window.addEventListener("hashchange", route);
route();
