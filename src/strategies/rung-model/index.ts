import { createRng } from "../../random.js";
import type { SearchSpace } from "../../space/index.js";
import { BayesianStrategy, quantile } from "../bayesian/index.js";
import { ModelSpace } from "../bayesian/model-space.js";
import { RandomStrategy } from "../random/index.js";
import type { Strategy, SuggestContext, Suggestion } from "../strategy.js";
import { fitJointModel, type JointModel, jointRng, jointSuggestion } from "./joint-model.js";
import { aimLevel, levelData } from "./levels.js";

/**
 * Model-based Hyperband's sampler, as MOBSTER (Syne Tune) samples: one GP over the configuration and the level
 * (epoch count) jointly, fitted on every value every job reached at Hyperband's rungs, finished and running jobs
 * alike. Hyperband judges most jobs after a few epochs, so final results are few and come late: a model on
 * final results only did worse than random sampling, and BOHB's model on a single rung (the highest with enough
 * values, tried before this one) either ignored the late rungs or waited for them. The joint model uses both:
 * the many early values where the late ones are missing, the late ones where they exist, with the level's fitted
 * length scale saying how far an early rank can be trusted.
 *
 * Each new configuration maximises expected improvement at the highest level seen (the end), times the model's
 * probability that it survives the first rung of its bracket (that its value there beats the best third's
 * threshold): Hyperband stops most jobs at a low rung whose ranking can differ from the end's (a fast learner
 * leads after one epoch), so a configuration good at the end but sure to be stopped early is wasted. A trial
 * of the last bracket, never judged, is chosen for the end alone. Without the tuner's word on where a trial is
 * judged (SuggestContext.judgedAt), the target is the highest level with enough values, as in MOBSTER and BOHB.
 * In bench:tuning (5 seeds) aiming every trial at the level with enough values, the end only for unjudged
 * trials, or each trial at its first rung did no better.
 *
 * A share of the configurations stays random (RANDOM_FRACTION), so a model misled by early epochs cannot starve
 * the search of fresh points; before any level has enough values, every configuration is random.
 */
export class RungModelStrategy implements Strategy {
  readonly name = "HyperbandModel";
  private readonly random = new RandomStrategy();
  private readonly bayesian = new BayesianStrategy();

  checkSpace(space: SearchSpace): void {
    this.bayesian.checkSpace(space);
  }

  suggest(context: SuggestContext): Suggestion {
    const d = context.space.names.length;
    if (createRng(context.seed, "rung-model-random", context.trialIndex).next() < RANDOM_FRACTION) {
      return this.random.suggest(context);
    }
    const data = levelData(context.history, context.pending, minimumPoints(d));
    if (!data) return this.random.suggest(context);
    const model = new ModelSpace(context.space);
    const trials = [...context.history, ...context.pending];
    const taken = new Set(trials.map((t) => model.key(model.toModel(t.hyperparameters))));
    if (context.space.size() <= taken.size) return "exhausted";
    const target = aimLevel(data, context.judgedAt?.[context.trialIndex]);
    const joint = fitJointModel(model, data, target, context.objective, trials);
    // Pending jobs that have not reached the target level yet: believed there, so parallel slots spread out.
    const short = context.pending.filter((t) => (t.series?.length ?? 0) < target);
    const survive = survivalTarget(joint, context.judgedAt?.[context.trialIndex], target);
    const suggestion = jointSuggestion(model, joint, short, taken, jointRng(context.seed, context.trialIndex), survive);
    return suggestion ?? this.random.suggest(context);
  }
}

/**
 * Where a configuration chosen for `target` will first be judged, when that is below the target and the rung has
 * values: the level's coordinate, and the value it must beat to be among the best third there.
 */
function survivalTarget(joint: JointModel, rungs: readonly number[] | undefined, target: number) {
  const first = rungs?.[0];
  if (first === undefined || first >= target) return undefined;
  const outputs = joint.outputsAt(first);
  if (outputs.length < 3) return undefined;
  return { level: joint.coordinate(first), threshold: quantile(outputs, 1 - SURVIVING_SHARE) };
}

/** The share of a rung's jobs Hyperband lets continue: 1/η with the η = 3 of the tuner's rungs. */
const SURVIVING_SHARE = 1 / 3;

/** The share of configurations drawn at random however good the model, BOHB's default. */
export const RANDOM_FRACTION = 1 / 3;

/** Values a level needs before new configurations are judged there: BOHB fits a budget's model past d + 1. */
export function minimumPoints(dimension: number): number {
  return Math.max(dimension + 2, 6);
}
