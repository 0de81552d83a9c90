import type { TrialView } from "../strategy.js";
import type { KernelFit } from "./gp/regressor.js";

/** What a Bayesian suggestion stores with its trial: the kernel fit it used, to warm-start the next fit. */
export interface BayesianState {
  readonly kernel: KernelFit;
  /**
   * Set when the suggestion was the lead (pending-lead.ts): the acquisition it maximised had the pending trials
   * believed but the best result as the value to beat. The model view recomputes that acquisition.
   */
  readonly lead?: boolean;
}

function isKernelFit(value: unknown, d: number): value is KernelFit {
  const fit = value as KernelFit | undefined;
  return (
    typeof fit === "object" &&
    fit !== null &&
    Array.isArray(fit.logLambda) &&
    fit.logLambda.length === d &&
    fit.logLambda.every(Number.isFinite) &&
    Number.isFinite(fit.logScale) &&
    Number.isFinite(fit.logNoise)
  );
}

/** The kernel fit stored with the most recent trial (by index) that has one. */
export function lastStoredFit(trials: readonly TrialView[], d: number): KernelFit | undefined {
  let latest: TrialView | undefined;
  for (const trial of trials) {
    const kernel = (trial.strategyState as BayesianState | undefined)?.kernel;
    if (isKernelFit(kernel, d) && (!latest || trial.index > latest.index)) latest = trial;
  }
  return (latest?.strategyState as BayesianState | undefined)?.kernel;
}
