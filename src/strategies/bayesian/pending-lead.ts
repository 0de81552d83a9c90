import type { GaussianProcess } from "./gp/regressor.js";

/**
 * The lead with trials pending: the step the search would take if the pending trials did not raise the bar.
 *
 * The kriging believer (index.ts) takes the model's mean at each pending trial as its result and, where that is
 * better than the best result, makes it the value to beat. With 3 trials in parallel every ask has two pending,
 * and once the search is in a basin those are its latest steps into it, chosen on the results of an ask or two
 * ago. When the newest results move the model's best guess beyond them, the believed bar still stands at what
 * it predicts for them, and the new guess, its variance taken by the believed points around it, had too little
 * left to gain: the ask went where the variance was instead, and the step waited for the pending results
 * (Hartmann-3, 30 seeds: regret from 1 to 0.1 took 6 trials in parallel against 3 sequentially).
 *
 * The lead is the acquisition's best point with the pending trials believed (their uncertainty removed) but the
 * bar left at the best result. It is asked when the model predicts it better than every pending trial (a step
 * beyond them, not beside them) and the pending trials leave it more than LEAD_VARIANCE_LEFT of its posterior
 * variance (they do not already stand where it is); otherwise the ask is the believer's, which spreads out
 * from them. Without the first condition, the lead also took steps beside pending ones that the believer
 * would have spread out, and lost at 100 trials what it gained at 30 (Hartmann-3 @100: 0.5 worse, 30 seeds).
 */
export const LEAD_VARIANCE_LEFT = 0.2;

/** The share of the posterior variance at `point` under `model` that remains once `believed` conditions on more. */
export function varianceLeft(model: GaussianProcess, believed: GaussianProcess, point: Float64Array): number {
  const before = model.predict(point).variance;
  if (!(before > 0)) return 0;
  return believed.predict(point).variance / before;
}

/**
 * Whether the lead at `point` is asked: `model` (the history's) predicts it better than every `pending` point
 * (the model maximises), and `believed` (the model with those points believed) leaves it more than
 * LEAD_VARIANCE_LEFT of its variance.
 */
export function leadIsNew(
  model: GaussianProcess,
  believed: GaussianProcess,
  point: Float64Array,
  pending: readonly Float64Array[],
): boolean {
  const mean = model.mean(point);
  if (!pending.every((q) => mean > model.mean(q))) return false;
  return varianceLeft(model, believed, point) > LEAD_VARIANCE_LEFT;
}
