import type { Rng } from "../../random.js";
import type { ObjectiveType } from "../strategy.js";
import type { CategoricalMask } from "./gp/kernel.js";

/**
 * Plateaus. A tree model scores exactly the same over wide regions of its space (fractional min_samples_* and
 * max_features change the tree only in steps, and past a size the tree is one split whatever else is set). A
 * stationary GP cannot learn that a region is flat: between two observations of the same value it sees room for
 * the function to rise, and when that value is the best seen, expected improvement keeps asking for one more point
 * between or beside them, each of which scores the same again. On a continuous objective two different
 * configurations almost never score exactly alike, so an exact tie is the evidence of a plateau: the model is
 * told so by observing the tied value again, as a fantasy, at the midpoint of each tied pair (with either pair
 * member's categorical values where they differ). The posterior is then flat and certain across the plateau, and
 * expected improvement looks elsewhere. Fantasies enter the acquisition only; the kernel fit, the incumbent and the
 * recommendation see the real observations alone.
 */

/**
 * Two tied points mark a plateau only this far apart (the largest difference of a numeric coordinate on the unit
 * cube) or differing in a category. Closer ties are the floating-point resolution of a smooth optimum: refined to
 * 1e-8, Six-hump camel's and Rosenbrock's values round to the same double, and a search that took those for a
 * plateau lost its refinement in development runs.
 */
export const PLATEAU_MIN_SEPARATION = 1e-3;

/** Whether two model-space points are apart enough for a tie between them to mark a plateau. */
export function separated(p: Float64Array, q: Float64Array, categorical: CategoricalMask): boolean {
  for (let k = 0; k < p.length; k++) {
    const delta = Math.abs((p[k] as number) - (q[k] as number));
    if (categorical[k] === 1 ? delta > 0 : delta >= PLATEAU_MIN_SEPARATION) return true;
  }
  return false;
}

/** At most this many fantasies per suggestion: a seeded draw of the tied pairs beyond it. */
export const MAX_PLATEAU_FANTASIES = 64;

export interface PlateauFantasies {
  readonly points: Float64Array[];
  readonly values: number[];
}

/**
 * Fantasised observations that flatten the model between observations that tie exactly at the best value.
 * `values` are the raw objective values of `points` (ties are exact in them), `outputs` the GP's outputs for the
 * same rows (larger is better).
 */
export function plateauFantasies(
  points: readonly Float64Array[],
  values: readonly number[],
  outputs: ArrayLike<number>,
  categorical: CategoricalMask,
  rng: Rng,
): PlateauFantasies {
  // The tie at the best value only: that is the plateau the search is drawn to. Ties elsewhere can be chance
  // (Six-hump camel is symmetric, so opposite corners of its domain score alike) and cost nothing to leave alone.
  let top = 0;
  for (let i = 1; i < values.length; i++) if ((outputs[i] as number) > (outputs[top] as number)) top = i;
  const group = values.flatMap((value, i) => (value === values[top] ? [i] : []));
  const pairs: [number, number][] = [];
  for (let a = 1; a < group.length; a++) {
    for (let b = 0; b < a; b++) {
      const [i, j] = [group[b] as number, group[a] as number];
      if (separated(points[i] as Float64Array, points[j] as Float64Array, categorical)) pairs.push([i, j]);
    }
  }
  const out: PlateauFantasies = { points: [], values: [] };
  for (const [i, j] of choosePairs(pairs, rng)) {
    const p = points[i] as Float64Array;
    const q = points[j] as Float64Array;
    const differsInCategory = p.some((v, k) => categorical[k] === 1 && v !== q[k]);
    for (const side of differsInCategory ? [p, q] : [p]) {
      if (out.points.length >= MAX_PLATEAU_FANTASIES) return out;
      out.points.push(
        Float64Array.from(p, (v, k) => (categorical[k] === 1 ? (side[k] as number) : 0.5 * (v + (q[k] as number)))),
      );
      out.values.push(outputs[i] as number);
    }
  }
  return out;
}

/** Every pair when they fit in the limit, else a seeded draw of MAX_PLATEAU_FANTASIES of them. */
function choosePairs(pairs: [number, number][], rng: Rng): [number, number][] {
  if (pairs.length <= MAX_PLATEAU_FANTASIES) return pairs;
  const chosen = [...pairs];
  for (let i = 0; i < MAX_PLATEAU_FANTASIES; i++) {
    const j = i + rng.int(chosen.length - i);
    [chosen[i], chosen[j]] = [chosen[j] as [number, number], chosen[i] as [number, number]];
  }
  return chosen.slice(0, MAX_PLATEAU_FANTASIES);
}

/**
 * Whether the search is stuck on a plateau at the top: the latest `repeats` results (by trial index) each scored
 * exactly the best value seen, as an earlier trial apart from it (see separated) had already. Then what the model
 * says about the plateau's surroundings (learnt mostly from the plateau itself) is worth less than a fresh look
 * elsewhere.
 */
export function stuckOnPlateau(
  observed: readonly { readonly index: number; readonly value: number; readonly point: Float64Array }[],
  objective: ObjectiveType,
  repeats: number,
  categorical: CategoricalMask,
): boolean {
  const byIndex = [...observed].sort((a, b) => a.index - b.index);
  const sign = objective === "Maximize" ? 1 : -1;
  let best = Number.NEGATIVE_INFINITY;
  for (const t of byIndex) best = Math.max(best, sign * t.value);
  const latest = byIndex.slice(-repeats);
  if (latest.length < repeats) return false;
  return latest.every(
    (t) =>
      sign * t.value === best &&
      byIndex.some((e) => e.index < t.index && e.value === t.value && separated(e.point, t.point, categorical)),
  );
}
