import type { Store } from "../../store/index.js";
import { AwsError } from "./aws-error.js";
import type { JsonService } from "./protocol.js";

/**
 * Training jobs' metrics as CloudWatch serves SageMaker's: namespace /aws/sagemaker/TrainingJobs, the job named
 * by the dimension `Host` (`<job>/algo-1`) or `TrainingJobName`, one metric per metric definition. Only
 * GetMetricStatistics, which the SageMaker Python SDK's TrainingJobAnalytics reads; its clients send it in the
 * RPC v2 CBOR protocol (botocore today) or JSON 1.0, both served with these operations. Times here are Dates.
 */

export const METRICS_NAMESPACE = "/aws/sagemaker/TrainingJobs";
const STATISTICS = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"] as const;
type Statistic = (typeof STATISTICS)[number];

/** A timestamp as a client sent it: epoch seconds, a Date, an ISO string, or CBOR's tag 1. */
function toMs(value: unknown, field: string): number {
  const raw =
    typeof value === "object" && value !== null && "value" in value ? (value as { value: unknown }).value : value;
  if (raw instanceof Date) return raw.getTime();
  if (typeof raw === "number") return raw * 1000;
  if (typeof raw === "string" && !Number.isNaN(Date.parse(raw))) return Date.parse(raw);
  throw new AwsError("InvalidParameterValue", `The parameter ${field} must be a timestamp.`);
}

function jobOf(dimensions: unknown): string | undefined {
  for (const d of Array.isArray(dimensions) ? (dimensions as { Name?: string; Value?: string }[]) : []) {
    if (d.Name === "Host" && d.Value?.endsWith("/algo-1")) return d.Value.slice(0, -"/algo-1".length);
    if (d.Name === "TrainingJobName" && d.Value) return d.Value;
  }
  return undefined;
}

export function cloudWatchMetrics(store: Store): JsonService {
  return {
    prefix: "GraniteServiceVersion20100801",
    operations: {
      async GetMetricStatistics(input) {
        const label = String(input.MetricName ?? "");
        const period = Number(input.Period);
        if (!Number.isInteger(period) || period < 1) {
          throw new AwsError("InvalidParameterValue", "The parameter Period must be a positive integer.");
        }
        const start = toMs(input.StartTime, "StartTime");
        const end = toMs(input.EndTime, "EndTime");
        const statistics = (Array.isArray(input.Statistics) ? input.Statistics : []) as Statistic[];
        const unknown = statistics.find((s) => !STATISTICS.includes(s));
        if (unknown)
          throw new AwsError(
            "InvalidParameterValue",
            `The statistic ${unknown} is not one of ${STATISTICS.join(", ")}.`,
          );
        const name = input.Namespace === METRICS_NAMESPACE ? jobOf(input.Dimensions) : undefined;
        const job = name ? await store.getTrainingJob(name) : undefined;
        if (!job) return { Label: label, Datapoints: [] };
        // One datapoint per period with values, from StartTime, as CloudWatch aggregates them.
        const buckets = new Map<number, number[]>();
        for (const point of await store.listMetricPoints(job.name, { metricName: label })) {
          if (point.timestamp < start || point.timestamp >= end) continue;
          const bucket = Math.floor((point.timestamp - start) / (period * 1000));
          buckets.set(bucket, [...(buckets.get(bucket) ?? []), point.value]);
        }
        const datapoints = [...buckets.entries()]
          .sort(([a], [b]) => a - b)
          .map(([bucket, values]) => {
            const sum = values.reduce((a, b) => a + b, 0);
            const all: Record<Statistic, number> = {
              SampleCount: values.length,
              Average: sum / values.length,
              Sum: sum,
              Minimum: Math.min(...values),
              Maximum: Math.max(...values),
            };
            return {
              Timestamp: new Date(start + bucket * period * 1000),
              ...Object.fromEntries(statistics.map((s) => [s, all[s]])),
              Unit: "None",
            };
          });
        return { Label: label, Datapoints: datapoints };
      },
    },
  };
}
