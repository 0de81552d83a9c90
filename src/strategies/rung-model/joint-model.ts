import { createRng, type Rng } from "../../random.js";
import { fitIterations } from "../bayesian/design.js";
import { type Acquisition, logEiAcquisition } from "../bayesian/gp/acquisition.js";
import { maximizeAcquisition } from "../bayesian/gp/acquisition-optimizer.js";
import { fitKernel, GaussianProcess, type KernelFit, type TrainingData } from "../bayesian/gp/regressor.js";
import { type BayesianState, lastStoredFit, PRIOR_MEAN_QUANTILE, quantile } from "../bayesian/index.js";
import type { ModelSpace } from "../bayesian/model-space.js";
import { transformOutputs } from "../bayesian/output-transform.js";
import { rows, selectRows } from "../bayesian/training-data.js";
import type { ObjectiveType, TrialView } from "../strategy.js";
import { type LevelData, levelCoordinate } from "./levels.js";

/** Above this many rows the kernel is fitted on a subsample (the target level's rows first), as the Bayesian strategy does. */
export const JOINT_FIT_ROWS = 200;
/** Above this many rows the posterior conditions on a subsample: the target level's rows, then the highest others. */
export const JOINT_MODEL_ROWS = 500;

/** The GP over (configuration, level) and what the acquisition at the target level needs. */
export interface JointModel {
  readonly gp: GaussianProcess;
  readonly kernel: KernelFit;
  /** The target level's coordinate. */
  readonly target: number;
  /** Model-space points of the configurations observed at the target level, best posterior mean first. */
  readonly anchors: readonly Float64Array[];
  /** The best posterior mean at the target level among them: what EI must improve on. */
  readonly incumbent: number;
}

/** A model-space point with the level coordinate appended. */
function withLevel(point: ArrayLike<number>, level: number): Float64Array {
  const out = new Float64Array(point.length + 1);
  out.set(point as ArrayLike<number>);
  out[point.length] = level;
  return out;
}

/** The rows kept when there are more than `limit`: every target-level row, then the highest levels, newest first. */
function keepRows(levels: readonly number[], trials: readonly number[], target: number, limit: number): number[] {
  const order = levels
    .map((_, i) => i)
    .sort((a, b) => {
      const ta = (levels[a] as number) >= target ? 1 : 0;
      const tb = (levels[b] as number) >= target ? 1 : 0;
      if (ta !== tb) return tb - ta;
      if (levels[a] !== levels[b]) return (levels[b] as number) - (levels[a] as number);
      return (trials[b] as number) - (trials[a] as number);
    });
  return order.slice(0, limit).sort((a, b) => a - b);
}

/**
 * The GP on every observation of `levels`, the level an extra input on a log scale (MOBSTER's joint model with
 * a Matérn kernel over configuration and resource): what a configuration did at one rung informs its value at
 * the others as far as the fitted length scale of the level says, so the early rungs' many values and the late
 * rungs' few are one model instead of the one rung BOHB would pick.
 */
