import type { TrialView } from "../strategy.js";
import type { KernelFit } from "./gp/regressor.js";
import type { ModelSpace } from "./model-space.js";
import { resolutionPerDimension } from "./near-repeat.js";
import { replicateOf } from "./replicate.js";
import type { ModelData } from "./training-data.js";
import { minimumRegionLength, type Region, regionLength, trustRegion } from "./trust-region.js";

/**
 * A suggestion closer than this (in the kernel's scaled squared distance r²;
 * correlation above 0.999) to a pending trial is the same experiment as far
 * as the model can tell. The believer alone can still put one there, a hair
 * down the mean's slope, so such points are skipped.
 */
export const PENDING_EXCLUSION = 1.2e-3;
/** The share of a pending point's distance to the nearest observation that it excludes, when under the above. */
const PENDING_SHARE = 0.25;

/** The index (in `observed`) of the best observed value. */
export function bestObservedIndex(observed: readonly TrialView[], objective: "Minimize" | "Maximize"): number {
  const sign = objective === "Minimize" ? -1 : 1;
  let best = 0;
  observed.forEach((t, i) => {
    if (sign * (t.value as number) > sign * ((observed[best] as TrialView).value as number)) best = i;
  });
  return best;
}

/**
 * The radius (scaled squared distance) around a pending trial where no suggestion goes: PENDING_EXCLUSION, or a
 * quarter of the pending point's own distance to the nearest observation when that is less. A pending trial
 * that refines the incumbent by 1e-4 then blocks a ball of that size, not 1% of every range, and the other
 * parallel slots can refine too instead of being pushed out of the basin.
 */
export function pendingExclusion(
  q: Float64Array,
  observed: readonly Float64Array[],
  distance: (a: Float64Array, b: Float64Array) => number,
): number {
  let gap = Number.POSITIVE_INFINITY;
  for (const o of observed) gap = Math.min(gap, distance(q, o));
  return Math.min(PENDING_EXCLUSION, PENDING_SHARE * gap);
}

/**
 * Where the acquisition is maximised (trust-region.ts): the box around the best observed point, its side
 * replayed from the results. On a noisy objective the box stops at a few near-repeat resolutions; when it
 * would shrink below that before any replicate has been run (`untested`), the answer is a replicate of the
 * best point (replicate.ts), which tells noise from unresolved structure.
 */
export function searchRegion(
  model: ModelSpace,
  built: ModelData,
  kernel: KernelFit,
  centre: Float64Array,
  objective: "Minimize" | "Maximize",
  spacing: { readonly kept: boolean; readonly untested: boolean },
  designSize: number,
): { region: Region } | { replicate: Float64Array } {
  const d = model.dimension;
  const sign = objective === "Minimize" ? -1 : 1;
  const told = [...built.observed].sort((a, b) => a.index - b.index).map((t) => sign * (t.value as number));
  const numeric = model.dimensions.map((x) => x.kind !== "categorical");
  const continuous = model.dimensions.map((x) => x.kind === "continuous");
  const floor = spacing.kept ? minimumRegionLength(kernel, resolutionPerDimension(kernel), numeric) : undefined;
  if (floor !== undefined && spacing.untested && continuous.some(Boolean)) {
    if (regionLength(told, designSize, d) < floor) return { replicate: replicateOf(centre, continuous) };
  }
  return { region: trustRegion(centre, regionLength(told, designSize, d, floor), kernel, numeric) };
}
