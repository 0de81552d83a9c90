import { scaledSquaredDistance } from "./gp/kernel.js";
import type { KernelFit, TrainingData } from "./gp/regressor.js";
import { selectRows } from "./training-data.js";

/**
 * Above this many rows the posterior conditions on a subset of this size (modelRows). A suggestion scores
 * hundreds of candidates at O(n²) each and factorises an n×n matrix at O(n³), so an exact posterior on 5,000
 * results takes tens of seconds; on 600 rows a suggestion costs about a quarter of a second on one core, and
 * histories up to this size (every run of bench:bayesian's suite) are modelled exactly, as before.
 */
export const MODEL_ROWS = 600;

/**
 * The rows the posterior conditions on once a history outgrows `size`: half the size nearest the best result
 * (in the kernel's scaled distance, so along the dimensions that matter), where the search refines and the model
 * must be exact; the best results not among them, up to a quarter of the size, so that other good basins stay
 * known; and the rest by farthest-point sampling, so that the model keeps a result in every region tried. The
 * chosen rows keep their order, so that a factor of the previous subset is reused up to the first row that
 * changed (regressor.ts). Returns the subset and its rows' indices in `data`. Suggestions then stay where the
 * subset is the whole history (outsideModel).
 */
export function modelRows(
  data: TrainingData,
  fit: KernelFit,
  size: number,
): { readonly data: TrainingData; readonly rows: readonly number[] } {
  const { n, d, x, y, categorical } = data;
  if (n <= size) return { data, rows: Array.from({ length: n }, (_, i) => i) };
  let best = 0;
  for (let i = 1; i < n; i++) if ((y[i] as number) > (y[best] as number)) best = i;
  const lambda = Float64Array.from(fit.logLambda, Math.exp);
  const distance = Float64Array.from({ length: n }, (_, i) =>
    scaledSquaredDistance(x, i * d, x, best * d, lambda, categorical),
  );
  const chosen = new Uint8Array(n);
  let count = 0;
  const take = (order: number[], limit: number) => {
    for (const i of order) {
      if (count >= limit) return;
      if (chosen[i] === 0) {
        chosen[i] = 1;
        count++;
      }
    }
  };
  const indices = Array.from({ length: n }, (_, i) => i);
  take(
    [...indices].sort((a, b) => (distance[a] as number) - (distance[b] as number) || a - b),
    size >> 1,
  );
  take(
    [...indices].sort((a, b) => (y[b] as number) - (y[a] as number) || a - b),
    (size >> 1) + (size >> 2),
  );
  // The rest by farthest-point sampling: each next row the one farthest from every row chosen so far.
  const gap = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const cover = (c: number) => {
    for (let i = 0; i < n; i++) {
      if (chosen[i] === 1) continue;
      const r2 = scaledSquaredDistance(x, i * d, x, c * d, lambda, categorical);
      if (r2 < (gap[i] as number)) gap[i] = r2;
    }
  };
  for (let c = 0; c < n; c++) if (chosen[c] === 1) cover(c);
  while (count < size) {
    let far = -1;
    for (let i = 0; i < n; i++) if (chosen[i] === 0 && (far < 0 || (gap[i] as number) > (gap[far] as number))) far = i;
    chosen[far] = 1;
    count++;
    cover(far);
  }
  const rows = indices.filter((i) => chosen[i] === 1);
  return { data: selectRows(data, rows), rows };
}

/**
 * Whether a point lies outside the trust region of a subset: the ball around the best result that holds the rows
 * nearest it, inside which every result is modelled. Outside it the posterior has left results out and takes a
 * region tried, and found poor, for an unexplored one: in development runs on Rosenbrock-4 a search free to go
 * there went back to the same corner trial after trial (its new results, poor, were left out in turn), and one
 * kept from every left-out result's neighbourhood still wandered. Above modelRows the search is thus local, as a
 * trust-region method is. Undefined when every row is modelled.
 */
export function outsideModel(
  data: TrainingData,
  rows: readonly number[],
  fit: KernelFit,
): ((point: Float64Array) => boolean) | undefined {
  const { n, d, x, categorical } = data;
  if (rows.length >= n) return undefined;
  const lambda = Float64Array.from(fit.logLambda, Math.exp);
  let best = 0;
  for (let i = 1; i < n; i++) if ((data.y[i] as number) > (data.y[best] as number)) best = i;
  // The local half's radius: every result within it is modelled.
  const local = rows
    .map((i) => scaledSquaredDistance(x, i * d, x, best * d, lambda, categorical))
    .sort((a, b) => a - b);
  const radius = local[Math.max(0, (rows.length >> 1) - 1)] as number;
  return (point) => scaledSquaredDistance(point, 0, x, best * d, lambda, categorical) > radius;
}
