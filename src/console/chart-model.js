// What the model thought when it suggested a job (GET /api/tuning-jobs/NAME/model): for each of the one or two
// hyperparameters that mattered most then, the GP's posterior mean with a band of ±2 standard deviations, the
// acquisition (log expected improvement, dashed, right axis) along the range through the suggestion, the jobs it
// had seen, the jobs running then (ticks at the bottom) and the suggestion (a vertical line). Drawn with uPlot.

import { PointIndex } from "./chart-canvas.js";
import {
  axisOptions,
  chartFrame,
  drawLegend,
  esc,
  jitter,
  makePlot,
  paddedRange,
  tooltip,
  uPlot,
  valueLine,
} from "./chart-common.js";
import { formatNumber } from "./format.js";

const MEAN = "#2f6fb0";
const BAND = "rgba(47,111,176,0.16)";
const ACQUISITION = "#d9822b";
const SUGGESTION = "#2a9d55";
const OBSERVED = "#333";

function sliceChart(container, view, slice, metric, open) {
  const id = `model-${slice.name}`;
  const { figure, legend, plot } = chartFrame(container, id, `${metric} and the acquisition along ${slice.name}`);
  const category = slice.scale === "category";
  const xOf = (v) => (category ? slice.values.indexOf(v) : v);
  const xs = slice.values.map(xOf);
  const observed = view.points
    .map((p, i) => ({ ...p, i, x: p.hyperparameters[slice.name] }))
    .filter((p) => p.x !== undefined)
    .map((p) => ({ ...p, x: category ? xOf(String(p.x)) + jitter(p.i) : p.x }));
  const band = [...slice.lower, ...slice.upper];
  const [lo, hi] = [Math.min(...band, ...slice.mean), Math.max(...band, ...slice.mean)];
  const span = hi - lo || 1;
  const inView = observed.map((p) => p.objective).filter((v) => v >= lo - span && v <= hi + span);
  const yRange = paddedRange([lo, hi, ...inView], "linear");
  const clamp = (v) => Math.min(yRange[1], Math.max(yRange[0], v));
  const finite = slice.logEi.filter(Number.isFinite);
  const aRange = paddedRange([...finite, slice.suggestedLogEi], "linear");
  const xRange = category ? [-0.6, slice.values.length - 0.4] : paddedRange(xs, slice.scale);
  const suggestedX = category ? xOf(String(slice.suggested)) : slice.suggested;
  const index = new PointIndex();

  const draw = (u) => {
    const ctx = u.ctx;
    const r = uPlot.pxRatio;
    const { left, top, width, height } = u.bbox;
    const X = (v) => u.valToPos(v, "x", true);
    const Y = (v) => u.valToPos(clamp(v), "y", true);
    const A = (v) => u.valToPos(v, "a", true);
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.lineWidth = 2 * r;
    if (category) {
      xs.forEach((x, k) => {
        ctx.fillStyle = BAND;
        ctx.fillRect(X(x) - 10 * r, Y(slice.upper[k]), 20 * r, Y(slice.lower[k]) - Y(slice.upper[k]));
        ctx.fillStyle = MEAN;
        ctx.fillRect(X(x) - 10 * r, Y(slice.mean[k]) - r, 20 * r, 2 * r);
      });
    } else {
      ctx.fillStyle = BAND;
      ctx.beginPath();
      ctx.moveTo(X(xs[0]), Y(slice.upper[0]));
      for (let k = 1; k < xs.length; k++) ctx.lineTo(X(xs[k]), Y(slice.upper[k]));
      for (let k = xs.length - 1; k >= 0; k--) ctx.lineTo(X(xs[k]), Y(slice.lower[k]));
      ctx.fill();
      ctx.strokeStyle = MEAN;
      ctx.beginPath();
      ctx.moveTo(X(xs[0]), Y(slice.mean[0]));
      for (let k = 1; k < xs.length; k++) ctx.lineTo(X(xs[k]), Y(slice.mean[k]));
      ctx.stroke();
    }
    ctx.strokeStyle = ACQUISITION;
    ctx.setLineDash([5 * r, 3 * r]);
    ctx.beginPath();
    let started = false;
    xs.forEach((x, k) => {
      const a = slice.logEi[k];
      if (!Number.isFinite(a)) {
        started = false;
        return;
      }
      if (started) ctx.lineTo(X(x), A(a));
      else ctx.moveTo(X(x), A(a));
      started = true;
    });
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeStyle = SUGGESTION;
    ctx.lineWidth = 1.5 * r;
    ctx.beginPath();
    ctx.moveTo(X(suggestedX), top);
    ctx.lineTo(X(suggestedX), top + height);
    ctx.stroke();
    ctx.fillStyle = OBSERVED;
    index.buckets.clear();
    index.positions.clear();
    for (const p of observed) {
      const [cx, cy] = [X(p.x), Y(p.objective)];
      ctx.beginPath();
      ctx.arc(cx, cy, 3.5 * r, 0, 2 * Math.PI);
      ctx.fill();
      index.add((cx - left) / r, (cy - top) / r, p.i);
    }
    ctx.strokeStyle = "#7a7a7a";
    ctx.lineWidth = 2 * r;
    for (const job of view.running) {
      const v = job.hyperparameters[slice.name];
      if (v === undefined) continue;
      const cx = X(category ? xOf(String(v)) : v);
      ctx.beginPath();
      ctx.moveTo(cx, top + height);
      ctx.lineTo(cx, top + height - 10 * r);
      ctx.stroke();
    }
    ctx.restore();
    figure.dataset.rendered = "true";
  };

  const xAxis = { scale: slice.scale, categories: category ? slice.values : undefined };
  const u = makePlot(plot, {
    scales: {
      x: { time: false, range: () => xRange, ...(slice.scale === "log" ? { distr: 3, log: 10 } : {}) },
      y: { range: () => yRange },
      a: { range: () => aRange },
    },
    axes: [
      { ...axisOptions(xAxis), label: slice.name, labelSize: 20 },
      { ...axisOptions({ scale: "linear" }, { side: 3 }), label: metric, labelSize: 20, size: 56 },
      {
        ...axisOptions({ scale: "linear" }, { side: 1 }),
        scale: "a",
        grid: { show: false },
        label: "log EI",
        labelSize: 20,
        size: 48,
        stroke: ACQUISITION,
      },
    ],
    series: [{}],
    cursor: { drag: { x: false, y: false }, points: { show: false }, x: false, y: false },
    hooks: { draw: [draw] },
  });
  const tip = tooltip(plot);
  u.over.addEventListener("pointermove", (e) => {
    const i = index.nearest(e.offsetX, e.offsetY, 8);
    if (i === undefined) return tip.hide();
    const p = view.points[i];
    tip.show(
      `<b>${esc(p.name)}</b>${valueLine(metric, p.objective)}${Object.entries(p.hyperparameters)
        .map(([k, v]) => valueLine(k, v))
        .join("")}`,
      e.offsetX + u.bbox.left / uPlot.pxRatio,
      e.offsetY + u.bbox.top / uPlot.pxRatio,
    );
  });
  u.over.addEventListener("pointerleave", () => tip.hide());
  u.over.addEventListener("click", (e) => {
    const i = index.nearest(e.offsetX, e.offsetY, 8);
    if (i !== undefined && view.points[i].name !== "warm start") open(view.points[i].name);
  });
  drawLegend(legend, [
    { label: "posterior mean", color: MEAN },
    { label: "±2 standard deviations", color: BAND },
    { label: "acquisition (log EI)", color: ACQUISITION },
    { label: `suggested ${formatNumber(slice.suggested, 4)}`, color: SUGGESTION },
    { label: "jobs it had seen", color: OBSERVED },
    ...(view.running.length ? [{ label: "running then", color: "#7a7a7a" }] : []),
  ]);
  figure.dataset.points = String(observed.length);
  return figure;
}

/** The model view of one suggestion: a sentence saying what it is, and a chart per slice. */
export function drawModel(note, container, view, metric, open) {
  for (const old of container.querySelectorAll("figure.chart")) old.remove();
  if (!view.available) {
    note.textContent = view.reason;
    return;
  }
  const conditioned =
    view.conditioned < view.observed ? ` (conditioned on ${view.conditioned} of them, the best half and a sample)` : "";
  note.innerHTML = `Job ${view.trial}, <a href="#/training-jobs/${encodeURIComponent(view.job)}">${esc(view.job)}</a>, was suggested from ${view.observed} results${conditioned}${view.inherited ? `, ${view.inherited} of them from the parents of a warm start` : ""}, with ${view.pending} ${view.pending === 1 ? "job" : "jobs"} running. Each chart holds the other hyperparameters at their suggested values; the dots are the jobs it had seen, whose other values differ.`;
  for (const slice of view.slices) sliceChart(container, view, slice, metric, open);
}
