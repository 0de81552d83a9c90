// A scatter of the tuning job's jobs (objective or a hyperparameter against time, the objective against a
// hyperparameter), drawn with uPlot: every job with both values is a point coloured by its status group, the
// warm start's parents' jobs hollow, the best so far as a step line, far-out objective values in the robust
// band. Hovering names the job, clicking opens it, dragging a box selects its jobs in every view.

import {
  axisOptions,
  axisValue,
  chartFrame,
  drawBand,
  drawLegend,
  esc,
  FADED,
  jitter,
  makePlot,
  markerRadius,
  PointIndex,
  paddedRange,
  robustGeometry,
  tooltip,
  uPlot,
  valueLine,
} from "./chart-common.js";
import { formatDuration } from "./format.js";

const PARENT = "#9a9a9a";
const BEST = "#2a9d55";

/** The HTML of a job's tooltip: its name, status, objective, hyperparameters and duration. */
export function jobTooltip(set, row) {
  const c = set.columns;
  const group = set.groups[c.group[row]];
  const lines = [
    `<b>${esc(c.name[row])}</b> <span class="muted">#${c.trial[row]}</span>`,
    `<div><i class="swatch" style="background:${group.color}"></i>${esc(c.reason[row] ?? group.label)}</div>`,
    valueLine(set.objective.MetricName, c.objective[row] ?? "none"),
  ];
  for (const key of Object.keys(c)) if (key.startsWith("hp:")) lines.push(valueLine(key.slice(3), c[key][row]));
  lines.push(valueLine(c.end[row] === null ? "running for" : "took", formatDuration(c.duration[row])));
  return lines.join("");
}

function parentTooltip(set, row) {
  const c = set.parents.columns;
  const lines = [
    `<b>${esc(c.name[row])}</b>`,
    `<div class="muted">parent tuning job ${esc(set.parents.names[c.source[row]])}</div>`,
    valueLine(set.objective.MetricName, c.objective[row]),
  ];
  for (const key of Object.keys(c)) if (key.startsWith("hp:")) lines.push(valueLine(key.slice(3), c[key][row]));
  return lines.join("");
}

/** The points of a spec: each row's position in data units, clipped objective values moved into the band. */
function pointsOf(spec, columns, geometry) {
  const xs = columns[spec.x.column];
  const ys = columns[spec.y.column];
  const rows = [];
  const x = [];
  const y = [];
  const clipped = [];
  for (let row = 0; row < (columns.name?.length ?? 0); row++) {
    let a = axisValue(spec.x, xs, row);
    const b = axisValue(spec.y, ys, row);
    if (a === null || b === null) continue;
    if (spec.x.scale === "category") a += jitter(row);
    const beyond = geometry?.beyond(b) ?? false;
    rows.push(row);
    x.push(a);
    y.push(beyond ? geometry.at : b);
    clipped.push(beyond);
  }
  return { rows, x, y, clipped };
}

/**
 * Draws one scatter spec into `container` (its frame is reused on redraws). `view`: { set, selection,
 * fullRange, open(name) }. The figure gets data-points (how many jobs it draws) and data-rendered once drawn.
 */
