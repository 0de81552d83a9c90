-- tunekit store, schema 1. Migrations are append-only: never edit a released
-- file, add the next number instead. Times are milliseconds since the epoch;
-- JSON columns hold TEXT. Names are unique without regard to case, as in SageMaker.

CREATE TABLE tuning_jobs (
  name           TEXT    NOT NULL PRIMARY KEY COLLATE NOCASE,
  kind           TEXT    NOT NULL CHECK (kind IN ('tuning-job', 'study')),
  status         TEXT    NOT NULL CHECK (status IN ('InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped')),
  config         TEXT    NOT NULL,
  seed           INTEGER NOT NULL,
  trial_count    INTEGER NOT NULL DEFAULT 0,
  failure_reason TEXT,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  ended_at       INTEGER
);
CREATE INDEX tuning_jobs_by_creation ON tuning_jobs (created_at);

CREATE TABLE training_jobs (
  name             TEXT    NOT NULL PRIMARY KEY COLLATE NOCASE,
  tuning_job_name  TEXT    COLLATE NOCASE REFERENCES tuning_jobs (name) ON DELETE CASCADE,
  trial_index      INTEGER,
  definition_name  TEXT,
  status           TEXT    NOT NULL CHECK (status IN ('InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped')),
  hyperparameters  TEXT    NOT NULL,
  request          TEXT,
  objective_value  REAL,
  objective_status TEXT    NOT NULL DEFAULT 'Pending' CHECK (objective_status IN ('Pending', 'Succeeded', 'Failed')),
  failure_reason   TEXT,
  stop_reason      TEXT,
  retry_attempt    INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  started_at       INTEGER,
  ended_at         INTEGER,
  UNIQUE (tuning_job_name, trial_index)
);
CREATE INDEX training_jobs_by_status ON training_jobs (tuning_job_name, status);
CREATE INDEX training_jobs_by_objective ON training_jobs (tuning_job_name, objective_value);
CREATE INDEX training_jobs_by_creation ON training_jobs (created_at);

-- Every value a job's metric regexes matched, in order of emission.
CREATE TABLE metric_points (
  training_job_name TEXT    NOT NULL COLLATE NOCASE REFERENCES training_jobs (name) ON DELETE CASCADE,
  seq               INTEGER NOT NULL,
  metric_name       TEXT    NOT NULL,
  value             REAL    NOT NULL,
  timestamp         INTEGER NOT NULL,
  PRIMARY KEY (training_job_name, seq)
) WITHOUT ROWID;
CREATE INDEX metric_points_by_metric ON metric_points (training_job_name, metric_name, seq);

-- Logs live in files beside each job; the store keeps how far each was read.
CREATE TABLE log_cursors (
  training_job_name TEXT    NOT NULL COLLATE NOCASE REFERENCES training_jobs (name) ON DELETE CASCADE,
  stream            TEXT    NOT NULL,
  path              TEXT    NOT NULL,
  offset            INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  PRIMARY KEY (training_job_name, stream)
);

-- Which process owns a running tuning job or training job. A lease that is not
-- renewed expires, and another process may then adopt or end the job, using
-- the recorded process group and process start time to find it.
CREATE TABLE leases (
  resource_kind      TEXT    NOT NULL CHECK (resource_kind IN ('tuning-job', 'training-job')),
  resource_name      TEXT    NOT NULL COLLATE NOCASE,
  owner              TEXT    NOT NULL,
  host               TEXT,
  pid                INTEGER,
  pgid               INTEGER,
  process_start_time INTEGER,
  acquired_at        INTEGER NOT NULL,
  heartbeat_at       INTEGER NOT NULL,
  expires_at         INTEGER NOT NULL,
  PRIMARY KEY (resource_kind, resource_name)
);
CREATE INDEX leases_by_expiry ON leases (expires_at);

-- A process that does not own a job asks its owner to stop it here.
CREATE TABLE stop_requests (
  id              INTEGER PRIMARY KEY,
  resource_kind   TEXT    NOT NULL CHECK (resource_kind IN ('tuning-job', 'training-job')),
  resource_name   TEXT    NOT NULL COLLATE NOCASE,
  reason          TEXT,
  requested_at    INTEGER NOT NULL,
  acknowledged_at INTEGER
);
CREATE INDEX stop_requests_pending ON stop_requests (resource_kind, resource_name) WHERE acknowledged_at IS NULL;

-- Counters shared by every process working on a tuning job (Hyperband brackets, ...).
CREATE TABLE counters (
  scope TEXT    NOT NULL,
  key   TEXT    NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
