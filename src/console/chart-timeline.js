// Who ran when: a bar per job from its start to its end (or now), one row per job in trial order, coloured by
// its status group; above 2,000 jobs the server sends how many ran at each moment instead, drawn as a step
// line. Drawn with uPlot; hovering a bar names the job and clicking it opens the job.

import { projector } from "./chart-canvas.js";
import { axisOptions, chartFrame, drawLegend, FADED, makePlot, paddedRange, tooltip, uPlot } from "./chart-common.js";
import { jobTooltip } from "./job-tooltip.js";

const TIME = { scale: "linear" };

export function drawTimeline(container, spec, view) {
  const { set, selection } = view;
  const { figure, legend, plot } = chartFrame(container, spec.id, spec.title);
  const c = set.columns;
  const rows = c.name.map((_, row) => row);
  const ends = rows.map((row) => c.start[row] + c.duration[row] / 60);
  const xRange = paddedRange([...c.start, ...ends], "linear");
  const yRange = [0.5, Math.max(1.5, rows.length + 0.5)];
  /** Each drawn bar, in CSS pixels of the plot area: [row, x0, x1, y]. */
  let bars = [];

  const draw = (u) => {
    const started = performance.now();
    const ctx = u.ctx;
    const ratio = uPlot.pxRatio;
    const { left, top, width, height } = u.bbox;
    const thickness = Math.max(1, Math.min(12, (height / Math.max(1, rows.length)) * 0.7));
    const [X, Y] = [projector(u, "x"), projector(u, "y")];
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    bars = [];
    for (const row of rows) {
      const x0 = X(c.start[row]);
      const x1 = X(ends[row]);
      const y = Y(c.trial[row]);
      ctx.fillStyle = selection.shows(row) ? set.groups[c.group[row]].color : FADED;
      ctx.fillRect(x0, y - thickness / 2, Math.max(ratio, x1 - x0), thickness);
      if (row === selection.hovered) {
        ctx.strokeStyle = "#111";
        ctx.lineWidth = 1.5 * ratio;
        ctx.strokeRect(x0, y - thickness / 2, Math.max(ratio, x1 - x0), thickness);
      }
      bars.push([row, (x0 - left) / ratio, (x1 - left) / ratio, (y - top) / ratio]);
    }
    ctx.restore();
    figure.dataset.rendered = "true";
    // bench:console reports these.
    performance.measure(`draw ${spec.id}`, { start: started });
  };

  const u = makePlot(plot, {
    scales: { x: { time: false, range: () => xRange }, y: { range: () => yRange, dir: -1 } },
    axes: [
      { ...axisOptions(TIME), label: "minutes since the tuning job started", labelSize: 20 },
      {
        ...axisOptions(TIME, { side: 3 }),
        label: "job",
        labelSize: 20,
        size: 48,
        splits: (_u, _i, min, max) => {
          const step = Math.max(1, Math.ceil((max - min) / 8));
          const ticks = [];
          for (let v = Math.max(1, Math.ceil(min)); v <= max; v += step) ticks.push(v);
          return ticks;
        },
        values: (_u, splits) => splits.map(String),
      },
    ],
    series: [{}],
    cursor: { drag: { x: false, y: false }, points: { show: false }, x: false, y: false },
    hooks: { draw: [draw] },
  });

  const tip = tooltip(plot);
  const barAt = (x, y) => {
    let best;
    let bestD = 6;
    for (const [row, x0, x1, by] of bars) {
      if (x < x0 - 3 || x > x1 + 3) continue;
      const d = Math.abs(y - by);
      if (d < bestD) [best, bestD] = [row, d];
    }
    return best;
  };
  u.over.addEventListener("pointermove", (e) => {
    const row = barAt(e.offsetX, e.offsetY);
    if (row === undefined) {
      tip.hide();
      selection.hover(null);
      return;
    }
    tip.show(jobTooltip(set, row), e.offsetX + u.bbox.left / uPlot.pxRatio, e.offsetY + u.bbox.top / uPlot.pxRatio);
    selection.hover(row);
  });
  u.over.addEventListener("pointerleave", () => {
    tip.hide();
    selection.hover(null);
  });
  u.over.addEventListener("click", (e) => {
    const row = barAt(e.offsetX, e.offsetY);
    if (row !== undefined) view.open(c.name[row]);
  });

  const present = [...new Set(c.group)].sort();
  drawLegend(
    legend,
    present.map((g) => ({ label: set.groups[g].label, color: set.groups[g].color })),
  );
  figure.dataset.points = String(rows.length);
  plot.chartView = {
    rows,
    canvasPosition(row) {
      const bar = bars.find((b) => b[0] === row);
      return bar && [u.bbox.left + ((bar[1] + bar[2]) / 2) * uPlot.pxRatio, u.bbox.top + bar[3] * uPlot.pxRatio];
    },
    cssPosition(row) {
      const bar = bars.find((b) => b[0] === row);
      return bar && [(bar[1] + bar[2]) / 2, bar[3]];
    },
  };
  return { redraw: () => u.redraw(false, false) };
}

/** Above 2,000 jobs: how many ran at each moment, as a step line (the server aggregates it). */
export function drawRunning(container, spec) {
  const { figure, legend, plot } = chartFrame(container, spec.id, spec.title);
  const xs = spec.points.map((p) => p[0]);
  const ys = spec.points.map((p) => p[1]);
  const u = makePlot(plot, {
    scales: {
      x: { time: false, range: () => paddedRange(xs, "linear") },
      y: { range: () => [0, Math.max(1, ...ys) * 1.08] },
    },
    axes: [
      { ...axisOptions(TIME), label: "minutes since the tuning job started", labelSize: 20 },
      { ...axisOptions(TIME, { side: 3 }), label: "jobs running", labelSize: 20, size: 48 },
    ],
    series: [{}],
    cursor: { drag: { x: false, y: false }, points: { show: false }, x: false, y: false },
    hooks: {
      draw: [
        (u) => {
          const started = performance.now();
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = "#2f6fb0";
          ctx.lineWidth = 1.5 * uPlot.pxRatio;
          ctx.beginPath();
          spec.points.forEach(([x, y], i) => {
            const [cx, cy] = [u.valToPos(x, "x", true), u.valToPos(y, "y", true)];
            if (i === 0) ctx.moveTo(cx, cy);
            else {
              ctx.lineTo(cx, u.valToPos(spec.points[i - 1][1], "y", true));
              ctx.lineTo(cx, cy);
            }
          });
          ctx.stroke();
          ctx.restore();
          figure.dataset.rendered = "true";
          performance.measure(`draw ${spec.id}`, { start: started });
        },
      ],
    },
  });
  drawLegend(legend, [{ label: "jobs running", color: "#2f6fb0" }]);
  figure.dataset.points = String(spec.points.length);
  return { redraw: () => u.redraw(false, false) };
}
