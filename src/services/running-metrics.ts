import { parseTuningJobRequest } from "../config/tuning-job-request.js";
import { objectiveOf } from "../identity.js";
import type { Store, TrainingJobRecord, TuningJobRecord } from "../store/index.js";

/** A running job's latest value of its objective metric, for the jobs table. */
export interface RunningMetric {
  readonly TrainingJobName: string;
  readonly MetricName: string;
  /** Absent until the job has printed one. */
  readonly Value?: number;
  /** How many values it has printed: the epoch the latest one belongs to. */
  readonly Epoch: number;
  readonly Timestamp?: string;
}

/** At most this many running jobs are read (a tuning job runs MaxParallelTrainingJobs at once). */
const MAX_RUNNING = 100;

/** The latest objective value of each running job of a tuning job: one store page and one series per job. */
export async function runningMetrics(store: Store, job: TuningJobRecord): Promise<RunningMetric[]> {
  const objective = objectiveOf(job);
  const definitions = job.kind === "tuning-job" ? parseTuningJobRequest(job.config).definitions : [];
  const metricOf = (record: TrainingJobRecord) =>
    definitions.find((d) => (d.name ?? null) === record.definitionName)?.objective.MetricName ?? objective.MetricName;
  const running: TrainingJobRecord[] = [];
  for (const status of ["InProgress", "Stopping"] as const) {
    const page = await store.pageTrainingJobs(job.name, { sortBy: "createdAt", status, limit: MAX_RUNNING });
    running.push(...page.jobs);
  }
  const out: RunningMetric[] = [];
  for (const record of running) {
    const metric = metricOf(record);
    const points = (await store.listMetricPoints(record.name, { metricName: metric })).filter((p) =>
      Number.isFinite(p.value),
    );
    const last = points[points.length - 1];
    out.push({
      TrainingJobName: record.name,
      MetricName: metric,
      Epoch: points.length,
      ...(last ? { Value: last.value, Timestamp: new Date(last.timestamp).toISOString() } : {}),
    });
  }
  return out;
}
