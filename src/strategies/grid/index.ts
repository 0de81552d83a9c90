import { ValidationError } from "../../errors.js";
import type { Hyperparameters, SearchSpace } from "../../space/index.js";
import type { Strategy, SuggestContext, Suggestion } from "../strategy.js";

/**
 * Every combination of categorical values exactly once, in a fixed order
 * (the last range varies fastest), then "exhausted". Trial i gets combination
 * i, so parallel asks never repeat one.
 */
export class GridStrategy implements Strategy {
  readonly name = "Grid";

  checkSpace(space: SearchSpace): void {
    for (const [name, range] of space.ranges()) {
      if (range.kind !== "Categorical") {
        throw new ValidationError(
          `ranges.${name}`,
          `Grid search needs categorical ranges only, but "${name}" is ${range.kind}`,
          "E_GRID_NON_CATEGORICAL",
        );
      }
    }
  }

  suggest({ space, trialIndex }: SuggestContext): Suggestion {
    if (trialIndex >= space.size()) return "exhausted";
    const hyperparameters: Hyperparameters = {};
    let rest = trialIndex;
    for (const [name, range] of space.ranges().reverse()) {
      const k = range.cardinality();
      hyperparameters[name] = range.decode(((rest % k) + 0.5) / k);
      rest = Math.floor(rest / k);
    }
    return { hyperparameters: Object.fromEntries(space.names.map((n) => [n, hyperparameters[n]])) as Hyperparameters };
  }
}
