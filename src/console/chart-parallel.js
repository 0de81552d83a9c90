// Parallel coordinates: a line per job through each hyperparameter's axis and the objective's, coloured by the
// objective (worst red to best blue). Drawn by hand on a canvas: uPlot (like most fast canvas libraries) has
// one x scale per chart and no parallel axes, so this chart alone has its own small renderer. Dragging along
// an axis brushes a range of it; the jobs inside every brush are selected in all the views.

import {
  axisValue,
  BAND_FILL,
  chartFrame,
  drawLegend,
  esc,
  FADED,
  niceTicks,
  PLOT_HEIGHT,
  paddedRange,
  robustGeometry,
  tooltip,
} from "./chart-common.js";
import { formatNumber, formatPowerOfTen, formatTicks } from "./format.js";
import { jobTooltip } from "./job-tooltip.js";

const MARGIN = { left: 36, right: 48, top: 26, bottom: 16 };
/** The objective's colour ramp, worst to best. */
const RAMP = [
  [215, 48, 31],
  [252, 141, 89],
  [230, 200, 120],
  [145, 191, 219],
  [44, 123, 182],
];

function rampColour(t) {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const c = RAMP[i].map((a, k) => Math.round(a + (RAMP[i + 1][k] - a) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** An axis's mapping from a value to [0, 1] (bottom to top) and its labelled ticks. */
function axisScale(spec, values, geometry) {
  if (spec.scale === "category") {
    const n = Math.max(1, spec.categories?.length ?? 1);
    return {
      at: (v) => (v + 0.5) / n,
      ticks: (spec.categories ?? []).map((c, i) => ({ at: (i + 0.5) / n, label: c })),
    };
  }
  const [lo, hi] = geometry ? geometry.range : paddedRange(values, spec.scale);
  if (spec.scale === "log") {
    const [a, b] = [Math.log10(lo), Math.log10(hi)];
    const ticks = [];
    for (let p = Math.ceil(a); p <= Math.floor(b); p++)
      ticks.push({ at: (p - a) / (b - a), label: formatPowerOfTen(p) });
    return { at: (v) => (Math.log10(v) - a) / (b - a), ticks };
  }
  const { ticks, step } = niceTicks(lo, hi, 4);
  const labels = formatTicks(ticks, step);
  const hidden = (v) => geometry && (geometry.beyond(v) || (v >= geometry.band[0] && v <= geometry.band[1]));
  return {
    at: (v) => (v - lo) / (hi - lo),
    ticks: ticks.flatMap((v, i) => (hidden(v) ? [] : [{ at: (v - lo) / (hi - lo), label: labels[i] }])),
  };
}

export function drawParallel(container, spec, view) {
  const { set, selection } = view;
  const { figure, legend, plot } = chartFrame(container, spec.id, spec.title);
  const c = set.columns;
  const rows = spec.rows ?? c.objective.flatMap((v, row) => (v === null ? [] : [row]));
  const objectiveSpec = spec.axes[spec.axes.length - 1];
  const robust = view.fullRange ? undefined : objectiveSpec.robust;
  const objectives = rows.map((row) => c.objective[row]);
  const geometry = robust ? robustGeometry(robust, objectives) : undefined;
  // Each axis's value per drawn row, clipped objective values moved into the band.
  const values = spec.axes.map((axis, d) =>
    rows.map((row) => {
      const v = axisValue(axis, c[axis.column], row);
      return d === spec.axes.length - 1 && geometry && v !== null && geometry.beyond(v) ? geometry.at : v;
    }),
  );
  const scales = spec.axes.map((axis, d) =>
    axisScale(axis, values[d], d === spec.axes.length - 1 ? geometry : undefined),
  );
  // The colours span the values on the axis's kept range: a diverged job takes the worst colour, not the range.
  const coloured = geometry ? objectives.filter((v) => !geometry.beyond(v)) : objectives;
  const [omin, omax] = [Math.min(...coloured), Math.max(...coloured)];
  const better = (v) =>
    set.objective.Type === "Maximize" ? (v - omin) / (omax - omin || 1) : (omax - v) / (omax - omin || 1);
  /** Brushes: axis index → [from, to] in [0, 1] of the axis. */
  const brushes = new Map();

  let canvas = plot.querySelector("canvas");
  if (!canvas) {
    canvas = document.createElement("canvas");
    canvas.className = "parallel";
    plot.appendChild(canvas);
  }
  const geometryOf = () => {
    const width = Math.max(200, plot.clientWidth);
    const step = (width - MARGIN.left - MARGIN.right) / Math.max(1, spec.axes.length - 1);
    const bottom = PLOT_HEIGHT - MARGIN.bottom;
    return { width, step, bottom, span: bottom - MARGIN.top };
  };
  const point = (g, d, i) => [MARGIN.left + d * g.step, g.bottom - scales[d].at(values[d][i]) * g.span];

  const draw = () => {
    const started = performance.now();
    const g = geometryOf();
    plot.drawnWidth = g.width;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(g.width * ratio);
    canvas.height = Math.round(PLOT_HEIGHT * ratio);
    canvas.style.width = `${g.width}px`;
    canvas.style.height = `${PLOT_HEIGHT}px`;
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, g.width, PLOT_HEIGHT);
    if (geometry) {
      const d = spec.axes.length - 1;
      const [y0, y1] = geometry.band.map((v) => g.bottom - scales[d].at(v) * g.span);
      ctx.fillStyle = BAND_FILL;
      ctx.fillRect(MARGIN.left + d * g.step - 14, Math.min(y0, y1), 28, Math.abs(y1 - y0));
    }
    // Unselected lines first and faint, then the selected ones from worst to best, so the best are on top.
    const order = rows.map((_, i) => i).sort((a, b) => better(objectives[a]) - better(objectives[b]));
    ctx.lineWidth = 1;
    for (const pass of [false, true]) {
      for (const i of order) {
        if (selection.shows(rows[i]) !== pass) continue;
        ctx.strokeStyle = pass ? rampColour(better(objectives[i])) : FADED;
        ctx.globalAlpha = pass ? 0.8 : 1;
        ctx.beginPath();
        let drawing = false;
        for (let d = 0; d < spec.axes.length; d++) {
          if (values[d][i] === null) {
            drawing = false;
            continue;
          }
          const [x, y] = point(g, d, i);
          if (drawing) ctx.lineTo(x, y);
          else ctx.moveTo(x, y);
          drawing = true;
        }
        ctx.stroke();
      }
    }
    ctx.globalAlpha = 1;
    const hovered = rows.indexOf(selection.hovered);
    if (hovered >= 0) {
      ctx.strokeStyle = "#111";
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      spec.axes.forEach((_, d) => {
        const [x, y] = point(g, d, hovered);
        if (d === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      });
      ctx.stroke();
    }
    ctx.font = "12px system-ui, sans-serif";
    spec.axes.forEach((axis, d) => {
      const x = MARGIN.left + d * g.step;
      ctx.strokeStyle = "#999";
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x + 0.5, MARGIN.top);
      ctx.lineTo(x + 0.5, g.bottom);
      ctx.stroke();
      const brush = brushes.get(d);
      if (brush) {
        ctx.fillStyle = "rgba(47,111,176,0.18)";
        ctx.fillRect(x - 8, g.bottom - brush[1] * g.span, 16, (brush[1] - brush[0]) * g.span);
      }
      ctx.fillStyle = "#333";
      ctx.textAlign = d === 0 ? "left" : d === spec.axes.length - 1 ? "right" : "center";
      ctx.textBaseline = "bottom";
      ctx.fillText(axis.name, d === 0 ? x - 8 : x, MARGIN.top - 8);
      ctx.fillStyle = "#555";
      ctx.textAlign = "left";
      ctx.textBaseline = "middle";
      for (const tick of scales[d].ticks) ctx.fillText(tick.label, x + 4, g.bottom - tick.at * g.span);
    });
    figure.dataset.rendered = "true";
    // bench:console reports these.
    performance.measure(`draw ${spec.id}`, { start: started });
  };

  const tip = tooltip(plot);
  const axisAt = (x, g) => Math.round((x - MARGIN.left) / g.step);
  /** The drawn line nearest (x, y) within 6 px, between the two axes around x. */
  const lineAt = (x, y) => {
    const g = geometryOf();
    const d = Math.min(spec.axes.length - 2, Math.max(0, Math.floor((x - MARGIN.left) / g.step)));
    let best;
    let bestD = 6;
    rows.forEach((row, i) => {
      if (values[d][i] === null || values[d + 1][i] === null) return;
      const [x0, y0] = point(g, d, i);
      const [x1, y1] = point(g, d + 1, i);
      const t = Math.min(1, Math.max(0, (x - x0) / (x1 - x0)));
      const distance = Math.abs(y - (y0 + (y1 - y0) * t));
      if (distance < bestD) [best, bestD] = [row, distance];
    });
    return best;
  };
  let brushing;
  canvas.onpointerdown = (e) => {
    const g = geometryOf();
    const d = axisAt(e.offsetX, g);
    if (d < 0 || d >= spec.axes.length || Math.abs(e.offsetX - (MARGIN.left + d * g.step)) > 14) return;
    brushing = { d, from: (g.bottom - e.offsetY) / g.span, moved: false };
    canvas.setPointerCapture?.(e.pointerId);
  };
  canvas.onpointermove = (e) => {
    if (brushing) {
      const g = geometryOf();
      const to = (g.bottom - e.offsetY) / g.span;
      brushing.moved = true;
      brushes.set(brushing.d, [Math.max(0, Math.min(brushing.from, to)), Math.min(1, Math.max(brushing.from, to))]);
      draw();
      return;
    }
    const row = lineAt(e.offsetX, e.offsetY);
    if (row === undefined) {
      tip.hide();
      selection.hover(null);
      return;
    }
    tip.show(jobTooltip(set, row), e.offsetX, e.offsetY);
    selection.hover(row);
  };
  canvas.onpointerup = () => {
    if (!brushing) return;
    if (!brushing.moved) brushes.delete(brushing.d);
    brushing = undefined;
    if (brushes.size === 0) return selection.clear();
    const picked = rows.filter((_, i) =>
      [...brushes].every(([d, [from, to]]) => {
        const v = values[d][i];
        const at = v === null ? Number.NaN : scales[d].at(v);
        return at >= from && at <= to;
      }),
    );
    selection.select(picked, spec.id);
  };
  canvas.onpointerleave = () => {
    tip.hide();
    selection.hover(null);
  };
  canvas.onclick = (e) => {
    const row = lineAt(e.offsetX, e.offsetY);
    if (row !== undefined && !brushes.size) view.open(c.name[row]);
  };

  drawLegend(legend, [
    {
      label: `${geometry ? "at or beyond " : "worst "}${esc(formatNumber(set.objective.Type === "Maximize" ? omin : omax, 4))}`,
      color: rampColour(0),
    },
    { label: `best ${esc(formatNumber(set.objective.Type === "Maximize" ? omax : omin, 4))}`, color: rampColour(1) },
    { label: "drag along an axis to select", color: "transparent" },
  ]);
  figure.dataset.points = String(rows.length);
  plot.chartView = {
    rows,
    /** Where a row's line crosses axis d, in the canvas's pixels. */
    canvasPosition(row, d = spec.axes.length - 1) {
      const i = rows.indexOf(row);
      if (i < 0 || values[d][i] === null) return undefined;
      const ratio = window.devicePixelRatio || 1;
      return point(geometryOf(), d, i).map((v) => v * ratio);
    },
    axisX: (d) => MARGIN.left + d * geometryOf().step,
    axisSpan: () => {
      const g = geometryOf();
      return [MARGIN.top, g.bottom];
    },
  };
  draw();
  if (!plot.resizing) {
    // Observing reports the current size at once: redraw only when the width has changed since the last draw.
    plot.resizing = new ResizeObserver(() => {
      if (Math.max(200, plot.clientWidth) !== plot.drawnWidth) plot.redrawParallel?.();
    });
    plot.resizing.observe(plot);
  }
  plot.redrawParallel = draw;
  return {
    redraw(kind) {
      if (kind === "select" && selection.source !== spec.id) brushes.clear();
      draw();
    },
  };
}
