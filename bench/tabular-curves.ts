/**
 * The HPOBench MLP tables as simulated training jobs for bench:tuning. The
 * tables give one accuracy per configuration and seed, not learning curves,
 * so the curves are modelled, and the model is stated here:
 *
 * - A job runs EPOCHS epochs; its last value is the table's accuracy (one of
 *   the five seeds, drawn as the table's benchmark draws it).
 * - Accuracy after epoch e is a + (a0 − a)·exp(−e/τ), from a0 = 0.5·a (an
 *   untrained net), with τ = 1 + 8·(1 − lr/9) for learning-rate index lr 0..9:
 *   a larger learning rate learns faster, so early epochs favour fast learners
 *   as real curves do, and an early rank is not the final rank.
 * - Each epoch adds noise of ±0.5% (a seeded draw per job and epoch).
 * - An epoch takes 20 s × (1 + depth) × (1 + width/9) × (2 − batch/9), for
 *   indices depth 0..2, width 0..9, batch 0..9: 40 s to 6 min, so a full job
 *   of 27 epochs takes 18 minutes to 2.7 hours.
 */

import type { SimulatedObjective } from "../src/executors/index.js";
import { createRng, type Rng } from "../src/random.js";
import { TABLE_CHOICES } from "./problems.js";

export const EPOCHS = 27;

export function tabularCurves(table: Record<string, number[]>, seed: number): SimulatedObjective {
  return (hp, { trialIndex }) => {
    const idx = Object.keys(TABLE_CHOICES).map((name) => hp[name] as number);
    const [, batch, depth, lr, width] = idx as [number, number, number, number, number];
    const key = idx.join("");
    const seeds = table[key];
    if (!seeds) throw new Error(`no table entry for ${key}`);
    const rng: Rng = createRng(seed, "curve", trialIndex);
    const final = seeds[rng.int(seeds.length)] as number;
    const tau = 1 + 8 * (1 - lr / 9);
    const start = 0.5 * final;
    const values = Array.from({ length: EPOCHS }, (_, i) => {
      const e = i + 1;
      if (e === EPOCHS) return final;
      return final + (start - final) * Math.exp(-e / tau) + (rng.next() - 0.5) * 0.01;
    });
    return { values, epochSeconds: 20 * (1 + depth) * (1 + width / 9) * (2 - batch / 9) };
  };
}
