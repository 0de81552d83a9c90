import type { Rng } from "../../random.js";
import { scaledSquaredDistance } from "./gp/kernel.js";
import type { KernelFit, TrainingData } from "./gp/regressor.js";

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
 * known; and a seeded draw from the rest, so that the model still knows the regions it has seen to be poor and
 * does not take them for unexplored ones. The chosen rows keep their order, so that a factor of the previous
 * subset is reused up to the first row that changed (regressor.ts). Returns the subset and its rows' indices in `data`.
 */
export function modelRows(
  data: TrainingData,
  fit: KernelFit,
  size: number,
  rng: Rng,
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
  const rest = indices.filter((i) => chosen[i] === 0);
  for (let k = 0; count < size; k++) {
    const j = k + rng.int(rest.length - k);
    [rest[k], rest[j]] = [rest[j] as number, rest[k] as number];
    chosen[rest[k] as number] = 1;
    count++;
  }
  const rows = indices.filter((i) => chosen[i] === 1);
  const subset = new Float64Array(rows.length * d);
  rows.forEach((i, r) => {
    subset.set(x.subarray(i * d, (i + 1) * d), r * d);
  });
  return {
    data: { x: subset, n: rows.length, d, y: Float64Array.from(rows, (i) => y[i] as number), categorical },
    rows,
  };
}
