// The console's chart renderer: draws the chart options of the charts module (src/report/charts.ts, written in
// ECharts' option vocabulary) onto one canvas each. The report draws the same options with ECharts; the console
// does not, because ECharts' fixed cost per chart and per point (option cloning, per-item data structures) made
// a page of seven charts of 10,000 jobs take seconds to draw, where this takes milliseconds.
//
// It understands the subset the charts module emits: title, legend, grid; value / log / category axes (scale,
// min, max, minInterval, inverse); scatter series whose points are rows of shared columns (`columns`, see
// chartSet) or inline [x, y] data; line series (step "end"); custom series drawn as horizontal bars whose
// items are [row, from, to, palette index] coloured by the series' `color` list; parallel coordinates.

const FONT = "12px system-ui, -apple-system, 'Segoe UI', sans-serif";
const TITLE_FONT = "bold 13px system-ui, -apple-system, 'Segoe UI', sans-serif";
const TEXT = "#444";
const GRID_LINE = "#eee";
const AXIS_LINE = "#999";
const DEFAULT_GRID = { left: 64, right: 24, top: 40, bottom: 40 };

/** Numbers as an axis prints them: short, and in powers of ten where they are very small or large. */
export function tickLabel(value) {
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e5) {
    const exponent = Math.floor(Math.log10(magnitude));
    const mantissa = Number((value / 10 ** exponent).toPrecision(3));
    return mantissa === 1 ? `1e${exponent}` : `${mantissa}e${exponent}`;
  }
  return String(Number(value.toPrecision(6)));
}

/** About `count` round ticks (steps of 1, 2 or 5 times a power of ten) covering [lo, hi]. */
export function niceTicks(lo, hi, count = 5) {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return niceTicks(lo - pad, hi + pad, count);
  }
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 0.5; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/**
 * A series ready to draw: a scatter's or line's points as `xs`, `ys` (whole columns, for a scatter) and `rows`
 * (the indices in them it draws: for a scatter, the rows of its status group that have both values).
 */
export function resolveSeries(series, columns) {
  if (series.type === "scatter" && series.columns) {
    const { x, y, status } = series.columns;
    const [xs, ys, groups] = [columns[x] ?? [], columns[y] ?? [], columns.status ?? []];
    const picked = new Int32Array(groups.length);
    let n = 0;
    for (let i = 0; i < groups.length; i++) {
      // `!= null`: a value left empty (null) or a column that is not there (undefined) has no point.
      if (groups[i] === status && xs[i] != null && ys[i] != null) picked[n++] = i;
    }
    return { ...series, xs, ys, rows: picked.subarray(0, n) };
  }
  if (series.type === "scatter" || series.type === "line") {
    const data = series.data ?? [];
    return { ...series, xs: data.map((p) => p[0]), ys: data.map((p) => p[1]), rows: data.map((_, i) => i) };
  }
  return series;
}

/** Every value a cartesian chart puts on one axis ("x" or "y"), passed to `visit`. */
function eachValue(series, dimension, visit) {
  for (const s of series) {
    if (s.type === "custom") {
      for (const item of s.data) {
        if (dimension === "x") {
          visit(item[1]);
          visit(item[2]);
        } else visit(item[0]);
      }
    } else if (s.rows) {
      const values = dimension === "x" ? s.xs : s.ys;
      for (const i of s.rows) visit(values[i]);
    }
  }
}

