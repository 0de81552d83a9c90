import type { Strategy, SuggestContext, Suggestion } from "../strategy.js";

/** Uniform sampling of the unit cube, so each range is sampled on its own scale. */
export class RandomStrategy implements Strategy {
  readonly name = "Random";

  checkSpace(): void {}

  suggest({ space, rng }: SuggestContext): Suggestion {
    const point = Float64Array.from({ length: space.dimension }, () => rng.next());
    return { hyperparameters: space.decode(point) };
  }
}
