import { createRng } from "../../random.js";
import type { SearchSpace } from "../../space/index.js";
import { BayesianStrategy } from "../bayesian/index.js";
import { ModelSpace } from "../bayesian/model-space.js";
import { RandomStrategy } from "../random/index.js";
import type { Strategy, SuggestContext, Suggestion } from "../strategy.js";
import { fitJointModel, jointRng, jointSuggestion } from "./joint-model.js";
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
 * Each new configuration maximises expected improvement at the highest level with enough values (as MOBSTER
 * and BOHB choose), over the best posterior mean of the configurations observed there; a trial the tuner says
 * no rung will judge (SuggestContext.judgedAt: Hyperband's last bracket) is chosen for the highest level seen,
 * the end, which is all that counts for it. In bench:tuning (5 seeds) aiming every trial at the end, each at
 * its bracket's first rung, or at the end weighted by the model's probability of surviving the first rung
 * (constrained EI) did no better.
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
    const suggestion = jointSuggestion(model, joint, short, taken, jointRng(context.seed, context.trialIndex));
    return suggestion ?? this.random.suggest(context);
  }
}

/** The share of configurations drawn at random however good the model, BOHB's default. */
export const RANDOM_FRACTION = 1 / 3;

/** Values a level needs before new configurations are judged there: BOHB fits a budget's model past d + 1. */
export function minimumPoints(dimension: number): number {
  return Math.max(dimension + 2, 6);
}
