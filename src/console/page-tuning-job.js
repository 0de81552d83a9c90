// One tuning job: its summary and findings, the charts (linked: hovering names a job everywhere, brushing
// selects jobs in every chart and the table), the learning curves with the early-stopping verdicts, what the
// model thought at any suggestion, and the jobs table.

import { ApiError, api, confirmStop, follow, onLeave, settle } from "./api.js";
import { esc } from "./chart-common.js";
import { drawCurves, verdictList } from "./chart-curves.js";
import { drawModel } from "./chart-model.js";
import { drawParallel } from "./chart-parallel.js";
import { drawScatter } from "./chart-scatter.js";
import { drawRunning, drawTimeline } from "./chart-timeline.js";
import { jobsTable } from "./jobs-table.js";
import { findingsHtml, importanceHtml, stoppable, summaryHtml } from "./panels.js";
import { createSelection } from "./selection.js";

/**
 * Above this many jobs a hovered job is ringed in the table only (redrawing every chart per move costs too
 * much), and importance and the model view, each a GP fit that holds the server for seconds, wait to be asked.
 */
const LARGE = 2000;
/** How many suggestions the model view offers to pick from. */
const MODEL_CHOICES = 300;

const LAYOUT = `<div id="errors" class="error-banner" role="alert" hidden></div><div id="summary"></div>
<section class="findings"><h2>Findings</h2><div id="findings" data-test="findings"><p class="muted">…</p></div>
<h3>Hyperparameter importance</h3><div id="importance" data-test="importance"><p class="muted">…</p></div></section>
<h2>Charts</h2><div class="toolbar"><label><input type="checkbox" id="full-range" data-test="full-range"> full objective range</label>
<span class="muted">Drag a box in a scatter, or along a parallel axis, to select jobs; click a point to open its job.</span></div>
<div class="charts" id="charts"></div>
<h2>Learning curves</h2><div class="toolbar" id="curve-x"><label><input type="radio" name="curve-x" value="epoch" checked> by epoch</label>
<label><input type="radio" name="curve-x" value="time"> by time</label></div>
<div class="charts single" id="curves"></div><div id="verdicts" data-test="verdicts"></div>
<h2>What the model thought</h2><div class="toolbar"><label>at the suggestion of <select id="model-job" data-test="model-job"><option value="">the latest model suggestion</option></select></label></div>
<p id="model-note" data-test="model-note"></p><div class="charts" id="model" data-test="model"></div>
<h2>Training jobs</h2><div id="jobs"></div>`;

