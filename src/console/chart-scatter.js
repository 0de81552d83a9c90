// A scatter of the tuning job's jobs (objective or a hyperparameter against time, the objective against a
// hyperparameter), drawn with uPlot: every job with both values is a point coloured by its status group, the
// warm start's parents' jobs hollow, the best so far as a step line, far-out objective values in the robust
// band. Hovering names the job, clicking opens it, dragging a box selects its jobs in every view.

import { fillSquares, PointIndex, pixelColour, projector } from "./chart-canvas.js";
import {
  axisOptions,
  axisValue,
  chartFrame,
  drawBand,
  drawLegend,
  FADED,
  FADED_OPAQUE,
  jitter,
  makePlot,
  markerRadius,
  paddedRange,
  robustGeometry,
  tooltip,
  uPlot,
} from "./chart-common.js";
import { jobTooltip, parentTooltip } from "./job-tooltip.js";

const PARENT = "#9a9a9a";
const BEST = "#2a9d55";

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
  const groupColor = set.groups.map((g) => g.color);
  const groupPixel = groupColor.map(pixelColour);
  const fadedPixel = pixelColour(FADED_OPAQUE);
  const hide = geometry ? (v) => (robust.side === "low" ? v < geometry.band[1] : v > geometry.band[0]) : undefined;
  /** Where each point was drawn, in CSS pixels of the plot area: own points, then the parents'. */
  const at = { x: new Float32Array(own.rows.length), y: new Float32Array(own.rows.length) };
  const parentAt = { x: new Float32Array(parents?.rows.length ?? 0), y: new Float32Array(parents?.rows.length ?? 0) };
  /** The hit-test index, built on the first hover after a draw. */
  let index;
  const hitIndex = () => {
    if (index) return index;
    index = new PointIndex();
    own.rows.forEach((row, i) => {
      index.add(at.x[i], at.y[i], row);
    });
    parents?.rows.forEach((row, i) => {
      index.add(parentAt.x[i], parentAt.y[i], -1 - row);
    });
    return index;
  };
  const slotOf = new Map(own.rows.map((row, i) => [row, i]));

  // Thousands of markers: squares written into the pixels (see fillSquares); fewer: circles.
  const squares = own.rows.length > 2000;
  const draw = (u) => {
    const started = performance.now();
    const ctx = u.ctx;
    const ratio = uPlot.pxRatio;
    const r = radius * ratio;
    const { left, top, width, height } = u.bbox;
    const [X, Y] = [projector(u, "x"), projector(u, "y")];
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    if (geometry) drawBand(u, geometry, robust);
    index = undefined;
    const groups = set.columns.group;
    const cx = new Float32Array(own.rows.length);
    const cy = new Float32Array(own.rows.length);
    for (let i = 0; i < own.rows.length; i++) {
      cx[i] = X(own.x[i]);
      cy[i] = Y(own.y[i]);
      at.x[i] = (cx[i] - left) / ratio;
      at.y[i] = (cy[i] - top) / ratio;
    }
    // Faded (unselected) points first, then each group, so selected and rarer groups are on top.
    const colourOf = (i) => (selection.shows(own.rows[i]) ? groupColor[groups[own.rows[i]]] : FADED);
    if (squares) {
      const half = Math.max(1, Math.round(r));
      const pass = (faded) => (i) =>
        own.clipped[i] || selection.shows(own.rows[i]) === faded
          ? 0
          : faded
            ? fadedPixel
            : groupPixel[groups[own.rows[i]]];
      fillSquares(ctx, u.bbox, cx, cy, pass(true), half);
      fillSquares(ctx, u.bbox, cx, cy, pass(false), half);
    } else {
      const paths = new Map();
      for (let i = 0; i < own.rows.length; i++) {
        if (own.clipped[i]) continue;
        const colour = colourOf(i);
        if (!paths.has(colour)) paths.set(colour, new Path2D());
        const p = paths.get(colour);
        p.moveTo(cx[i] + r, cy[i]);
        p.arc(cx[i], cy[i], r, 0, 2 * Math.PI);
      }
      for (const colour of [FADED, ...groupColor]) {
        if (!paths.has(colour)) continue;
        ctx.fillStyle = colour;
        ctx.fill(paths.get(colour));
      }
    }
    // Clipped points are triangles pointing out of the range, in their colour.
    for (let i = 0; i < own.rows.length; i++) {
      if (!own.clipped[i]) continue;
      const p = new Path2D();
      const down = robust?.side === "low" ? 1 : -1;
      p.moveTo(cx[i] - r, cy[i] - down * r);
      p.lineTo(cx[i] + r, cy[i] - down * r);
      p.lineTo(cx[i], cy[i] + down * r);
      p.closePath();
      ctx.fillStyle = colourOf(i);
      ctx.fill(p);
    }
    if (parents) {
      ctx.strokeStyle = PARENT;
      ctx.lineWidth = 1.5 * uPlot.pxRatio;
      const p = new Path2D();
      parents.rows.forEach((_row, i) => {
        const px = X(parents.x[i]);
        const py = Y(parents.y[i]);
        parentAt.x[i] = (px - left) / ratio;
        parentAt.y[i] = (py - top) / ratio;
        p.moveTo(px + r, py);
        p.arc(px, py, r, 0, 2 * Math.PI);
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
    if (hovered !== null && slotOf.has(hovered)) {
      const [hx, hy] = [at.x[slotOf.get(hovered)], at.y[slotOf.get(hovered)]];
      ctx.strokeStyle = "#111";
      ctx.lineWidth = 2 * uPlot.pxRatio;
      ctx.beginPath();
      ctx.arc(left + hx * uPlot.pxRatio, top + hy * uPlot.pxRatio, r + 3 * uPlot.pxRatio, 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.restore();
    figure.dataset.rendered = "true";
    // bench:console reports these.
    performance.measure(`draw ${spec.id}`, { start: started });
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
          const picked = own.rows.filter((_row, i) => {
            const [px, py] = [at.x[i], at.y[i]];
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
    const item = hitIndex().nearest(e.offsetX, e.offsetY, radius + 5);
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
    const item = hitIndex().nearest(e.offsetX, e.offsetY, radius + 5);
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
      const i = slotOf.get(row);
      return i === undefined
        ? undefined
        : [u.bbox.left + at.x[i] * uPlot.pxRatio, u.bbox.top + at.y[i] * uPlot.pxRatio];
    },
    cssPosition: (row) => (slotOf.has(row) ? [at.x[slotOf.get(row)], at.y[slotOf.get(row)]] : undefined),
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
