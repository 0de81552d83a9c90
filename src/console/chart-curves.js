// Learning curves: every job's objective metric against its epoch (its n-th value), or against seconds since
// it started, all on one chart with uPlot. A job stopped early ends in a cross, with the median rule's threshold
// marked where the rule judged it, and its tooltip gives the reason as the CLI printed it. Hovering names the
// job, clicking opens it, and the linked selection fades the others.

import { PointIndex, projector } from "./chart-canvas.js";
import {
  axisOptions,
  chartFrame,
  drawBand,
  drawLegend,
  esc,
  FADED,
  makePlot,
  paddedRange,
  robustGeometry,
  tooltip,
  uPlot,
  valueLine,
} from "./chart-common.js";
import { formatDuration, formatNumber } from "./format.js";

const THRESHOLD = "#111";
/** A curve's k-th point is item n·STRIDE + k of the hit-test index. */
const STRIDE = 100000;

function curveTooltip(curves, curve, k, xMode) {
  const lines = [
    `<b>${esc(curve.name)}</b> <span class="muted">#${curve.trial}</span>`,
    valueLine(xMode === "epoch" ? "epoch" : "after", xMode === "epoch" ? k + 1 : formatDuration(curve.seconds[k])),
    valueLine(curves.metric, curve.values[k]),
  ];
  if (curve.judged) {
    lines.push(`<div class="verdict">${esc(curve.judged.detail)}</div>`);
    if (curve.judged.threshold !== undefined)
      lines.push(valueLine("the median it was judged against", curve.judged.threshold));
  } else if (curve.reason) lines.push(`<div class="muted">${esc(curve.reason)}</div>`);
  return lines.join("");
}

