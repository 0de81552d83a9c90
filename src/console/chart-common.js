// What every console chart shares: the frame around it (an HTML title and legend, which wrap on a phone where
// text drawn on a canvas would be cut), scales that leave room for markers at the extremes, axes labelled by
// format.js, a tooltip, and the robust objective band (chart-canvas.js draws and hit-tests the many items).
//
// The charts are drawn with uPlot (a small canvas library built for many points): it sizes the canvas for the
// device, lays out and labels the axes, and handles the cursor and the brush (drag to select). Points, lines and
// bars are drawn in its draw hook, in one pass per chart, so that each can take its colour from its job's status
// and from the linked selection.

import { exactNumber, formatNumber, formatPowerOfTen, formatTicks } from "./format.js";

export const uPlot = globalThis.uPlot;

export const FADED = "rgba(160,160,160,0.35)";
/** FADED as it looks on the plot's white, for markers written as opaque pixels. */
export const FADED_OPAQUE = "#e3e3e3";
export const BAND_FILL = "rgba(120,120,120,0.13)";
export const PLOT_HEIGHT = 300;
/** A marker's radius in CSS pixels: smaller when there are thousands. */
export const markerRadius = (count) => (count > 2000 ? 2 : 3.5);

export const esc = (s) =>
  String(s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );

/** The frame of one chart, made once per id and reused on redraws: figure > caption, legend, plot. */
export function chartFrame(container, id, title) {
  let figure = container.querySelector(`[data-chart="${CSS.escape(id)}"]`);
  if (!figure) {
    figure = document.createElement("figure");
    figure.className = "chart";
    figure.dataset.chart = id;
    figure.innerHTML = `<figcaption></figcaption><div class="legend"></div><div class="plot"></div>`;
    container.appendChild(figure);
  }
  figure.querySelector("figcaption").textContent = title;
  return { figure, legend: figure.querySelector(".legend"), plot: figure.querySelector(".plot") };
}

/** An HTML legend: a swatch and a label per item. */
export function drawLegend(element, items) {
  element.innerHTML = items
    .map(
      (item) =>
        `<span class="item"><i style="background:${item.color}${item.hollow ? `;background:none;border:1.5px solid ${item.color}` : ""}"></i>${esc(item.label)}</span>`,
    )
    .join("");
}

/**
 * A scale's range that holds every value with room around it, so a marker at the smallest or largest value is
 * drawn whole inside the plot (the axis never ends exactly at a value). Log ranges pad in decades.
 */