/** An axis's mapping from data to [0, 1] and its labelled ticks, from its option and the values it shows. */
export function axisScale(axis, forEachValue) {
  if (axis.type === "category") {
    let categories = axis.data;
    if (!categories) {
      const seen = new Set();
      forEachValue((v) => seen.add(String(v)));
      categories = [...seen];
    }
    const index = new Map(categories.map((c, i) => [String(c), i]));
    const position = (v) => ((index.get(String(v)) ?? Number.NaN) + 0.5) / categories.length;
    return { position, ticks: categories.map((c, i) => ({ at: (i + 0.5) / categories.length, label: String(c) })) };
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  forEachValue((v) => {
    if (typeof v !== "number" || !Number.isFinite(v) || (axis.type === "log" && v <= 0)) return;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  });
  if (lo > hi) [lo, hi] = axis.type === "log" ? [1, 10] : [0, 1];
  if (axis.type === "log") {
    const a = Math.floor(Math.log10(lo));
    const b = Math.max(a + 1, Math.ceil(Math.log10(hi)));
    const position = (v) => (v > 0 ? (Math.log10(v) - a) / (b - a) : Number.NaN);
    const ticks = [];
    for (let p = a; p <= b; p++) ticks.push({ at: (p - a) / (b - a), label: tickLabel(10 ** p) });
    return { position, ticks };
  }
  // Without `scale`, a value axis includes zero, as ECharts draws it.
  if (!axis.scale) [lo, hi] = [Math.min(lo, 0), Math.max(hi, 0)];
  if (typeof axis.min === "number") lo = axis.min;
  if (typeof axis.max === "number") hi = axis.max;
  const nice = niceTicks(lo, hi).filter((v) => !axis.minInterval || Number.isInteger(v / axis.minInterval));
  const from = typeof axis.min === "number" ? axis.min : Math.min(lo, nice[0] ?? lo);
  const to = typeof axis.max === "number" ? axis.max : Math.max(hi, nice[nice.length - 1] ?? hi);
  const position = (v) => (v - from) / (to - from);
  const ticks = nice.filter((v) => v >= from && v <= to).map((v) => ({ at: position(v), label: tickLabel(v) }));
  return { position, ticks };
}

/** "#2f6fb0" as one pixel of an RGBA canvas buffer read through a Uint32Array (little-endian: ABGR). */
function pixelColour(hex) {
  const n = Number.parseInt(hex.slice(1), 16);
  return ((0xff << 24) | ((n & 0xff) << 16) | (n & 0xff00) | ((n >> 16) & 0xff)) >>> 0;
}

const seriesColour = (series) => series.itemStyle?.color ?? series.lineStyle?.color ?? "#2f6fb0";

function prepareCanvas(element, width, height) {
  let canvas = element.querySelector("canvas");
  if (!canvas) {
    canvas = document.createElement("canvas");
    element.appendChild(canvas);
  }
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.font = FONT;
  return { ctx, ratio };
}

function drawTitleAndLegend(ctx, option, width) {
  if (option.title?.text) {
    ctx.font = TITLE_FONT;
    ctx.fillStyle = "#333";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillText(option.title.text, width / 2, option.title.top ?? 6);
    ctx.font = FONT;
  }
  if (!option.legend) return;
  const items = option.series.filter((s) => s.name);
  const widths = items.map((s) => ctx.measureText(s.name).width + 16);
  let x = (width - widths.reduce((a, b) => a + b + 20, -20)) / 2;
  const y = (option.legend.top ?? 30) + 6;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  items.forEach((s, i) => {
    ctx.fillStyle = seriesColour(s);
    ctx.fillRect(x, y - 5, 10, 10);
    ctx.fillStyle = TEXT;
    ctx.fillText(s.name, x + 14, y);
    x += widths[i] + 20;
  });
}

/**
 * Writes every scatter point into a transparent pixel buffer of the plot area and puts it on the canvas: one
 * small square per point, in a single pass (thousands of fillRect calls cost tens of milliseconds per chart).
 */
function drawPoints(ctx, ratio, box, scatters, px, py) {
  const [bx, by] = [Math.floor(box.x * ratio), Math.floor(box.y * ratio)];
  const [bw, bh] = [Math.ceil(box.w * ratio), Math.ceil(box.h * ratio)];
  const image = ctx.createImageData(bw, bh);
  const pixels = new Uint32Array(image.data.buffer);
  for (const s of scatters) {
    const colour = pixelColour(seriesColour(s));
    const size = Math.max(2, Math.round(Math.min(s.symbolSize ?? 6, 8) * 0.75 * ratio));
    const half = Math.floor(size / 2);
    for (const i of s.rows) {
      const cx = Math.round(px(s.xs[i]) * ratio) - bx - half;
      const cy = Math.round(py(s.ys[i]) * ratio) - by - half;
      if (!(cx >= 0 && cy >= 0 && cx + size <= bw && cy + size <= bh)) continue;
      for (let r = 0; r < size; r++) pixels.fill(colour, (cy + r) * bw + cx, (cy + r) * bw + cx + size);
    }
  }
  ctx.putImageData(image, bx, by);
}

/** Draws a cartesian chart; returns its projection from data to the element's pixels, for the tooltip. */
function drawCartesian(ctx, ratio, option, width, height) {
  const grid = { ...DEFAULT_GRID, ...option.grid };
  const box = { x: grid.left, y: grid.top, w: width - grid.left - grid.right, h: height - grid.top - grid.bottom };
  const x = axisScale(option.xAxis, (visit) => eachValue(option.series, "x", visit));
  const y = axisScale(option.yAxis, (visit) => eachValue(option.series, "y", visit));
  const inverse = Boolean(option.yAxis.inverse);
  /** The canvas y of a position along the y axis (0 to 1). */
  const atY = (at) => (inverse ? box.y + at * box.h : box.y + box.h - at * box.h);
  const px = (v) => box.x + x.position(v) * box.w;
  const py = (v) => atY(y.position(v));

  // Points first, then the grid beneath them ("destination-over"), then axes, lines and bars above.
  drawPoints(
    ctx,
    ratio,
    box,
    option.series.filter((s) => s.type === "scatter"),
    px,
    py,
  );
  ctx.globalCompositeOperation = "destination-over";
  ctx.strokeStyle = GRID_LINE;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const tick of y.ticks) {
    const at = Math.round(atY(tick.at)) + 0.5;
    ctx.moveTo(box.x, at);
    ctx.lineTo(box.x + box.w, at);
  }
  ctx.stroke();
  ctx.globalCompositeOperation = "source-over";

  ctx.fillStyle = TEXT;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const tick of y.ticks) ctx.fillText(tick.label, box.x - 6, atY(tick.at));
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const tick of x.ticks) ctx.fillText(tick.label, box.x + tick.at * box.w, box.y + box.h + 6);
  if (option.xAxis.name) ctx.fillText(option.xAxis.name, box.x + box.w / 2, box.y + box.h + 24);
  if (option.yAxis.name) {
    ctx.textAlign = "left";
    ctx.textBaseline = "bottom";
    ctx.fillText(option.yAxis.name, 8, box.y - 4);
  }
  ctx.strokeStyle = AXIS_LINE;
  ctx.beginPath();
  ctx.moveTo(box.x, box.y + box.h + 0.5);
  ctx.lineTo(box.x + box.w, box.y + box.h + 0.5);
  ctx.stroke();

  ctx.save();
  ctx.beginPath();
  ctx.rect(box.x - 4, box.y - 4, box.w + 8, box.h + 8);
  ctx.clip();
  for (const s of option.series) {
    if (s.type === "line") {
      ctx.strokeStyle = ctx.fillStyle = seriesColour(s);
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      let previous = -1;
      for (const i of s.rows) {
        const [cx, cy] = [px(s.xs[i]), py(s.ys[i])];
        if (previous < 0) ctx.moveTo(cx, cy);
        else {
          if (s.step === "end") ctx.lineTo(cx, py(s.ys[previous]));
          ctx.lineTo(cx, cy);
        }
        previous = i;
      }
      ctx.stroke();
      if (s.showSymbol) for (const i of s.rows) ctx.fillRect(px(s.xs[i]) - 2, py(s.ys[i]) - 2, 4, 4);
    } else if (s.type === "custom") {
      const palette = Array.isArray(s.color) ? s.color : [seriesColour(s)];
      const rowHeight = Math.max(2, Math.abs(py(1) - py(0)) * 0.7);
      for (const [row, from, to, colour] of s.data) {
        ctx.fillStyle = palette[colour] ?? palette[0];
        const x0 = px(from);
        ctx.fillRect(x0, py(row) - rowHeight / 2, Math.max(1, px(to) - x0), rowHeight);
      }
    }
  }
  ctx.restore();
  return { px, py };
}