export function drawScatter(container, spec, view) {
  const { set, selection } = view;
  const { figure, legend, plot } = chartFrame(container, spec.id, spec.title);
  const robust = view.fullRange ? undefined : spec.y.robust;
  const objective = set.columns.objective.filter((v) => v !== null);
  const geometry = robust ? robustGeometry(robust, objective) : undefined;
  const own = pointsOf(spec, set.columns, geometry);
  const parents = spec.withParents && set.parents ? pointsOf(spec, set.parents.columns, geometry) : undefined;
  const allX = [...own.x, ...(parents?.x ?? []), ...(spec.bestSoFar ?? []).map((p) => p[0])];
  const allY = [...own.y, ...(parents?.y ?? []), ...(spec.bestSoFar ?? []).map((p) => p[1])];
  const xRange =
    spec.x.scale === "category" ? [-0.6, (spec.x.categories?.length ?? 1) - 0.4] : paddedRange(allX, spec.x.scale);
  const yRange =
    spec.y.scale === "category"
      ? [-0.6, (spec.y.categories?.length ?? 1) - 0.4]
      : geometry
        ? geometry.range
        : paddedRange(allY, spec.y.scale);
  const radius = markerRadius(own.rows.length);
  const index = new PointIndex();
  const groupColor = set.groups.map((g) => g.color);
  const hide = geometry ? (v) => (robust.side === "low" ? v < geometry.band[1] : v > geometry.band[0]) : undefined;

  const draw = (u) => {
    const ctx = u.ctx;
    const r = radius * uPlot.pxRatio;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    if (geometry) drawBand(u, geometry, robust);
    index.buckets.clear();
    index.positions.clear();
    // Faded (unselected) points first, then each group, so selected and rarer groups are on top.
    const paths = new Map();
    const path = (colour) => {
      if (!paths.has(colour)) paths.set(colour, new Path2D());
      return paths.get(colour);
    };
    own.rows.forEach((row, i) => {
      const cx = u.valToPos(own.x[i], "x", true);
      const cy = u.valToPos(own.y[i], "y", true);
      index.add(cx / uPlot.pxRatio - left / uPlot.pxRatio, cy / uPlot.pxRatio - top / uPlot.pxRatio, row);
      const p = path(selection.shows(row) ? groupColor[set.columns.group[row]] : FADED);
      if (own.clipped[i]) {
        p.moveTo(cx - r, cy - r);
        p.lineTo(cx + r, cy - r);
        p.lineTo(cx, cy + r);
        p.closePath();
      } else {
        p.moveTo(cx + r, cy);
        p.arc(cx, cy, r, 0, 2 * Math.PI);
      }
    });
    const order = [FADED, ...groupColor];
    for (const colour of order) {
      if (!paths.has(colour)) continue;
      ctx.fillStyle = colour;
      ctx.fill(paths.get(colour));
    }
    if (parents) {
      ctx.strokeStyle = PARENT;
      ctx.lineWidth = 1.5 * uPlot.pxRatio;
      const p = new Path2D();
      parents.rows.forEach((row, i) => {
        const cx = u.valToPos(parents.x[i], "x", true);
        const cy = u.valToPos(parents.y[i], "y", true);
        index.add(cx / uPlot.pxRatio - left / uPlot.pxRatio, cy / uPlot.pxRatio - top / uPlot.pxRatio, -1 - row);
        p.moveTo(cx + r, cy);
        p.arc(cx, cy, r, 0, 2 * Math.PI);
      });
      ctx.stroke(p);
    }
    if (spec.bestSoFar?.length) {
      ctx.strokeStyle = BEST;
      ctx.lineWidth = 1.5 * uPlot.pxRatio;
      ctx.beginPath();
      spec.bestSoFar.forEach(([bx, by], i) => {
        const [cx, cy] = [u.valToPos(bx, "x", true), u.valToPos(by, "y", true)];
        if (i === 0) ctx.moveTo(cx, cy);
        else {
          ctx.lineTo(cx, u.valToPos(spec.bestSoFar[i - 1][1], "y", true));
          ctx.lineTo(cx, cy);
        }
      });
      ctx.stroke();
    }
    const hovered = selection.hovered;
    if (hovered !== null && index.positions.has(hovered)) {
      const [hx, hy] = index.positions.get(hovered);
      ctx.strokeStyle = "#111";
      ctx.lineWidth = 2 * uPlot.pxRatio;
      ctx.beginPath();
      ctx.arc(left + hx * uPlot.pxRatio, top + hy * uPlot.pxRatio, r + 3 * uPlot.pxRatio, 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.restore();
    figure.dataset.rendered = "true";
  };

  const u = makePlot(plot, {
    scales: {
      x: { time: false, range: () => xRange, ...(spec.x.scale === "log" ? { distr: 3, log: 10 } : {}) },
      y: { range: () => yRange, ...(spec.y.scale === "log" ? { distr: 3, log: 10 } : {}) },
    },
    axes: [
      { ...axisOptions(spec.x), label: spec.x.name, labelSize: 20 },
      { size: 56, ...axisOptions(spec.y, { side: 3, hide }), label: spec.y.name, labelSize: 20 },
    ],
    series: [{}],
    cursor: { drag: { x: true, y: true, setScale: false }, points: { show: false }, x: false, y: false },
    hooks: {
      draw: [draw],
      setSelect: [
        (u) => {
          const { left, top, width, height } = u.select;
          if (width < 3 || height < 3) return;
          const picked = own.rows.filter((row) => {
            const [px, py] = index.positions.get(row) ?? [Number.NaN, Number.NaN];
            return px >= left && px <= left + width && py >= top && py <= top + height;
          });
          selection.select(picked, spec.id);
        },
      ],
    },
  });

  const tip = tooltip(plot);
  let downAt;
  u.over.addEventListener("pointerdown", (e) => {
    downAt = [e.offsetX, e.offsetY];
  });
  u.over.addEventListener("pointermove", (e) => {
    const item = index.nearest(e.offsetX, e.offsetY, radius + 5);
    if (item === undefined) {
      tip.hide();
      selection.hover(null);
      return;
    }
    tip.show(
      item < 0 ? parentTooltip(set, -1 - item) : jobTooltip(set, item),
      e.offsetX + u.bbox.left / uPlot.pxRatio,
      e.offsetY + u.bbox.top / uPlot.pxRatio,
    );
    if (item >= 0) selection.hover(item);
  });
  u.over.addEventListener("pointerleave", () => {
    tip.hide();
    selection.hover(null);
  });
  u.over.addEventListener("click", (e) => {
    if (downAt && Math.hypot(e.offsetX - downAt[0], e.offsetY - downAt[1]) > 3) return;
    const item = index.nearest(e.offsetX, e.offsetY, radius + 5);
    if (item === undefined) return;
    view.open(item < 0 ? set.parents.columns.name[-1 - item] : set.columns.name[item]);
  });

  const groupsShown = [...new Set(own.rows.map((row) => set.columns.group[row]))].sort();
  drawLegend(legend, [
    ...groupsShown.map((g) => ({ label: set.groups[g].label, color: set.groups[g].color })),
    ...(parents ? [{ label: "parent tuning jobs' jobs", color: PARENT, hollow: true }] : []),
    ...(spec.bestSoFar?.length ? [{ label: "best so far", color: BEST }] : []),
  ]);
  figure.dataset.points = String(own.rows.length + (parents?.rows.length ?? 0));
  // For tests and the linked views: where each job was drawn, in the canvas's pixels.
  plot.chartView = {
    rows: own.rows,
    canvasPosition(row) {
      const at = index.positions.get(row);
      return at && [u.bbox.left + at[0] * uPlot.pxRatio, u.bbox.top + at[1] * uPlot.pxRatio];
    },
    cssPosition: (row) => index.positions.get(row),
    radius,
  };
  return {
    redraw(kind) {
      if (kind === "select" && selection.source !== spec.id)
        u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
      u.redraw(false, false);
    },
  };
}
