// One training job: its outcome (status, objective, stop reason, duration), hyperparameters (static and tuned),
// final metrics, status history, artifacts, metric charts and log.

import { ApiError, api, confirmStop, follow, settle } from "./api.js";
import { esc } from "./chart-common.js";
import { drawMetric } from "./chart-line.js";
import { exactNumber, formatDuration, formatNumber, stopReasonText } from "./format.js";
import { number, time } from "./panels.js";

const LAYOUT = `<div id="errors" class="error-banner" role="alert" hidden></div><div id="summary"></div>
<div class="columns"><section><h2>Hyperparameters</h2><div id="hyperparameters"></div></section>
<section><h2>Final metrics</h2><div id="final-metrics"></div><h2>Status history</h2><div id="history"></div><h2>Artifacts</h2><div id="artifacts"></div></section></div>
<h2>Metrics</h2><div class="charts" id="metrics"></div><h2>Log</h2><pre class="log" data-test="log"></pre>`;

/** The status, with SageMaker's secondary status only where it says more ("Stopped (Stopped)" would not). */
function statusText(d) {
  const secondary = d.SecondaryStatus && d.SecondaryStatus !== d.TrainingJobStatus ? ` (${d.SecondaryStatus})` : "";
  return `${d.TrainingJobStatus}${secondary}`;
}

function summaryHtml(d) {
  const parent = d.TuningJobName
    ? `<a href="#/tuning-jobs/${encodeURIComponent(d.TuningJobName)}">${esc(d.TuningJobName)}</a>${d.TrialIndex === undefined ? "" : ` · job ${d.TrialIndex + 1}`} · `
    : '<a href="#/training-jobs">training jobs</a> · ';
  const objective = d.FinalHyperParameterTuningJobObjectiveMetric;
  const facts = [
    objective ? `${esc(objective.MetricName)} <b data-test="objective">${number(objective.Value)}</b>` : "",
    d.StopReason ? `<span data-test="stop-reason">${esc(stopReasonText(d.StopReason))}</span>` : "",
    d.TrainingTimeInSeconds === undefined ? "" : `took ${esc(formatDuration(d.TrainingTimeInSeconds))}`,
    `created ${time(d.CreationTime)}`,
    d.TrainingEndTime ? `ended ${time(d.TrainingEndTime)}` : "",
    d.RetryAttempt ? `attempt ${d.RetryAttempt + 1}` : "",
  ].filter(Boolean);
  return `<p class="summary-line">${parent}<b data-test="status">${esc(statusText(d))}</b> <span id="stop"></span></p>
<p>${facts.join(" · ")}</p>${d.FailureReason ? `<pre class="error">${esc(d.FailureReason)}</pre>` : ""}`;
}

function hyperparametersHtml(d) {
  const tuned = d.TunedHyperParameters ?? {};
  const all = { ...(d.HyperParameters ?? {}), ...tuned };
  const rows = Object.entries(all).sort(([a], [b]) => a.localeCompare(b));
  if (rows.length === 0) return '<p class="muted">None.</p>';
  return `<table class="cards" data-test="hyperparameters"><thead><tr><th>name</th><th>value</th><th></th></tr></thead><tbody>${rows
    .map(([k, v]) => {
      const value = k in tuned ? tuned[k] : v;
      const shown = typeof value === "number" ? formatNumber(value) : String(value);
      return `<tr><td data-label="name">${esc(k)}</td><td data-label="value" title="${esc(exactNumber(value))}">${esc(shown)}</td><td data-label="">${k in tuned ? '<span class="tag">tuned</span>' : '<span class="muted">static</span>'}</td></tr>`;
    })
    .join("")}</tbody></table>`;
}

function finalMetricsHtml(d) {
  const metrics = d.FinalMetricDataList ?? [];
  if (metrics.length === 0) return '<p class="muted">No metric values.</p>';
  return `<table class="cards" data-test="final-metrics"><thead><tr><th>metric</th><th class="num">last value</th><th>at</th></tr></thead><tbody>${metrics
    .map(
      (m) =>
        `<tr><td data-label="metric">${esc(m.MetricName)}</td><td data-label="last value" class="num">${number(m.Value)}</td><td data-label="at">${time(m.Timestamp)}</td></tr>`,
    )
    .join("")}</tbody></table>`;
}