function drawParallel(ctx, option, width, height) {
  const box = { left: 48, right: 64, top: 56, bottom: 32, ...option.parallel };
  const axes = option.parallelAxis;
  const series = option.series[0] ?? { data: [] };
  const rows = series.data;
  const step = (width - box.left - box.right) / Math.max(1, axes.length - 1);
  const scales = axes.map((axis, d) =>
    axisScale(axis, (visit) => {
      for (const row of rows) visit(row[d]);
    }),
  );
  const bottom = height - box.bottom;
  const span = bottom - box.top;
  ctx.save();
  ctx.globalAlpha = series.lineStyle?.opacity ?? 0.6;
  ctx.strokeStyle = series.lineStyle?.color ?? "#2f6fb0";
  ctx.lineWidth = series.lineStyle?.width ?? 1;
  ctx.beginPath();
  for (const row of rows) {
    let drawing = false;
    for (let d = 0; d < axes.length; d++) {
      const at = row[d] === null ? Number.NaN : scales[d].position(row[d]);
      if (Number.isNaN(at)) {
        drawing = false;
        continue;
      }
      const [cx, cy] = [box.left + d * step, bottom - at * span];
      if (drawing) ctx.lineTo(cx, cy);
      else ctx.moveTo(cx, cy);
      drawing = true;
    }
  }
  ctx.stroke();
  ctx.restore();
  ctx.strokeStyle = AXIS_LINE;
  ctx.fillStyle = TEXT;
  axes.forEach((axis, d) => {
    const cx = box.left + d * step;
    ctx.beginPath();
    ctx.moveTo(cx + 0.5, box.top);
    ctx.lineTo(cx + 0.5, bottom);
    ctx.stroke();
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.fillText(axis.name, cx, box.top - 8);
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    for (const tick of scales[d].ticks) ctx.fillText(tick.label, cx + 4, bottom - tick.at * span);
  });
  return undefined;
}

