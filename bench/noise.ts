/**
 * Noisy versions of bench:bayesian's synthetic functions: each observation is the function's value plus
 * Gaussian noise of a given fraction of the function's spread (the standard deviation of its values over the
 * domain, estimated from 4,096 seeded uniform points). The draws are fixed per (function, seed, observation
 * number) and handed to every optimiser, tunekit's and Optuna's alike, so all see the same noise in the order
 * they tell results; each run is scored by the true (noise-free) value of the configuration it reports as best.
 */
import { createRng } from "../src/random.js";
import type { TestFunction } from "./functions.js";

const spreads = new Map<string, number>();

/** The standard deviation of `fn` over its domain (4,096 seeded uniform points), memoised. */
export function spreadOf(fn: TestFunction): number {
  const known = spreads.get(fn.name);
  if (known !== undefined) return known;
  const rng = createRng(0, "spread", fn.name);
  const values = Array.from({ length: 4096 }, () => fn.f(fn.bounds.map(([lo, hi]) => lo + (hi - lo) * rng.next())));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
  spreads.set(fn.name, sd);
  return sd;
}

/** The noise added to observations 1..count of a run: level × spread × N(0, 1), fixed by (function, seed). */
export function noiseDraws(fn: TestFunction, level: number, seed: number, count: number): number[] {
  const rng = createRng(seed, "observation-noise", fn.name);
  const scale = level * spreadOf(fn);
  return Array.from({ length: count }, () => scale * rng.normal());
}