export async function tuningJobPage(app, name) {
  const path = `/api/tuning-jobs/${encodeURIComponent(name)}`;
  let described;
  try {
    described = await api(path);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      app.innerHTML = `<h1>${esc(name)}</h1><p class="error" data-test="not-found">No tuning job named “${esc(name)}” in this store. <a href="#/">All tuning jobs</a></p>`;
      return;
    }
    throw e;
  }
  app.innerHTML = `<h1>${esc(described.HyperParameterTuningJobName)}</h1>${LAYOUT}`;
  const selection = createSelection();
  const view = {
    set: undefined,
    selection,
    fullRange: false,
    xMode: "epoch",
    open: (job) => {
      location.hash = `#/training-jobs/${encodeURIComponent(job)}`;
    },
  };
  const table = jobsTable(document.getElementById("jobs"), selection);
  const state = { running: new Map(), best: undefined, createdAt: Date.parse(described.CreationTime), trials: -1 };
  let charts = [];
  let curves;
  let curvesChart;

  const drawCharts = () => {
    const container = document.getElementById("charts");
    const ids = new Set(view.set.charts.map((c) => c.id));
    for (const old of container.querySelectorAll("figure.chart")) if (!ids.has(old.dataset.chart)) old.remove();
    charts = view.set.charts.map((spec) => {
      if (spec.kind === "scatter") return drawScatter(container, spec, view);
      if (spec.kind === "parallel") return drawParallel(container, spec, view);
      if (spec.kind === "timeline") return drawTimeline(container, spec, view);
      return drawRunning(container, spec);
    });
  };
  const drawCurveChart = () => {
    if (!curves || !view.set) return;
    curvesChart = drawCurves(document.getElementById("curves"), curves, view);
    verdictList(document.getElementById("verdicts"), curves);
  };
  const updateTable = () =>
    view.set && table.update({ set: view.set, running: state.running, best: state.best, createdAt: state.createdAt });

  const summary = async () => {
    const d = described ?? (await api(path));
    described = undefined;
    document.getElementById("summary").innerHTML = summaryHtml(d);
    state.best = d.BestTrainingJob?.TrainingJobName;
    state.trials = d.TrainingJobStatusCounters.Completed + d.TrainingJobStatusCounters.Stopped;
    if (stoppable(d)) {
      confirmStop(document.getElementById("stop"), "Stop tuning job", `${path}/stop`, () => refresh());
    }
    updateTable();
  };
  const chartSet = async () => {
    view.set = await api(`${path}/charts`);
    drawCharts();
    drawCurveChart();
    updateTable();
  };
  /** The model view's choices, filled when the list is first opened (hundreds of options are text to lay out). */
  const fillChoices = () => {
    const select = document.getElementById("model-job");
    if (!view.set || select.options.length > 1) return;
    // The latest MODEL_CHOICES suggestions, and the best of all (a longer list is no use to pick from).
    const c = view.set.columns;
    const latest = c.name
      .map((_, row) => row)
      .reverse()
      .slice(0, MODEL_CHOICES);
    const best = c.name.indexOf(state.best);
    const rows = best >= 0 && !latest.includes(best) ? [best, ...latest] : latest;
    select.insertAdjacentHTML(
      "beforeend",
      rows
        .map((row) => `<option value="${esc(c.name[row])}">job ${c.trial[row]}: ${esc(c.name[row])}</option>`)
        .join(""),
    );
  };
  const running = async () => {
    const { RunningJobs } = await api(`${path}/running`);
    state.running = new Map(RunningJobs.map((r) => [r.TrainingJobName, r]));
    updateTable();
  };
  const learning = async () => {
    curves = await api(`${path}/learning-curves`);
    drawCurveChart();
  };
  const findings = async () => {
    document.getElementById("findings").innerHTML = findingsHtml(await api(`${path}/findings`));
  };
  const model = async () => {
    const job = document.getElementById("model-job").value;
    const result = await api(`${path}/model${job ? `?job=${encodeURIComponent(job)}` : ""}`);
    drawModel(
      document.getElementById("model-note"),
      document.getElementById("model"),
      result,
      view.set?.objective.MetricName ?? "objective",
      view.open,
    );
  };
  /** Importance and the model fit a GP each: asked for again only when a result has been added. */
  let measuredAt = -2;
  let asked = false;
  const measured = async () => {
    const jobs = view.set?.columns.name.length ?? 0;
    if (jobs > LARGE && !asked) {
      document.getElementById("importance").innerHTML =
        `<button data-test="measure">Measure importance and show the model (${jobs} jobs: a few seconds)</button>`;
      document
        .getElementById("importance")
        .querySelector("button")
        .addEventListener("click", () => {
          asked = true;
          document.getElementById("importance").innerHTML = '<p class="muted">measuring…</p>';
          settle([measured()]);
        });
      return;
    }
    if (measuredAt === state.trials) return;
    measuredAt = state.trials;
    const importance = api(`${path}/importance`).then(({ importance }) => {
      document.getElementById("importance").innerHTML = importanceHtml(importance);
    });
    await Promise.all([importance, model()]);
  };

  // Everything is asked for at once: the server answers in turn, the charts first (index.html asked for them
  // before this code loaded), and the page draws each answer while the server works on the next.
  const refresh = async () => {
    await settle([chartSet(), summary(), learning(), running(), findings()]);
    await settle([measured()]);
  };

  let pending = 0;
  onLeave(
    selection.listen((kind) => {
      if (kind === "hover" && (view.set?.columns.name.length ?? 0) > LARGE) return;
      // One redraw per frame, however many moves.
      if (pending) return;
      pending = requestAnimationFrame(() => {
        pending = 0;
        for (const chart of charts) chart.redraw(kind);
        curvesChart?.redraw(kind);
      });
    }),
  );
  document.getElementById("full-range").addEventListener("change", (e) => {
    view.fullRange = e.target.checked;
    drawCharts();
    drawCurveChart();
  });
  document.getElementById("curve-x").addEventListener("change", (e) => {
    view.xMode = e.target.value;
    drawCurveChart();
  });
  const choices = document.getElementById("model-job");
  for (const event of ["pointerdown", "focus", "keydown"]) choices.addEventListener(event, fillChoices);
  choices.addEventListener("change", () => settle([model()]));
  await follow(`tuningJob=${encodeURIComponent(name)}`, refresh);
}
