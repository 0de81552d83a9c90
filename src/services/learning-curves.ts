import { parseTuningJobRequest } from "../config/tuning-job-request.js";
import { objectiveOf } from "../identity.js";
import { createRng } from "../random.js";
import { type RobustLimit, robustLimit } from "../report/robust-axis.js";
import { statusGroup, stopReasonText } from "../report/status-groups.js";
import type { Store, StoredMetricPoint, TrainingJobPoint, TuningJobRecord } from "../store/index.js";
import { HyperbandRungs } from "../tuner/hyperband-rungs.js";
import { MedianRule } from "../tuner/median-rule.js";
import { median, type Stopper } from "../tuner/stopper.js";

/**
 * Every job's objective metric after each epoch (its n-th value is epoch n, as the early-stopping rules count),
 * for the console's learning curves, with each early-stopped job's judgement recomputed from the stored series
 * as the rule saw them when it judged: the epoch, the value, the median rule's threshold and the sentence the
 * CLI printed.
 */
export interface LearningCurve {
  readonly name: string;
  readonly trial: number;
  /** The job's status group (see STATUS_GROUPS). */
  readonly group: number;
  readonly values: readonly number[];
  /** Seconds from the job's start to each value. */
  readonly seconds: readonly number[];
  /** A stopped job's stop reason in words. */
  readonly reason?: string;
  /** Where an early-stopping rule ruled the job out. */
  readonly judged?: {
    readonly epoch: number;
    readonly value: number;
    readonly threshold?: number;
    readonly detail: string;
  };
}

export interface LearningCurves {
  readonly metric: string;
  readonly type: "Maximize" | "Minimize";
  /** The rule that stops jobs early, if any. */
  readonly rule: "median" | "hyperband" | null;
  readonly curves: readonly LearningCurve[];
  /** How many jobs there are; `curves` holds all of them up to CURVES_MAX. */
  readonly total: number;
  /** Where to clip the value axis, when some values are far out (see robust-axis.ts). */
  readonly robust?: RobustLimit;
}

/** Above this many jobs the curves shown are the best quarter, every early-stopped job, and a seeded sample. */
export const CURVES_MAX = 600;

const EARLY = new Set(["early-stopping", "hyperband-rung"]);
/** Values to 6 digits, as the charts get them. */
const short = (v: number) => Number(v.toPrecision(6));

/** The jobs whose curves are sent: all of them, or above CURVES_MAX a fair picture of them. */
function chosen(jobs: readonly TrainingJobPoint[], type: "Maximize" | "Minimize", seed: number): TrainingJobPoint[] {
  if (jobs.length <= CURVES_MAX) return [...jobs];
  const sign = type === "Maximize" ? -1 : 1;
  const ranked = jobs.filter((j) => j.objectiveValue !== null);
  ranked.sort((a, b) => sign * ((a.objectiveValue as number) - (b.objectiveValue as number)));
  const keep = new Set(ranked.slice(0, CURVES_MAX / 4));
  for (const j of jobs) if (keep.size < CURVES_MAX / 2 && EARLY.has(j.stopReason ?? "")) keep.add(j);
  const rest = jobs.filter((j) => !keep.has(j));
  const rng = createRng(seed, "curves-sample");
  for (let i = 0; keep.size < CURVES_MAX && i < rest.length; i++) {
    const k = i + rng.int(rest.length - i);
    [rest[i], rest[k]] = [rest[k] as TrainingJobPoint, rest[i] as TrainingJobPoint];
    keep.add(rest[i] as TrainingJobPoint);
  }
  return jobs.filter((j) => keep.has(j));
}

interface Series {
  readonly job: TrainingJobPoint;
  readonly points: readonly StoredMetricPoint[];
}

/**
 * The stopper's verdict on a stopped job, recomputed: at each of its epochs, the other jobs (of its group) as
 * they were when that value was read, until the rule fires. Smaller is better inside the rule. The tuner takes
 * every value its executor reported at once before it judges any job, so values read at the same moment as this
 * one were all seen, whichever job emitted them.
 */
function judge(own: Series, all: readonly Series[], stopper: Stopper, better: (v: number) => number, seed: number) {
  const groupOf = (s: Series) => stopper.group?.(s.job.trialIndex ?? 0, seed) ?? 0;
  const group = groupOf(own);
  const ownValues = own.points.map((p) => better(p.value));
  for (let epoch = 1; epoch <= own.points.length; epoch++) {
    const at = (own.points[epoch - 1] as StoredMetricPoint).timestamp;
    const others = all
      .filter((s) => s !== own && groupOf(s) === group)
      .map((s) => s.points.filter((p) => p.timestamp <= at).map((p) => better(p.value)));
    const decision = stopper.decide(ownValues, epoch, others, group);
    if (!decision) continue;
    const averages = others
      .filter((o) => o.length >= epoch)
      .map((o) => o.slice(0, epoch).reduce((a, b) => a + b, 0) / epoch);
    return {
      epoch,
      value: short((own.points[epoch - 1] as StoredMetricPoint).value),
      ...(stopper instanceof MedianRule ? { threshold: short(better(median(averages))) } : {}),
      detail: decision.detail,
    };
  }
  return undefined;
}

export async function learningCurves(store: Store, job: TuningJobRecord): Promise<LearningCurves> {
  const objective = objectiveOf(job);
  const jobs = await store.listTrainingJobPoints(job.name);
  const parsed = job.kind === "tuning-job" ? parseTuningJobRequest(job.config) : undefined;
  const metricOf = (j: TrainingJobPoint) =>
    parsed?.definitions.find((d) => (d.name ?? null) === j.definitionName)?.objective.MetricName ??
    objective.MetricName;
  const stopper: Stopper | undefined = parsed?.hyperband
    ? new HyperbandRungs(parsed.hyperband.minResource, parsed.hyperband.maxResource)
    : parsed?.earlyStopping
      ? new MedianRule()
      : undefined;
  const better = (v: number) => (objective.Type === "Maximize" ? -v : v);
  const shown = new Set(chosen(jobs, objective.Type, job.seed));
  // The rule compared every job with every other, so judging needs all the series; without a rule, the shown ones.
  const read = stopper ? jobs : jobs.filter((j) => shown.has(j));
  const points = await store.listMetricSeries(read.map((j) => ({ trainingJobName: j.name, metricName: metricOf(j) })));
  const series: Series[] = read.map((j) => ({
    job: j,
    points: (points.get(j.name) ?? []).filter((p) => Number.isFinite(p.value)),
  }));
  const curves = series
    .filter((s) => shown.has(s.job))
    .map((s): LearningCurve => {
      const start = s.job.startedAt ?? s.job.createdAt;
      const early =
        stopper && EARLY.has(s.job.stopReason ?? "") ? judge(s, series, stopper, better, job.seed) : undefined;
      return {
        name: s.job.name,
        trial: (s.job.trialIndex ?? 0) + 1,
        group: statusGroup(s.job),
        values: s.points.map((p) => short(p.value)),
        seconds: s.points.map((p) => Math.round((p.timestamp - start) / 100) / 10),
        ...(s.job.status === "Stopped" ? { reason: stopReasonText(s.job.stopReason) } : {}),
        ...(early ? { judged: early } : {}),
      };
    });
  const robust = robustLimit(
    curves.flatMap((c) => c.values),
    objective.Type,
  );
  return {
    metric: objective.MetricName,
    type: objective.Type,
    rule: parsed?.hyperband ? "hyperband" : parsed?.earlyStopping ? "median" : null,
    curves,
    total: jobs.length,
    ...(robust ? { robust } : {}),
  };
}