export function fitJointModel(
  model: ModelSpace,
  data: LevelData,
  level: number,
  objective: ObjectiveType,
  stored: readonly TrialView[],
): JointModel {
  const d = model.dimension + 1;
  const outputs = transformOutputs(
    data.observations.map((o) => o.value),
    objective === "Maximize" ? 1 : -1,
  );
  const prior = quantile(outputs, PRIOR_MEAN_QUANTILE);
  const coordinate = (level: number) => levelCoordinate(level, data.levels);
  const points = data.observations.map((o) => withLevel(model.toModel(o.hyperparameters), coordinate(o.level)));
  const x = rows(points, d);
  const categorical = Uint8Array.from([...model.categorical, 0]);
  const all: TrainingData = { x, n: points.length, d, y: outputs.map((v) => v - prior), categorical };
  const levels = data.observations.map((o) => o.level);
  const trials = data.observations.map((o) => o.trial);
  const modelled = all.n > JOINT_MODEL_ROWS ? selectRows(all, keepRows(levels, trials, level, JOINT_MODEL_ROWS)) : all;
  const fitted = all.n > JOINT_FIT_ROWS ? selectRows(all, keepRows(levels, trials, level, JOINT_FIT_ROWS)) : all;
  const start = lastStoredFit(stored, d);
  const kernel = fitKernel(fitted, start, { maxIterations: fitIterations(start) });
  const gp = new GaussianProcess(modelled, kernel);
  const target = coordinate(level);
  // The configurations observed at the target level, or (none there yet) all observed ones, at that level.
  const reached = data.observations.some((o) => o.level === level);
  const configurations = new Map<string, Float64Array>();
  data.observations.forEach((o, i) => {
    const point = points[i] as Float64Array;
    if (!reached || o.level === level)
      configurations.set(model.key(point), withLevel(point.subarray(0, d - 1), target));
  });
  const scored = [...configurations.values()]
    .map((p) => ({ point: p.subarray(0, d - 1), mean: gp.mean(p) }))
    .sort((a, b) => b.mean - a.mean);
  return {
    gp,
    kernel,
    target,
    anchors: scored.map((s) => Float64Array.from(s.point)),
    incumbent: scored[0]?.mean ?? Number.NEGATIVE_INFINITY,
  };
}

/** log EI at the target level, over the configuration's coordinates only (the level held fixed). */
function acquisitionAtLevel(gp: GaussianProcess, level: number, incumbent: number): Acquisition {
  const d = gp.d - 1;
  const full = new Float64Array(gp.d);
  full[d] = level;
  const grad = { mean: new Float64Array(gp.d), variance: new Float64Array(gp.d) };
  const slice = {
    d,
    predict(point: ArrayLike<number>, gradient?: { mean: Float64Array; variance: Float64Array }) {
      for (let j = 0; j < d; j++) full[j] = point[j] as number;
      const prediction = gp.predict(full, gradient ? grad : undefined);
      if (gradient) {
        gradient.mean.set(grad.mean.subarray(0, d));
        gradient.variance.set(grad.variance.subarray(0, d));
      }
      return prediction;
    },
  };
  return logEiAcquisition(slice, incumbent);
}

/**
 * The configuration with the highest expected improvement at the target level over the best posterior mean
 * there, its pending configurations believed at the model's mean at that level (kriging believer) so that
 * parallel slots spread out; never one already tried or pending. Undefined when every candidate is taken.
 */
export function jointSuggestion(
  model: ModelSpace,
  joint: JointModel,
  pending: readonly TrialView[],
  taken: ReadonlySet<string>,
  rng: Rng,
): { hyperparameters: ReturnType<ModelSpace["toHyperparameters"]>; state: BayesianState } | undefined {
  const { gp, target } = joint;
  let incumbent = joint.incumbent;
  let process = gp;
  if (pending.length > 0) {
    const fantasies = pending.map((t) => withLevel(model.toModel(t.hyperparameters), target));
    const values = Float64Array.from(fantasies, (p) => gp.mean(p));
    for (const v of values) incumbent = Math.max(incumbent, v);
    process = gp.extend(rows(fantasies, gp.d), values);
  }
  const choice = maximizeAcquisition(
    {
      acquisition: acquisitionAtLevel(process, target, incumbent),
      dimensions: model.dimensions,
      anchors: joint.anchors,
      isExcluded: (p) => taken.has(model.key(p)),
      rng,
    },
    { candidates: 512, refinements: 3, maxIterations: 30 },
  );
  if (!choice) return undefined;
  return { hyperparameters: model.toHyperparameters(choice.point), state: { kernel: joint.kernel } };
}

/** The stream a joint suggestion draws its candidates from. */
export function jointRng(seed: number, trialIndex: number): Rng {
  return createRng(seed, "rung-model-joint", trialIndex);
}
