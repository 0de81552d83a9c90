import type { StopDecision, Stopper } from "./stopper.js";

/** Hyperband keeps the best 1/η at each rung; 3 is the reduction factor of Hyperband's and ASHA's papers. */
export const HYPERBAND_ETA = 3;

/**
 * Hyperband's stopping decisions, asynchronous as in ASHA: rungs at
 * MinResource·η^k epochs below MaxResource. A job reaching a rung continues
 * only while its value there is among the best ⌊m/η⌋ (at least one) of the
 * m jobs that have reached that rung so far, itself included; every job is
 * stopped at MaxResource. Decisions depend only on the values recorded, so
 * a resumed tuner decides as the first one would have.
 */
export class HyperbandRungs implements Stopper {
  readonly rungs: readonly number[];

  constructor(
    readonly minResource: number,
    readonly maxResource: number,
    readonly eta = HYPERBAND_ETA,
  ) {
    const rungs: number[] = [];
    for (let r = minResource; r < maxResource; r *= eta) rungs.push(r);
    this.rungs = rungs;
  }

  decide(series: readonly number[], epoch: number, others: readonly (readonly number[])[]): StopDecision | undefined {
    if (epoch >= this.maxResource) {
      return { reason: "hyperband-max-resource", detail: `reached MaxResource (${this.maxResource} epochs)` };
    }
    if (!this.rungs.includes(epoch)) return undefined;
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