export function paddedRange(values, scale) {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (typeof v !== "number" || !Number.isFinite(v) || (scale === "log" && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return scale === "log" ? [1, 10] : [0, 1];
  if (scale === "log") {
    const [a, b] = [Math.log10(lo), Math.log10(hi)];
    const pad = Math.max((b - a) * 0.06, 0.05);
    return [10 ** (a - pad), 10 ** (b + pad)];
  }
  const span = hi - lo || Math.abs(hi) * 0.02 || 1;
  return [lo - span * 0.06, hi + span * 0.06];
}

/** Ticks a step of 1, 2 or 5 times a power of ten apart, about `count` of them inside [lo, hi]. */
export function niceTicks(lo, hi, count = 5) {
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  // The step whose number of ticks is nearest the count asked for.
  const step = [1, 2, 5, 10]
    .map((m) => m * power)
    .reduce((best, s) => (Math.abs((hi - lo) / s - count) < Math.abs((hi - lo) / best - count) ? s : best));
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return { ticks, step };
}

/**
 * A uPlot axis for a spec's scale: ticks and labels from format.js (never a binary fraction's noise), category
 * names at whole positions, powers of ten on log axes. `hideBelow`/`hideAbove` leave a robust band unlabelled.
 */
export function axisOptions(spec, { side = 2, hide } = {}) {
  const base = { side, stroke: "#444", grid: { stroke: "#eee", width: 1 }, ticks: { stroke: "#ccc", width: 1 } };
  if (spec.scale === "category") {
    const names = spec.categories ?? [];
    const longest = Math.max(0, ...names.map((n) => String(n).length));
    return {
      ...base,
      // A y axis as wide as its longest name, so the names and the axis's title do not overlap.
      ...(side % 2 ? { size: Math.min(140, 30 + longest * 7) } : {}),
      splits: () => names.map((_, i) => i),
      values: (_, splits) => splits.map((i) => names[i] ?? ""),
    };
  }
  if (spec.scale === "log") {
    return {
      ...base,
      // Every split gets its label (uPlot would keep only the powers of ten).
      filter: (_u, splits) => splits,
      // Every power of ten inside the range; with fewer than three of them, 2 and 5 times them too (and within
      // one decade, every whole multiple).
      splits: (_u, _i, min, max) => {
        for (const mantissas of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
          const ticks = [];
          for (let p = Math.floor(Math.log10(min)); p <= Math.ceil(Math.log10(max)); p++) {
            for (const m of mantissas) {
              const v = Number((m * 10 ** p).toPrecision(3));
              if (v >= min && v <= max) ticks.push(v);
            }
          }
          if (ticks.length >= 3) return ticks;
        }
        return [min, max];
      },
      values: (_, splits) =>
        splits.map((v) => {
          const p = Math.log10(v);
          return Math.abs(p - Math.round(p)) < 1e-9 ? formatPowerOfTen(Math.round(p)) : formatNumber(v, 3);
        }),
    };
  }
  return {
    ...base,
    splits: (u, _i, min, max) =>
      niceTicks(min, max, side % 2 ? 5 : Math.max(3, Math.floor(u.bbox.width / uPlot.pxRatio / 90))).ticks,
    values: (_, splits) => {
      const step = splits.length > 1 ? splits[1] - splits[0] : 1;
      const labels = formatTicks(splits, step);
      return splits.map((v, i) => (hide?.(v) ? "" : labels[i]));
    },
  };
}

/** A row's value on an axis spec: a category's index, or the number. */
export function axisValue(spec, column, row) {
  const v = column?.[row];
  if (v === null || v === undefined) return null;
  if (spec.scale !== "category") return typeof v === "number" ? v : null;
  if (typeof v === "number") return v;
  const i = (spec.categories ?? []).indexOf(String(v));
  return i < 0 ? null : i;
}

/** A small deterministic horizontal spread for points sharing a category, so they do not hide one another. */
export const jitter = (row) => ((((row * 2654435761) >>> 0) % 1000) / 1000 - 0.5) * 0.5;

/**
 * Where a robust axis (see src/report/robust-axis.ts) draws: the kept values' range, the band beyond the fence
 * and the value clipped points are drawn at, as the report draws it.
 */
export function robustGeometry(robust, values) {
  const beyond = (v) => (robust.side === "low" ? v < robust.limit : v > robust.limit);
  const kept = values.filter((v) => typeof v === "number" && Number.isFinite(v) && !beyond(v));
  if (kept.length === 0) return undefined;
  const lo = Math.min(...kept);
  const hi = Math.max(...kept);
  const span = hi - lo || Math.abs(hi) * 0.01 || 1;
  const band = span * 0.12;
  return robust.side === "low"
    ? { range: [lo - band * 1.5, hi + span * 0.06], band: [lo - band * 1.5, lo - band * 0.5], at: lo - band, beyond }
    : { range: [lo - span * 0.06, hi + band * 1.5], band: [hi + band * 0.5, hi + band * 1.5], at: hi + band, beyond };
}

/** Draws the robust band and its label ("below 0.774 · 2 jobs", counting `unit`s) into a uPlot chart's canvas. */
export function drawBand(u, geometry, robust, unit = "job") {
  const scale = "y";
  const ctx = u.ctx;
  const [y0, y1] = [u.valToPos(geometry.band[0], scale, true), u.valToPos(geometry.band[1], scale, true)];
  const { left, width } = u.bbox;
  ctx.save();
  ctx.fillStyle = BAND_FILL;
  ctx.fillRect(left, Math.min(y0, y1), width, Math.abs(y1 - y0));
  ctx.fillStyle = "#555";
  ctx.font = `${Math.round(10 * uPlot.pxRatio)}px system-ui, sans-serif`;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const words = `${robust.side === "low" ? "below" : "above"} ${formatNumber(robust.limit, 4)} · ${robust.clipped} ${unit}${robust.clipped === 1 ? "" : "s"}`;
  ctx.fillText(words, left + width - 4 * uPlot.pxRatio, (y0 + y1) / 2);
  ctx.restore();
}

/** The tooltip of a chart: absolutely placed inside its plot element, kept inside the element's width. */
export function tooltip(plot) {
  let tip = plot.querySelector(".tooltip");
  if (!tip) {
    tip = document.createElement("div");
    tip.className = "tooltip";
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    plot.appendChild(tip);
  }
  return {
    show(html, x, y) {
      tip.innerHTML = html;
      tip.hidden = false;
      const width = plot.clientWidth;
      tip.style.left = `${Math.max(0, Math.min(x + 12, width - tip.offsetWidth - 4))}px`;
      tip.style.top = `${y + 14}px`;
    },
    hide() {
      tip.hidden = true;
    },
  };
}

/** "name = value" lines of a tooltip, with each number at 6 digits and its exact value on hover. */
export function valueLine(name, value) {
  const shown = typeof value === "number" ? formatNumber(value) : String(value ?? "");
  return `<div><span class="muted">${esc(name)}</span> <span title="${esc(exactNumber(value))}">${esc(shown)}</span></div>`;
}

/**
 * Makes (or remakes) a uPlot chart in `plot` at its current width: uPlot takes a size, so the chart is
 * resized whenever the element is. Returns the chart.
 */
export function makePlot(plot, options) {
  plot.uplot?.destroy();
  const width = Math.max(200, plot.clientWidth);
  const u = new uPlot({ width, height: PLOT_HEIGHT, legend: { show: false }, ...options }, [[]], plot);
  plot.uplot = u;
  if (!plot.resizing) {
    plot.resizing = new ResizeObserver(() => {
      const w = Math.max(200, plot.clientWidth);
      if (plot.uplot && Math.abs(plot.uplot.width - w) > 1) plot.uplot.setSize({ width: w, height: PLOT_HEIGHT });
    });
    plot.resizing.observe(plot);
  }
  return u;
}
