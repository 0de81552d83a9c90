import { describeValue, ValidationError } from "../errors.js";
import { BayesianStrategy } from "./bayesian/index.js";
import { GridStrategy } from "./grid/index.js";
import { RandomStrategy } from "./random/index.js";
import { RungModelStrategy } from "./rung-model/index.js";
import { SobolStrategy } from "./sobol/index.js";
import type { Strategy } from "./strategy.js";

/** HyperbandModel samples model-based Hyperband's configurations (rung-model/); alone it is Bayesian search on rungs. */
export const STRATEGY_NAMES = ["Random", "Grid", "Sobol", "Bayesian", "HyperbandModel"] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

const factories: Record<StrategyName, () => Strategy> = {
  Random: () => new RandomStrategy(),
  Grid: () => new GridStrategy(),
  Sobol: () => new SobolStrategy(),
  Bayesian: () => new BayesianStrategy(),
  HyperbandModel: () => new RungModelStrategy(),
};

/** A strategy by its SageMaker name; an unknown name is a typed error listing the known ones. */
export function createStrategy(name: unknown, field = "strategy"): Strategy {
  if (!STRATEGY_NAMES.includes(name as StrategyName)) {
    throw new ValidationError(
      field,
      `must be one of ${STRATEGY_NAMES.join(", ")}, got ${describeValue(name)}`,
      "E_UNKNOWN_STRATEGY",
    );
  }
  return factories[name as StrategyName]();
}
