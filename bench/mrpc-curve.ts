/**
 * A 1-D objective with the shape and noise of examples/mrpc's learning-rate curve (F1 against the learning rate,
 * 5e-6 to 5e-4 on a log scale, as measured in the README's seed run): 0.14 at 5e-6, 0.62 at 9.5e-6, a plateau at
 * 0.816 from 1.6e-5 to 8.8e-5, then rising to 0.821 at 1.5e-4, 0.828 at 2.6e-4 and 0.836 at 4.8e-4, its best
 * near the top of the range. The same learning rate scored 0.834 and 0.836 in two jobs: the observations carry
 * Gaussian noise of standard deviation 0.0015.
 */
import type { Rng } from "../src/random.js";

export const MRPC_LR_RANGE = { min: 5e-6, max: 5e-4 } as const;
export const MRPC_NOISE_SD = 0.0015;

/** (learning rate, F1) knots, interpolated linearly in log10 of the learning rate. */
const KNOTS: readonly (readonly [number, number])[] = [
  [5e-6, 0.14],
  [9.5e-6, 0.62],
  [1.6e-5, 0.816],
  [8.8e-5, 0.816],
  [1.5e-4, 0.821],
  [2.6e-4, 0.828],
  [4.8e-4, 0.836],
  [5e-4, 0.835],
];

/** The noise-free F1 at a learning rate within the range. */
export function mrpcF1(learningRate: number): number {
  const x = Math.log10(learningRate);
  for (let i = 1; i < KNOTS.length; i++) {
    const [lr0, f0] = KNOTS[i - 1] as readonly [number, number];
    const [lr1, f1] = KNOTS[i] as readonly [number, number];
    const [x0, x1] = [Math.log10(lr0), Math.log10(lr1)];
    if (x <= x1 || i === KNOTS.length - 1) {
      const t = Math.min(1, Math.max(0, (x - x0) / (x1 - x0)));
      return f0 + t * (f1 - f0);
    }
  }
  return KNOTS[KNOTS.length - 1]?.[1] as number;
}

/** One noisy observation. */
export function mrpcObservedF1(learningRate: number, rng: Rng): number {
  return mrpcF1(learningRate) + MRPC_NOISE_SD * rng.normal();
}

/** Where a learning rate lies on the search scale (log10, the range mapped to [0, 1]). */
export function mrpcSearchScale(learningRate: number): number {
  return Math.log10(learningRate / MRPC_LR_RANGE.min) / Math.log10(MRPC_LR_RANGE.max / MRPC_LR_RANGE.min);
}

/** How many of `learningRates` (in the order run) lie within `within` on the search scale of an earlier one. */
export function nearRepeats(learningRates: readonly number[], within = 0.01): number {
  const u = learningRates.map(mrpcSearchScale);
  return u.filter((v, i) => u.slice(0, i).some((w) => Math.abs(v - w) < within)).length;
}
