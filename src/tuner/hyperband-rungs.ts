import { createRng } from "../random.js";
import type { StopDecision, Stopper } from "./stopper.js";

/** Hyperband keeps the best 1/η at each rung; 3 is the reduction factor of Hyperband's and ASHA's papers. */
export const HYPERBAND_ETA = 3;

/**
 * Hyperband's stopping decisions, asynchronous as in ASHA, over Hyperband's
 * brackets. Bracket b starts judging jobs at MinResource·η^b epochs and has
 * rungs at MinResource·η^(b+k) below MaxResource; the last bracket has none and
 * runs every job to MaxResource. A job reaching a rung of its bracket continues
 * only while its value there is among the best ⌊m/η⌋ (at least one) of the m
 * jobs of the bracket that have reached that rung so far, itself included;
 * every job is stopped at MaxResource.
 *
 * A trial's bracket is drawn from (seed, trial index) with Hyperband's
 * weights (bracket b gets ⌈(B/(B−b))·η^(B−1−b)⌉ configurations per round of B
 * brackets), so most jobs go to the aggressive brackets and a few are judged
 * late or not at all: a hedge against early epochs that rank jobs differently
 * from their end. `brackets: 1` is ASHA (every job in the most aggressive one).
 * Decisions depend only on the values recorded, so a resumed tuner decides as
 * the first one would have.
 */
export class HyperbandRungs implements Stopper {
  /** Rungs of each bracket, most aggressive first. */
  readonly bracketRungs: readonly (readonly number[])[];
  private readonly weights: readonly number[];

  constructor(
    readonly minResource: number,
    readonly maxResource: number,
    readonly eta = HYPERBAND_ETA,
    brackets?: number,
  ) {
    const base: number[] = [];
    for (let r = minResource; r < maxResource; r *= eta) base.push(r);
    const count = Math.max(1, Math.min(brackets ?? base.length + 1, base.length + 1));
    this.bracketRungs = Array.from({ length: count }, (_, b) => base.slice(b));
    const B = base.length + 1;
    this.weights = this.bracketRungs.map((_, b) => Math.ceil((B / (B - b)) * eta ** (B - 1 - b)));
  }

  /** The rungs of the most aggressive bracket. */
  get rungs(): readonly number[] {
    return this.bracketRungs[0] as readonly number[];
  }

  group(trialIndex: number, seed: number): number {
    const total = this.weights.reduce((a, b) => a + b, 0);
    let u = createRng(seed, "hyperband-bracket", trialIndex).next() * total;
    for (const [b, w] of this.weights.entries()) {
      u -= w;
      if (u < 0) return b;
    }
    return this.weights.length - 1;
  }

  judgedAt(trialIndex: number, seed: number): readonly number[] {
    return this.bracketRungs[this.group(trialIndex, seed)] as readonly number[];
  }

  decide(
    series: readonly number[],
    epoch: number,
    others: readonly (readonly number[])[],
    bracket = 0,
  ): StopDecision | undefined {
    if (epoch >= this.maxResource) {
      return { reason: "hyperband-max-resource", detail: `reached MaxResource (${this.maxResource} epochs)` };
    }
    if (!(this.bracketRungs[bracket] ?? []).includes(epoch)) return undefined;
    const value = series[epoch - 1] as number;
    let reached = 1;
    let better = 0;
    for (const other of others) {
      if (other.length < epoch) continue;
      reached++;
      if ((other[epoch - 1] as number) < value) better++;
    }
    const keep = Math.max(1, Math.floor(reached / this.eta));
    if (better < keep) return undefined;
    return {
      reason: "hyperband-rung",
      detail: `rung at epoch ${epoch}: ${better} of ${reached} jobs there are better; the best ${keep} continue`,
    };
  }
}
