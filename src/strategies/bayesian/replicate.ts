/**
 * Noise or structure? A GP fitted to a rugged deterministic function (Rastrigin's grid of local minima, seen
 * through a few dozen points) explains what it cannot resolve as noise, just as it does the noise of a training
 * run, and the near-repeat rule then keeps the search from refining anything. The two differ only in what a
 * second evaluation next to a point gives: the same value, or another draw. A replicate, a point a hair away from
 * an observed one, answers that. The fitted noise is no yardstick for the answer (on a curve with a cliff it is
 * mostly misfit too); the outputs' own spread is: a replicate that agrees to a ten-thousandth of it is
 * deterministic for any purpose a tuning job has.
 *
 * A third answer: the very same value. A smooth function moved by a ten-millionth of a range changes by a little,
 * however little; one that does not change at all is flat at that scale, as an F1 score on a fixed evaluation set
 * is (it moves in steps of one example, and a fine-tuning run seeded alike gives the same predictions for learning
 * rates a hair apart). Refining such a function finds the same value again: on the MRPC example, run on CPU where
 * training is reproducible, treating it as deterministic sent 10 of 30 jobs within 1% of an earlier one, 8 of them
 * at the top of the range scoring exactly alike. So a quantised objective keeps the near-repeat rule.
 */

/** How far a replicate is from its original along each continuous dimension, on the unit range. */
export const REPLICATE_STEP = 1e-7;

/** The largest difference, in standardised outputs (the fit's y), between a deterministic replicate's values. */
const DETERMINISTIC_BELOW = 1e-4;

export type ReplicateVerdict = "noisy" | "deterministic" | "quantised" | "untested";

function isReplicate(a: Float64Array, b: Float64Array): boolean {
  for (let j = 0; j < a.length; j++)
    if (Math.abs((a[j] as number) - (b[j] as number)) > 2 * REPLICATE_STEP) return false;
  return true;
}

/**
 * The verdict of the replicates among the observations (`points` and their standardised outputs `y`): noisy when
 * any pair differs by more than DETERMINISTIC_BELOW, quantised when every pair has exactly the same value,
 * deterministic when every pair agrees and one at least not exactly, untested without one.
 */
export function replicateVerdict(points: readonly Float64Array[], y: ArrayLike<number>): ReplicateVerdict {
  let tested = false;
  let allExact = true;
  for (let a = 0; a < points.length; a++) {
    for (let b = 0; b < a; b++) {
      if (!isReplicate(points[a] as Float64Array, points[b] as Float64Array)) continue;
      const difference = Math.abs((y[a] as number) - (y[b] as number));
      if (difference > DETERMINISTIC_BELOW) return "noisy";
      tested = true;
      if (difference !== 0) allExact = false;
    }
  }
  if (!tested) return "untested";
  return allExact ? "quantised" : "deterministic";
}

/** The replicate of `point`: each continuous coordinate moved by REPLICATE_STEP, inwards from the nearer bound. */
export function replicateOf(point: Float64Array, continuous: readonly boolean[]): Float64Array {
  return Float64Array.from(point, (u, j) => (continuous[j] ? (u < 0.5 ? u + REPLICATE_STEP : u - REPLICATE_STEP) : u));
}
