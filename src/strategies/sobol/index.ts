import { ValidationError } from "../../errors.js";
import { createRng } from "../../random.js";
import type { SearchSpace } from "../../space/index.js";
import type { Strategy, SuggestContext, Suggestion } from "../strategy.js";
import { MAX_SOBOL_DIMENSION } from "./direction-numbers.js";
import { SobolSequence } from "./sobol-sequence.js";

/**
 * Scrambled Sobol points, trial i taking point i. The scramble is drawn from
 * the tuning job's seed alone, so every trial of a job (in any process) walks
 * the same sequence and parallel asks never repeat a point.
 */
export class SobolStrategy implements Strategy {
  readonly name = "Sobol";
  private readonly sequences = new Map<string, SobolSequence>();

  checkSpace(space: SearchSpace): void {
    if (space.dimension > MAX_SOBOL_DIMENSION) {
      throw new ValidationError(
        "ranges",
        `Sobol supports at most ${MAX_SOBOL_DIMENSION} ranges, got ${space.dimension}`,
      );
    }
  }

  /** Memoised so a long run does not re-scramble per suggestion; a pure function of (seed, dimension). */
  private sequence(seed: number, dimension: number): SobolSequence {
    const key = `${seed}:${dimension}`;
    let sequence = this.sequences.get(key);
    if (!sequence) {
      sequence = new SobolSequence(dimension, createRng(seed, "sobol-scramble"));
      this.sequences.set(key, sequence);
    }
    return sequence;
  }

  suggest({ space, seed, trialIndex }: SuggestContext): Suggestion {
    return { hyperparameters: space.decode(this.sequence(seed, space.dimension).point(trialIndex)) };
  }
}

export { SobolSequence } from "./sobol-sequence.js";
