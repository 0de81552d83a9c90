import { type DefinitionImportance, tuningJobImportance } from "../api/importance.js";
import { trainingJobAnalytics } from "../api/metrics.js";
import { resolveName } from "../api/resolve-name.js";
import { toCsv } from "../api/table-formats.js";
import { type TuningJobRow, tuningJobAnalytics } from "../api/tuning-analytics.js";
import { Session, type SessionOptions } from "./session.js";

/** HyperparameterTuningJobAnalytics: a tuning job's training jobs as a table (rows of named columns). */
export class HyperparameterTuningJobAnalytics {
  private readonly session: Session;

  constructor(
    readonly name: string,
    options: SessionOptions = {},
  ) {
    this.session = new Session(options);
  }

  /** One row per training job, with the SDK's columns (see tuningJobAnalytics). */
  dataframe(): TuningJobRow[] {
    const target = resolveName(this.session.store, this.name, "tuning-job");
    if (target.kind !== "tuning-job") throw new Error(`${this.name} is not a tuning job`);
    return tuningJobAnalytics(this.session.store, target.record);
  }

  /** How much of the objective's variation each tuned hyperparameter explains (see tunekit importance). */
  importance(): DefinitionImportance[] {
    const target = resolveName(this.session.store, this.name, "tuning-job");
    if (target.kind !== "tuning-job") throw new Error(`${this.name} is not a tuning job`);
    return tuningJobImportance(this.session.store, target.record);
  }

  /** The same table as CSV, as `dataframe().to_csv()` would write it. */
  exportCsv(): string {
    return toCsv(this.dataframe());
  }

  close(): void {
    this.session.close();
  }
}

/** TrainingJobAnalytics: a training job's metric series (timestamp in seconds since its first point, metric_name, value). */
export class TrainingJobAnalytics {
  private readonly session: Session;

  constructor(
    readonly trainingJobName: string,
    readonly metricNames: readonly string[] = [],
    options: SessionOptions = {},
  ) {
    this.session = new Session(options);
  }

  dataframe() {
    const target = resolveName(this.session.store, this.trainingJobName, "training-job");
    return trainingJobAnalytics(this.session.store, target.record.name, this.metricNames);
  }

  exportCsv(): string {
    return toCsv(this.dataframe());
  }

  close(): void {
    this.session.close();
  }
}
