import type { Hyperparameters } from "../../space/index.js";
import type {
  Lease,
  ObjectiveStatus,
  ResourceKind,
  SecondaryStatusTransition,
  StopRequest,
  TrainingJobRecord,
  TrainingJobStatus,
  TuningJobKind,
  TuningJobRecord,
  TuningJobStatus,
} from "../records.js";

const parseJson = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

/** Row shapes as SQLite returns them, and their mapping to records. */
export interface TuningJobRow {
  name: string;
  kind: TuningJobKind;
  status: TuningJobStatus;
  config: string;
  seed: number;
  trial_count: number;
  failure_reason: string | null;
  completion_reason: string | null;
  convergence_detected_at: number | null;
  run_options: string | null;
  created_at: number;
  updated_at: number;
  ended_at: number | null;
}

export interface TrainingJobRow {
  name: string;
  tuning_job_name: string | null;
  trial_index: number | null;
  definition_name: string | null;
  status: TrainingJobStatus;
  hyperparameters: string;
  request: string | null;
  strategy_state: string | null;
  secondary_status: string | null;
  status_transitions: string;
  job_dir: string | null;
  model_artifacts: string | null;
  objective_value: number | null;
  objective_status: ObjectiveStatus;
  failure_reason: string | null;
  stop_reason: string | null;
  retry_attempt: number;
  run_options: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  ended_at: number | null;
}

export interface LeaseRow {
  resource_kind: ResourceKind;
  resource_name: string;
  token: number;
  owner: string;
  host: string | null;
  pid: number | null;
  pgid: number | null;
  process_start_time: number | null;
  acquired_at: number;
  heartbeat_at: number;
  expires_at: number;
}

export interface StopRequestRow {
  id: number;
  resource_kind: ResourceKind;
  resource_name: string;
  reason: string | null;
  requested_at: number;
  acknowledged_at: number | null;
}

export const toTuningJob = (row: TuningJobRow): TuningJobRecord => ({
  name: row.name,
  kind: row.kind,
  status: row.status,
  config: JSON.parse(row.config),
  seed: row.seed,
  trialCount: row.trial_count,
  failureReason: row.failure_reason,
  completionReason: row.completion_reason,
  convergenceDetectedAt: row.convergence_detected_at,
  runOptions: parseJson(row.run_options),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  endedAt: row.ended_at,
});

export const toTrainingJob = (row: TrainingJobRow): TrainingJobRecord => ({
  name: row.name,
  tuningJobName: row.tuning_job_name,
  trialIndex: row.trial_index,
  definitionName: row.definition_name,
  status: row.status,
  hyperparameters: JSON.parse(row.hyperparameters) as Hyperparameters,
  request: parseJson(row.request),
  strategyState: parseJson(row.strategy_state),
  secondaryStatus: row.secondary_status,
  statusTransitions: JSON.parse(row.status_transitions) as SecondaryStatusTransition[],
  jobDir: row.job_dir,
  modelArtifacts: row.model_artifacts,
  objectiveValue: row.objective_value,
  objectiveStatus: row.objective_status,
  failureReason: row.failure_reason,
  stopReason: row.stop_reason,
  retryAttempt: row.retry_attempt,
  runOptions: parseJson(row.run_options),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  startedAt: row.started_at,
  endedAt: row.ended_at,
});

export const toLease = (row: LeaseRow): Lease => ({
  kind: row.resource_kind,
  name: row.resource_name,
  token: row.token,
  owner: row.owner,
  host: row.host,
  pid: row.pid,
  pgid: row.pgid,
  processStartTime: row.process_start_time,
  acquiredAt: row.acquired_at,
  heartbeatAt: row.heartbeat_at,
  expiresAt: row.expires_at,
});

export const toStopRequest = (row: StopRequestRow): StopRequest => ({
  id: row.id,
  kind: row.resource_kind,
  name: row.resource_name,
  reason: row.reason,
  requestedAt: row.requested_at,
  acknowledgedAt: row.acknowledged_at,
});

/** Builds `SET a = @a, b = @b` from a patch, through a whitelist of record fields to columns. */
export function setClause(
  patch: Record<string, unknown>,
  columns: Record<string, string>,
): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(patch)) {
    const column = columns[field];
    if (column === undefined || value === undefined) continue;
    parts.push(`${column} = @${column}`);
    params[column] = value;
  }
  return { sql: parts.join(", "), params };
}
