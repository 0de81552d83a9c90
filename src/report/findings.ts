import { formatNumber } from "../console/format.js";
import type { TuningObjective } from "../identity.js";
import type { TrainingJobPoint } from "../store/index.js";
import type { ReportAxis } from "./report-data.js";

/**
 * The two questions people ask of a finished tuning job, answered with its
 * own numbers: how soon was the best job found, and how much of the budget
 * went near the optimum (a value within a factor of NEAR_FACTOR of the best
 * job's, for each hyperparameter searched on a log scale, where a factor is
 * the natural unit; for each numeric one where none is).
 */
export const NEAR_FACTOR = 2;

export interface NearOptimum {
  readonly name: string;
  /** The best job's value of this hyperparameter. */
  readonly best: number;
  /** Jobs that ran (started) with a value in [best / NEAR_FACTOR, best × NEAR_FACTOR]. */
  readonly near: number;
  /** Jobs that ran. */
  readonly of: number;
}

export interface Findings {
  readonly bestJob: string;
  readonly bestValue: number;
  /** The best job's position in launch order, 1-based: "found after N jobs". */
  readonly foundAfter: number;
  readonly jobsRun: number;
  readonly nearOptimum: readonly NearOptimum[];
}

/** The order jobs were launched in; a warm start's parents come first, with negative indices, and are not counted. */
const launchOrder = (jobs: readonly TrainingJobPoint[]) =>
  jobs
    .filter((j) => j.startedAt !== null)
    .sort((a, b) => (a.trialIndex ?? 0) - (b.trialIndex ?? 0) || a.createdAt - b.createdAt);

export function tuningFindings(
  jobs: readonly TrainingJobPoint[],
  objective: TuningObjective,
  axes: readonly ReportAxis[],
): Findings | undefined {
  const ran = launchOrder(jobs);
  const sign = objective.Type === "Minimize" ? -1 : 1;
  let best: TrainingJobPoint | undefined;
  for (const job of ran) {
    // The jobs Describe's BestTrainingJob is chosen among: an objective that Succeeded.
    if (job.objectiveStatus !== "Succeeded" || job.objectiveValue === null) continue;
    if (!best || sign * job.objectiveValue > sign * (best.objectiveValue as number)) best = job;
  }
  if (!best) return undefined;
  const nearOptimum: NearOptimum[] = [];
  const numeric = axes.filter((a) => a.kind !== "category");
  const measured = numeric.some((a) => a.kind === "log") ? numeric.filter((a) => a.kind === "log") : numeric;
  for (const axis of measured) {
    const center = best.hyperparameters[axis.name];
    if (typeof center !== "number" || !(center > 0)) continue;
    const near = ran.filter((j) => {
      const v = j.hyperparameters[axis.name];
      return typeof v === "number" && v >= center / NEAR_FACTOR && v <= center * NEAR_FACTOR;
    }).length;
    nearOptimum.push({ name: axis.name, best: center, near, of: ran.length });
  }
  return {
    bestJob: best.name,
    bestValue: best.objectiveValue as number,
    foundAfter: ran.indexOf(best) + 1,
    jobsRun: ran.length,
    nearOptimum,
  };
}

/** The findings as sentences, for the report and the terminal. */
export function findingsSentences(findings: Findings, metric: string): string[] {
  const value = formatNumber(findings.bestValue, 4);
  return [
    `The best job, ${findings.bestJob} (${metric} ${value}), was the ${ordinal(findings.foundAfter)} of ${findings.jobsRun} jobs: the optimum was found after ${findings.foundAfter} ${findings.foundAfter === 1 ? "job" : "jobs"}.`,
    ...findings.nearOptimum.map(
      (n) =>
        `${n.near} of ${n.of} jobs ran near the optimum of ${n.name}: within a factor of ${NEAR_FACTOR} of the best job's ${formatNumber(n.best, 3)}.`,
    ),
  ];
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" }[n % 10] ?? "th");
  return `${n}${suffix}`;
}
