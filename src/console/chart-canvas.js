// Drawing and hit-testing many items on a chart's canvas: one projection per draw instead of a library call per
// point, markers written straight into the pixels, and a grid of buckets to find the item under the pointer.

/**
 * A scale's mapping from values to canvas pixels, as uPlot maps them (linear in the value, or in its log10 on a
 * log scale), taken from two of uPlot's own positions once per draw: calling valToPos for each of 10,000
 * points costs several times the drawing.
 */
export function projector(u, key) {
  const scale = u.scales[key];
  const log = scale.distr === 3;
  const t = log ? Math.log10 : (v) => v;
  const [a, b] = [scale.min, scale.max];
  const [pa, pb] = [u.valToPos(a, key, true), u.valToPos(b, key, true)];
  const k = (pb - pa) / (t(b) - t(a));
  return (v) => pa + (t(v) - t(a)) * k;
}

/** Cells of the hit-test grid: a row of cells is 2^16 wide, which no plot reaches. */
const CELL_ROW = 65536;

/** A grid of buckets over the plot, for the nearest drawn item to the pointer: O(1) per hover at 10,000 points. */
export class PointIndex {
  constructor(cell = 16) {
    this.cell = cell;
    this.buckets = new Map();
    this.positions = new Map();
  }
  add(x, y, item) {
    const key = Math.floor(y / this.cell) * CELL_ROW + Math.floor(x / this.cell);
    const bucket = this.buckets.get(key);
    if (bucket) bucket.push([x, y, item]);
    else this.buckets.set(key, [[x, y, item]]);
    this.positions.set(item, [x, y]);
  }
  /** The item nearest (x, y) within `radius` CSS pixels, or undefined. */
  nearest(x, y, radius = 8) {
    let best;
    let bestD = radius * radius;
    const [cx, cy] = [Math.floor(x / this.cell), Math.floor(y / this.cell)];
    const reach = Math.ceil(radius / this.cell);
    for (let i = cx - reach; i <= cx + reach; i++) {
      for (let j = cy - reach; j <= cy + reach; j++) {
        for (const [px, py, item] of this.buckets.get(j * CELL_ROW + i) ?? []) {
          const d = (px - x) ** 2 + (py - y) ** 2;
          if (d <= bestD) [best, bestD] = [item, d];
        }
      }
    }
    return best;
  }
}

/** "#2f6fb0" as one pixel of an RGBA buffer read through a Uint32Array (little-endian: ABGR), opaque. */
export function pixelColour(hex) {
  const n = Number.parseInt(hex.slice(1), 16);
  return ((0xff << 24) | ((n & 0xff) << 16) | (n & 0xff00) | ((n >> 16) & 0xff)) >>> 0;
}

/**
 * Thousands of square markers written straight into the plot area's pixels, in one pass: filling that many
 * shapes through the canvas costs tens of milliseconds per chart. `xs`, `ys` are canvas pixels; `colour(i)` is a
 * pixel from pixelColour, or 0 to skip the marker. Later markers cover earlier ones.
 */
export function fillSquares(ctx, box, xs, ys, colour, half) {
  const [bx, by] = [Math.floor(box.left), Math.floor(box.top)];
  const [bw, bh] = [Math.ceil(box.width), Math.ceil(box.height)];
  const image = ctx.getImageData(bx, by, bw, bh);
  const pixels = new Uint32Array(image.data.buffer);
  const size = half * 2;
  for (let i = 0; i < xs.length; i++) {
    const c = colour(i);
    if (!c) continue;
    const x0 = Math.max(0, Math.round(xs[i] - half) - bx);
    const y0 = Math.max(0, Math.round(ys[i] - half) - by);
    const x1 = Math.min(bw, x0 + size);
    const y1 = Math.min(bh, y0 + size);
    for (let y = y0; y < y1; y++) pixels.fill(c, y * bw + x0, y * bw + x1);
  }
  ctx.putImageData(image, bx, by);
}
