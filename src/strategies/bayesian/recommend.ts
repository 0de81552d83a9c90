import type { SearchSpace } from "../../space/index.js";
import type { ObjectiveType, TrialView } from "../strategy.js";
import { fitKernel, GaussianProcess, type KernelFit, type TrainingData } from "./gp/regressor.js";
import { ModelSpace } from "./model-space.js";
import { inverseTransform, MAX_CONDITIONING } from "./posterior-slice.js";
import { lastStoredFit } from "./stored-fit.js";
import { modelData } from "./training-data.js";

/**
 * The configuration the model recommends: among the trials run, the one whose posterior mean is best. The best
 * observed value (SageMaker's BestTrainingJob) is, on a noisy objective, partly the luckiest draw, and the more
 * trials near the optimum the luckier it gets; the posterior mean pools each result with its neighbours, so it
 * ranks configurations by what they would score again. On a deterministic objective the two agree (the mean
 * interpolates the observations).
 */
export interface Recommendation {
  /** The recommended trial's index in `history`'s numbering. */
  readonly index: number;
  /** The model's estimate of its objective, in the objective's units. */
  readonly estimate: number;
  /** How many results the model was fitted on. */
  readonly observations: number;
}

/**
 * The recommended trial among `history` (finished trials; negative indices, a warm start's parents, are
 * modelled but never recommended, as are trials `eligible` rejects), or undefined with fewer than two results. The kernel fit is the one stored
 * with the latest Bayesian suggestion, else `kernel`, else fitted here (on at most MAX_CONDITIONING results).
 */
export function recommendTrial(
  space: SearchSpace,
  objective: ObjectiveType,
  history: readonly TrialView[],
  kernel?: KernelFit,
  eligible: (trial: TrialView) => boolean = () => true,
): Recommendation | undefined {
  const model = new ModelSpace(space);
  const built = modelData(model, history, objective);
  if (!built) return undefined;
  const { observed, points } = built;
  const rowsKept = conditioningRows(built.data.y, observed.length);
  const data = selectRows(built.data, rowsKept);
  const fit = lastStoredFit(history, model.dimension) ?? kernel ?? fitKernel(data, undefined, { maxIterations: 100 });
  const gp = new GaussianProcess(data, fit);
  let best: { index: number; mean: number } | undefined;
  observed.forEach((trial, i) => {
    if (trial.index < 0 || !eligible(trial) || !rowsKept.has(i)) return;
    const mean = gp.mean(points[i] as Float64Array);
    if (!best || mean > best.mean) best = { index: trial.index, mean };
  });
  if (!best) return undefined;
  const chosen = best as { index: number; mean: number };
  // Back to the objective's units through the observed (output, value) pairs, as the model view does.
  const values = observed.map((t) => t.value as number);
  const outputs = Array.from(built.data.y.subarray(0, observed.length));
  return {
    index: chosen.index,
    estimate: inverseTransform(outputs, values)(chosen.mean),
    observations: observed.length,
  };
}

/**
 * The rows the model conditions on: all of them up to MAX_CONDITIONING (the posterior is cubic in its rows);
 * above, the best half of that many observations (where the recommendation lies) and an even stride through
 * the rest, so the answer stays a fraction of a second for a tuning job of thousands of jobs.
 */
function conditioningRows(y: Float64Array, observed: number): Set<number> {
  const all = Array.from({ length: y.length }, (_, i) => i);
  if (y.length <= MAX_CONDITIONING) return new Set(all);
  const order = all.slice(0, observed).sort((a, b) => (y[b] as number) - (y[a] as number));
  const kept = new Set(order.slice(0, MAX_CONDITIONING / 2));
  const rest = all.filter((i) => !kept.has(i));
  const stride = rest.length / (MAX_CONDITIONING / 2);
  for (let k = 0; k < MAX_CONDITIONING / 2; k++) kept.add(rest[Math.floor(k * stride)] as number);
  return kept;
}

function selectRows(data: TrainingData, kept: Set<number>): TrainingData {
  if (kept.size === data.n) return data;
  const chosen = [...kept].sort((a, b) => a - b);
  const x = new Float64Array(chosen.length * data.d);
  chosen.forEach((i, k) => {
    x.set(data.x.subarray(i * data.d, (i + 1) * data.d), k * data.d);
  });
  return { ...data, x, n: chosen.length, y: Float64Array.from(chosen, (i) => data.y[i] as number) };
}
