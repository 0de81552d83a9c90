// How much the Bayesian search does at each step: its initial design, how long it fits the kernel, and how many
// candidates it scores and refines per suggestion.

/**
 * The Sobol initial design: d + 1 points, at least 5, before the GP takes
 * over. In development runs on Hartmann-6 a larger design, 2(d + 1), left
 * more runs stuck in its local minimum: the model finds the basins sooner
 * than more space-filling points do.
 */
export function initialDesignSize(dimension: number): number {
  return Math.max(5, dimension + 1);
}

/** Candidates scored per suggestion: about 2e7 floating-point operations' worth, between 256 and 2048. */
export function candidateCount(n: number, d: number): number {
  return Math.max(256, Math.min(2048, Math.floor(5e6 / ((n * n) / 2 + n * d))));
}

/** Local refinements of the best candidates: fewer once each costs O(n²) on a large history. */
export function refinementCount(n: number): number {
  return n > 300 ? 2 : 5;
}

/**
 * L-BFGS iterations for a kernel fit: 10 when warm-started from the previous one, 100 when cold. One new
 * observation moves the optimum little, and each trial's fit continues from the last, so the optimisation is
 * spread over trials; the fit is about half of a suggestion's cost, so it is kept short.
 */
export function fitIterations(warmStart: unknown): number {
  return warmStart ? 10 : 100;
}