/** `view`: { set, selection, fullRange, open(name), xMode: "epoch" | "time" }. */
export function drawCurves(container, curves, view) {
  const { set, selection } = view;
  const title = `${curves.metric} after each epoch, every job${curves.curves.length < curves.total ? ` (${curves.curves.length} of ${curves.total}: the best, the stopped and a sample)` : ""}`;
  const { figure, legend, plot } = chartFrame(container, "learning-curves", title);
  const rowOf = new Map(set.columns.name.map((name, row) => [name, row]));
  const xOf = (curve, k) => (view.xMode === "epoch" ? k + 1 : curve.seconds[k]);
  const robust = view.fullRange ? undefined : curves.robust;
  const all = curves.curves.flatMap((c) => c.values);
  const geometry = robust ? robustGeometry(robust, all) : undefined;
  const yOf = (v) => (geometry?.beyond(v) ? geometry.at : v);
  const xs = curves.curves.flatMap((c) => c.values.map((_, k) => xOf(c, k)));
  const thresholds = curves.curves.flatMap((c) => (c.judged?.threshold === undefined ? [] : [c.judged.threshold]));
  const xRange = paddedRange(xs, "linear");
  const yRange = geometry ? geometry.range : paddedRange([...all, ...thresholds], "linear");
  const index = new PointIndex();
  const hide = geometry ? (v) => (robust.side === "low" ? v < geometry.band[1] : v > geometry.band[0]) : undefined;

  const draw = (u) => {
    const started = performance.now();
    const ctx = u.ctx;
    const ratio = uPlot.pxRatio;
    const [X, Y] = [projector(u, "x"), projector(u, "y")];
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    if (geometry) drawBand(u, geometry, robust, "value");
    index.buckets.clear();
    index.positions.clear();
    const hovered = selection.hovered;
    for (const pass of ["faded", "shown", "hovered"]) {
      curves.curves.forEach((curve, n) => {
        const row = rowOf.get(curve.name);
        const shown = row === undefined || selection.shows(row);
        const state = row !== undefined && row === hovered ? "hovered" : shown ? "shown" : "faded";
        if (state !== pass) return;
        const colour = state === "faded" ? FADED : state === "hovered" ? "#111" : set.groups[curve.group].color;
        ctx.strokeStyle = colour;
        ctx.fillStyle = colour;
        ctx.lineWidth = (state === "hovered" ? 2.5 : 1.2) * ratio;
        ctx.beginPath();
        curve.values.forEach((v, k) => {
          const [cx, cy] = [X(xOf(curve, k)), Y(yOf(v))];
          if (k === 0) ctx.moveTo(cx, cy);
          else ctx.lineTo(cx, cy);
          index.add((cx - left) / ratio, (cy - top) / ratio, n * STRIDE + k);
        });
        ctx.stroke();
        if (curve.values.length === 1) {
          const [cx, cy] = [u.valToPos(xOf(curve, 0), "x", true), u.valToPos(yOf(curve.values[0]), "y", true)];
          ctx.fillRect(cx - 2 * ratio, cy - 2 * ratio, 4 * ratio, 4 * ratio);
        }
        if (curve.judged && state !== "faded") {
          const k = curve.judged.epoch - 1;
          const [cx, cy] = [u.valToPos(xOf(curve, k), "x", true), u.valToPos(yOf(curve.values[k]), "y", true)];
          const s = 4 * ratio;
          ctx.lineWidth = 1.5 * ratio;
          ctx.beginPath();
          ctx.moveTo(cx - s, cy - s);
          ctx.lineTo(cx + s, cy + s);
          ctx.moveTo(cx + s, cy - s);
          ctx.lineTo(cx - s, cy + s);
          ctx.stroke();
          if (curve.judged.threshold !== undefined) {
            const ty = u.valToPos(yOf(curve.judged.threshold), "y", true);
            ctx.strokeStyle = THRESHOLD;
            ctx.lineWidth = 2 * ratio;
            ctx.beginPath();
            ctx.moveTo(cx - 7 * ratio, ty);
            ctx.lineTo(cx + 7 * ratio, ty);
            ctx.stroke();
            ctx.setLineDash([2 * ratio, 2 * ratio]);
            ctx.lineWidth = ratio;
            ctx.beginPath();
            ctx.moveTo(cx, ty);
            ctx.lineTo(cx, cy);
            ctx.stroke();
            ctx.setLineDash([]);
          }
        }
      });
    }
    ctx.restore();
    figure.dataset.rendered = "true";
    // bench:console reports these.
    performance.measure("draw learning-curves", { start: started });
  };

  const u = makePlot(plot, {
    scales: { x: { time: false, range: () => xRange }, y: { range: () => yRange } },
    axes: [
      {
        ...axisOptions({ scale: "linear" }),
        label: view.xMode === "epoch" ? "epoch" : "seconds since the job started",
        labelSize: 20,
      },
      { ...axisOptions({ scale: "linear" }, { side: 3, hide }), label: curves.metric, labelSize: 20, size: 56 },
    ],
    series: [{}],
    cursor: { drag: { x: false, y: false }, points: { show: false }, x: false, y: false },
    hooks: { draw: [draw] },
  });
  const tip = tooltip(plot);
  u.over.addEventListener("pointermove", (e) => {
    const hit = index.nearest(e.offsetX, e.offsetY, 8);
    if (hit === undefined) {
      tip.hide();
      selection.hover(null);
      return;
    }
    const curve = curves.curves[Math.floor(hit / STRIDE)];
    tip.show(
      curveTooltip(curves, curve, hit % STRIDE, view.xMode),
      e.offsetX + u.bbox.left / uPlot.pxRatio,
      e.offsetY + u.bbox.top / uPlot.pxRatio,
    );
    selection.hover(rowOf.get(curve.name) ?? null);
  });
  u.over.addEventListener("pointerleave", () => {
    tip.hide();
    selection.hover(null);
  });
  u.over.addEventListener("click", (e) => {
    const hit = index.nearest(e.offsetX, e.offsetY, 8);
    if (hit !== undefined) view.open(curves.curves[Math.floor(hit / STRIDE)].name);
  });
  const groups = [...new Set(curves.curves.map((c) => c.group))].sort();
  drawLegend(legend, [
    ...groups.map((g) => ({ label: set.groups[g].label, color: set.groups[g].color })),
    ...(thresholds.length ? [{ label: "median it was judged against (×: where it stopped)", color: THRESHOLD }] : []),
  ]);
  figure.dataset.points = String(curves.curves.length);
  plot.chartView = {
    /** Where curve `name` has its k-th value (0-based), in the canvas's pixels. */
    canvasPosition(name, k) {
      const at = index.positions.get(curves.curves.findIndex((c) => c.name === name) * STRIDE + k);
      return at && [u.bbox.left + at[0] * uPlot.pxRatio, u.bbox.top + at[1] * uPlot.pxRatio];
    },
    cssPosition: (name, k) => index.positions.get(curves.curves.findIndex((c) => c.name === name) * STRIDE + k),
  };
  return { redraw: () => u.redraw(false, false) };
}

/** The early-stopped jobs and why, as a list under the chart (the first 50; the chart has every one). */
export function verdictList(element, curves) {
  const judged = curves.curves.filter((c) => c.judged);
  if (judged.length === 0) {
    element.innerHTML = curves.rule
      ? `<p class="muted">No job has been stopped early${curves.rule === "median" ? " by the median rule" : " at a Hyperband rung"}.</p>`
      : `<p class="muted">Early stopping is off for this tuning job.</p>`;
    return;
  }
  element.innerHTML = `<ul class="verdicts">${judged
    .slice(0, 50)
    .map(
      (c) =>
        `<li><a href="#/training-jobs/${encodeURIComponent(c.name)}">${esc(c.name)}</a>: ${esc(c.judged.detail)} (${esc(curves.metric)} ${esc(formatNumber(c.judged.value, 4))}${c.judged.threshold === undefined ? "" : `, median ${esc(formatNumber(c.judged.threshold, 4))}`})</li>`,
    )
    .join("")}</ul>${judged.length > 50 ? `<p class="muted">and ${judged.length - 50} more</p>` : ""}`;
}
