import type { DefinitionImportance } from "../services/importance.js";
import type { MetricRow } from "../services/metrics.js";
import { toCsv } from "../services/table-formats.js";
import type { TuningJobRow } from "../services/tuning-analytics.js";
import { backendOf } from "./backend.js";
import { Session, type SessionOptions } from "./session.js";

/** HyperparameterTuningJobAnalytics: a tuning job's training jobs as a table (rows of named columns). */
export class HyperparameterTuningJobAnalytics {
  private readonly session: Session;

  constructor(
    readonly name: string,
    options: SessionOptions | Session = {},
  ) {
    this.session = options instanceof Session ? options : new Session(options);
  }

  /** One row per training job, with the SDK's columns (see tuningJobAnalytics). */
  dataframe(): Promise<TuningJobRow[]> {
    return backendOf(this.session).tuningAnalytics(this.name);
  }

  /** How much of the objective's variation each tuned hyperparameter explains (see tunekit importance). */
  importance(): Promise<DefinitionImportance[]> {
    return backendOf(this.session).importance(this.name);
  }

  /** The same table as CSV, as `dataframe().to_csv()` would write it. */
  async exportCsv(): Promise<string> {
    return toCsv(await this.dataframe());
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

/** TrainingJobAnalytics: a training job's metric series (timestamp in seconds since its first point, metric_name, value). */
export class TrainingJobAnalytics {
  private readonly session: Session;

  constructor(
    readonly trainingJobName: string,
    readonly metricNames: readonly string[] = [],
    options: SessionOptions | Session = {},
  ) {
    this.session = options instanceof Session ? options : new Session(options);
  }

  dataframe(): Promise<MetricRow[]> {
    return backendOf(this.session).trainingMetrics(this.trainingJobName, this.metricNames);
  }

  async exportCsv(): Promise<string> {
    return toCsv(await this.dataframe());
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
