import type { Store, TrainingJobRecord } from "../store/index.js";

/** One row of TrainingJobAnalytics: seconds since the job's first metric point, the metric, its value. */
export interface MetricRow {
  timestamp: number;
  metric_name: string;
  value: number;
}

/** The TrainingJobAnalytics table of a training job, in emission order (optionally only some metrics). */
export async function trainingJobAnalytics(
  store: Store,
  trainingJobName: string,
  metricNames?: readonly string[],
): Promise<MetricRow[]> {
  const points = await store.listMetricPoints(trainingJobName);
  const first = points[0]?.timestamp ?? 0;
  return points
    .filter((p) => metricNames === undefined || metricNames.length === 0 || metricNames.includes(p.metricName))
    .map((p) => ({ timestamp: (p.timestamp - first) / 1000, metric_name: p.metricName, value: p.value }));
}

/** The metrics a job defines (its request's MetricDefinitions) and any others it recorded, in that order. */
export async function knownMetricNames(store: Store, job: TrainingJobRecord): Promise<string[]> {
  const request = job.request as { AlgorithmSpecification?: { MetricDefinitions?: { Name: string }[] } } | null;
  const names = new Set((request?.AlgorithmSpecification?.MetricDefinitions ?? []).map((d) => d.Name));
  for (const point of await store.listMetricPoints(job.name)) names.add(point.metricName);
  return [...names];
}