function historyHtml(d) {
  const transitions = d.SecondaryStatusTransitions ?? [];
  if (transitions.length === 0) return '<p class="muted">No status changes recorded.</p>';
  return `<table class="cards" data-test="status-history"><thead><tr><th>status</th><th>from</th><th>to</th><th>message</th></tr></thead><tbody>${transitions
    .map(
      (t) =>
        `<tr><td data-label="status">${esc(t.Status)}</td><td data-label="from">${time(t.StartTime)}</td><td data-label="to">${time(t.EndTime)}</td><td data-label="message">${esc(t.StatusMessage)}</td></tr>`,
    )
    .join("")}</tbody></table>`;
}

function artifactsHtml(d) {
  const items = [
    d.ModelArtifacts ? ["model", d.ModelArtifacts.S3ModelArtifacts] : undefined,
    d.OutputDataConfig?.S3OutputPath ? ["output path", d.OutputDataConfig.S3OutputPath] : undefined,
    d.CheckpointConfig?.S3Uri ? ["checkpoints", d.CheckpointConfig.S3Uri] : undefined,
  ].filter(Boolean);
  if (items.length === 0) return '<p class="muted">None.</p>';
  return `<dl class="artifacts" data-test="artifacts">${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd><code>${esc(v)}</code></dd>`).join("")}</dl>`;
}

export async function trainingJobPage(app, name) {
  const path = `/api/training-jobs/${encodeURIComponent(name)}`;
  let described;
  try {
    described = await api(path);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      app.innerHTML = `<h1>${esc(name)}</h1><p class="error" data-test="not-found">No training job named “${esc(name)}” in this store. <a href="#/training-jobs">Training jobs</a></p>`;
      return;
    }
    throw e;
  }
  app.innerHTML = `<h1>${esc(described.TrainingJobName)}</h1>${LAYOUT}`;
  const log = app.querySelector("pre.log");
  // A trial of an ask/tell study was evaluated in the asking program: there is no process, so no log.
  const inProcess = described.AlgorithmSpecification === undefined;
  let logCursor = -1;
  const summary = async () => {
    const d = described ?? (await api(path));
    described = undefined;
    document.getElementById("summary").innerHTML = summaryHtml(d);
    document.getElementById("hyperparameters").innerHTML = hyperparametersHtml(d);
    document.getElementById("final-metrics").innerHTML = finalMetricsHtml(d);
    document.getElementById("history").innerHTML = historyHtml(d);
    document.getElementById("artifacts").innerHTML = artifactsHtml(d);
    if (d.TrainingJobStatus === "InProgress") {
      confirmStop(document.getElementById("stop"), "Stop training job", `${path}/stop`, () => settle([summary()]));
    }
  };
  const metrics = async () => {
    const rows = await api(`${path}/metrics`);
    const byMetric = new Map();
    for (const r of rows) byMetric.set(r.metric_name, [...(byMetric.get(r.metric_name) ?? []), [r.timestamp, r.value]]);
    const container = document.getElementById("metrics");
    if (byMetric.size === 0) container.innerHTML = '<p class="muted">No metric values yet.</p>';
    else container.querySelector("p.muted")?.remove();
    for (const [metric, points] of byMetric) drawMetric(container, metric, points);
  };
  const logs = async () => {
    if (inProcess) {
      log.textContent = "This trial was evaluated in-process by the ask/tell API: there is no log.";
      log.classList.add("empty");
      return;
    }
    for (;;) {
      const page = await api(`${path}/logs?after=${logCursor}`);
      if (page.text && log.dataset.placeholder) {
        log.textContent = "";
        delete log.dataset.placeholder;
      }
      log.textContent += page.text;
      logCursor = page.next;
      if (!page.text || page.complete) break;
    }
    if (!log.textContent) {
      log.textContent = "No log yet.";
      log.dataset.placeholder = "true";
    }
    log.scrollTop = log.scrollHeight;
  };
  await follow(`trainingJob=${encodeURIComponent(name)}`, () => settle([summary(), metrics(), logs()]));
}
