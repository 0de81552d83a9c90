import { systemClock } from "../clock.js";
import { TunekitError } from "../errors.js";
import { describeTrainingJob, describeTuningJob } from "../services/describe.js";
import { type DefinitionImportance, tuningJobImportance } from "../services/importance.js";
import { type MetricRow, trainingJobAnalytics } from "../services/metrics.js";
import { resolveName } from "../services/resolve-name.js";
import { stopJob } from "../services/stop.js";
import { type TuningJobRow, tuningJobAnalytics } from "../services/tuning-analytics.js";
import type { ResourceKind, TrainingJobRecord } from "../store/index.js";
import type { Session } from "./session.js";

type TuningJobDescription = Awaited<ReturnType<typeof describeTuningJob>>;
type TrainingJobDescription = Awaited<ReturnType<typeof describeTrainingJob>>;

/**
 * What the SDK's objects read and do once a job exists, wherever it runs: from the store in this process, or
 * through a tunekit server's API. The same shapes come back either way (the server answers with the same
 * services), so an SDK user's code does not change with where jobs run.
 */
export interface JobsBackend {
  describeTuningJob(name: string): Promise<TuningJobDescription>;
  describeTrainingJob(name: string): Promise<TrainingJobDescription>;
  tuningAnalytics(name: string): Promise<TuningJobRow[]>;
  importance(name: string): Promise<DefinitionImportance[]>;
  trainingMetrics(name: string, metricNames: readonly string[]): Promise<MetricRow[]>;
  stop(kind: ResourceKind, name: string): Promise<void>;
}

export function backendOf(session: Session): JobsBackend {
  const client = session.client;
  if (client) {
    const path = (kind: string, name: string, rest = "") => `/api/${kind}/${encodeURIComponent(name)}${rest}`;
    return {
      describeTuningJob: (name) => client.get(path("tuning-jobs", name)),
      describeTrainingJob: (name) => client.get(path("training-jobs", name)),
      tuningAnalytics: (name) => client.get(path("tuning-jobs", name, "/analytics?format=json")),
      importance: async (name) =>
        (await client.get<{ importance: DefinitionImportance[] }>(path("tuning-jobs", name, "/importance"))).importance,
      trainingMetrics: async (name, metricNames) => {
        const rows = await client.get<MetricRow[]>(path("training-jobs", name, "/metrics"));
        return metricNames.length === 0 ? rows : rows.filter((r) => metricNames.includes(r.metric_name));
      },
      stop: (kind, name) => client.stop(kind, name),
    };
  }
  const tuning = async (name: string) => {
    const target = await resolveName(await session.store(), name, "tuning-job");
    if (target.kind !== "tuning-job") throw new TunekitError("E_NOT_FOUND", `no tuning job named "${name}"`);
    return target.record;
  };
  const training = async (name: string) =>
    (await resolveName(await session.store(), name, "training-job")).record as TrainingJobRecord;
  return {
    describeTuningJob: async (name) => describeTuningJob(await session.store(), await tuning(name)),
    describeTrainingJob: async (name) => describeTrainingJob(await session.store(), await training(name)),
    tuningAnalytics: async (name) => tuningJobAnalytics(await session.store(), await tuning(name)),
    importance: async (name) => tuningJobImportance(await session.store(), await tuning(name)),
    trainingMetrics: async (name, metricNames) =>
      trainingJobAnalytics(await session.store(), (await training(name)).name, metricNames),
    stop: async (kind, name) => {
      await stopJob(await session.store(), kind, name, systemClock.now());
    },
  };
}
