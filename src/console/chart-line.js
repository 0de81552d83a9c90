// One metric of a training job over time (TrainingJobAnalytics rows: seconds since its first value), with uPlot:
// a line through every value and a marker on each, the hovered value in a tooltip.

import { PointIndex } from "./chart-canvas.js";
import {
  axisOptions,
  chartFrame,
  drawLegend,
  makePlot,
  paddedRange,
  tooltip,
  uPlot,
  valueLine,
} from "./chart-common.js";
import { formatDuration } from "./format.js";

const COLOUR = "#2f6fb0";

export function drawMetric(container, metric, points) {
  const { figure, legend, plot } = chartFrame(container, `metric-${metric}`, metric);
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const xRange = paddedRange(xs, "linear");
  const yRange = paddedRange(ys, "linear");
  const index = new PointIndex();
  const draw = (u) => {
    const ctx = u.ctx;
    const r = uPlot.pxRatio;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.strokeStyle = COLOUR;
    ctx.fillStyle = COLOUR;
    ctx.lineWidth = 1.5 * r;
    ctx.beginPath();
    index.buckets.clear();
    index.positions.clear();
    points.forEach(([x, y], k) => {
      const [cx, cy] = [u.valToPos(x, "x", true), u.valToPos(y, "y", true)];
      if (k === 0) ctx.moveTo(cx, cy);
      else ctx.lineTo(cx, cy);
      index.add((cx - left) / r, (cy - top) / r, k);
    });
    ctx.stroke();
    if (points.length <= 200) {
      for (const [x, y] of points) {
        ctx.beginPath();
        ctx.arc(u.valToPos(x, "x", true), u.valToPos(y, "y", true), 2.5 * r, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    ctx.restore();
    figure.dataset.rendered = "true";
  };
  const u = makePlot(plot, {
    scales: { x: { time: false, range: () => xRange }, y: { range: () => yRange } },
    axes: [
      { ...axisOptions({ scale: "linear" }), label: "seconds since its first value", labelSize: 20 },
      { ...axisOptions({ scale: "linear" }, { side: 3 }), size: 56 },
    ],
    series: [{}],
    cursor: { drag: { x: false, y: false }, points: { show: false }, x: false, y: false },
    hooks: { draw: [draw] },
  });
  const tip = tooltip(plot);
  u.over.addEventListener("pointermove", (e) => {
    const k = index.nearest(e.offsetX, e.offsetY, 10);
    if (k === undefined) return tip.hide();
    tip.show(
      `${valueLine(metric, points[k][1])}${valueLine("after", formatDuration(points[k][0]))}${valueLine("value", `${k + 1} of ${points.length}`)}`,
      e.offsetX + u.bbox.left / uPlot.pxRatio,
      e.offsetY + u.bbox.top / uPlot.pxRatio,
    );
  });
  u.over.addEventListener("pointerleave", () => tip.hide());
  drawLegend(legend, [{ label: `${points.length} values`, color: COLOUR }]);
  figure.dataset.points = String(points.length);
}