/** How many items a chart draws: its scatters' points, parallel lines and bars (the console's data-points). */
export function chartItems(series) {
  let n = 0;
  for (const s of series) {
    if (s.type === "scatter") n += s.rows.length;
    else if (s.type === "parallel" || s.type === "custom") n += s.data.length;
  }
  return n;
}

const formatValue = (v) => (typeof v === "number" ? tickLabel(v) : String(v));

/** Describes the scatter point nearest the pointer, within 8 px, in a tooltip. */
function showTooltip(element, event) {
  const { option, projection } = element.plotted ?? {};
  const rect = element.getBoundingClientRect();
  const [mx, my] = [event.clientX - rect.left, event.clientY - rect.top];
  let best;
  let bestDistance = 64;
  for (const s of projection ? option.series : []) {
    if (s.type !== "scatter") continue;
    for (const i of s.rows) {
      const distance = (projection.px(s.xs[i]) - mx) ** 2 + (projection.py(s.ys[i]) - my) ** 2;
      if (distance < bestDistance) [best, bestDistance] = [{ s, i }, distance];
    }
  }
  let tip = element.querySelector(".tooltip");
  if (!best) {
    tip?.remove();
    return;
  }
  if (!tip) {
    tip = document.createElement("div");
    tip.className = "tooltip";
    element.appendChild(tip);
  }
  const { s, i } = best;
  tip.textContent = `${s.name ?? ""} · ${option.xAxis.name ?? "x"} ${formatValue(s.xs[i])} · ${option.yAxis.name ?? "y"} ${formatValue(s.ys[i])}`;
  tip.style.left = `${Math.min(mx + 12, Math.max(0, rect.width - 280))}px`;
  tip.style.top = `${my + 12}px`;
}

function draw(element) {
  const { option, width, height } = element.plotted;
  if (!width || !height) return;
  const started = performance.now();
  const { ctx, ratio } = prepareCanvas(element, width, height);
  drawTitleAndLegend(ctx, option, width);
  element.plotted.projection = option.parallelAxis
    ? drawParallel(ctx, option, width, height)
    : drawCartesian(ctx, ratio, option, width, height);
  element.dataset.rendered = "true";
  // bench:console reports these.
  performance.measure(`draw ${element.dataset.chart ?? "chart"}`, { start: started });
}

let sizes;
/**
 * The one observer of every chart's size, made on the first plot (so the module also loads where there is no
 * DOM). The element's size comes from its resize observation, which the browser makes after layout and before
 * painting: reading it from the element while drawing a page of charts would force a layout per chart.
 */
function sizeObserver() {
  sizes ??= new ResizeObserver((entries) => {
    for (const entry of entries) {
      const element = entry.target;
      element.plotted.width = entry.contentRect.width;
      element.plotted.height = entry.contentRect.height;
      draw(element);
    }
  });
  return sizes;
}

/**
 * Draws `option` into `element` (whose style sets the size), replacing what was there: now if the element's
 * size is known, else in the coming frame, before it is painted; again whenever the element is resized.
 * Scatters read their points from `columns`. Marks the element `data-rendered` once drawn; returns how many
 * items the chart draws.
 */
export function plot(element, option, columns = {}) {
  const resolved = { ...option, series: (option.series ?? []).map((s) => resolveSeries(s, columns)) };
  if (element.plotted) {
    element.plotted.option = resolved;
    draw(element);
  } else {
    element.plotted = { option: resolved };
    element.addEventListener("mousemove", (event) => showTooltip(element, event));
    element.addEventListener("mouseleave", () => element.querySelector(".tooltip")?.remove());
    sizeObserver().observe(element);
  }
  return chartItems(resolved.series);
}
