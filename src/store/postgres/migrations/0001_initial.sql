-- tunekit store on PostgreSQL, schema 1: what SQLite's schemas 1 to 5 hold, in
-- one step. Migrations are append-only: never edit a released file, add the
-- next number instead.
--
-- Names keep the case they were given in `name`; `name_key` (lower case) is
-- what makes them unique and what every lookup uses, so names are
-- case-insensitive as in SageMaker. Times written by callers (created_at, ...)
-- are milliseconds since the epoch in double precision, because a virtual clock
-- may give fractions; lease times come from the database's own clock, whole
-- milliseconds in bigint. JSON columns are `json`, which keeps the text as
-- written (jsonb would refuse "\u0000" in a string).

-- The database's clock, in milliseconds since the epoch: what leases are timed by.
CREATE FUNCTION tunekit_clock_ms() RETURNS bigint LANGUAGE sql VOLATILE
  AS $$ SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint $$;

CREATE TABLE tuning_jobs (
  name                    text             NOT NULL,
  name_key                text             GENERATED ALWAYS AS (lower(name)) STORED PRIMARY KEY,
  kind                    text             NOT NULL CHECK (kind IN ('tuning-job', 'study')),
  status                  text             NOT NULL
    CHECK (status IN ('InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped')),
  config                  json             NOT NULL,
  seed                    bigint           NOT NULL,
  trial_count             integer          NOT NULL DEFAULT 0,
  failure_reason          text,
  completion_reason       text,
  convergence_detected_at double precision,
  run_options             json,
  created_at              double precision NOT NULL,
  updated_at              double precision NOT NULL,
  ended_at                double precision
);
CREATE INDEX tuning_jobs_by_creation ON tuning_jobs (created_at);
-- Controllers look for running tuning jobs that nobody holds a live lease on.
CREATE INDEX tuning_jobs_running ON tuning_jobs (created_at)
  WHERE kind = 'tuning-job' AND status IN ('InProgress', 'Stopping');

CREATE TABLE training_jobs (
  -- Insertion order: breaks ties between jobs created in the same millisecond.
  id                 bigint           GENERATED ALWAYS AS IDENTITY,
  name               text             NOT NULL,
  name_key           text             GENERATED ALWAYS AS (lower(name)) STORED PRIMARY KEY,
  tuning_job_name    text,
  tuning_job_key     text             GENERATED ALWAYS AS (lower(tuning_job_name)) STORED
    REFERENCES tuning_jobs (name_key) ON DELETE CASCADE,
  trial_index        integer,
  definition_name    text,
  status             text             NOT NULL
    CHECK (status IN ('InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped')),
  hyperparameters    json             NOT NULL,
  request            json,
  strategy_state     json,
  secondary_status   text,
  status_transitions json             NOT NULL DEFAULT '[]',
  job_dir            text,
  model_artifacts    text,
  objective_value    double precision,
  objective_status   text             NOT NULL DEFAULT 'Pending'
    CHECK (objective_status IN ('Pending', 'Succeeded', 'Failed')),
  failure_reason     text,
  stop_reason        text,
  retry_attempt      integer          NOT NULL DEFAULT 0,
  run_options        json,
  -- The next sequence numbers of the job's metric points and log chunks. Taking them with an UPDATE of this row
  -- serialises concurrent appends to one job, so two writers can never take the same number.
  next_metric_seq    integer          NOT NULL DEFAULT 0,
  next_log_seq       integer          NOT NULL DEFAULT 0,
  created_at         double precision NOT NULL,
  updated_at         double precision NOT NULL,
  started_at         double precision,
  ended_at           double precision,
  UNIQUE (tuning_job_key, trial_index)
) WITH (fillfactor = 80); -- room on each page, so that updates of unindexed columns (an append's sequence number,
                          -- a secondary status) write the new row version beside the old without touching the indexes

-- A tuning job's jobs as the controller and the console read them, so that each read costs what it returns rather
-- than the whole tuning job: counted by status (index only); the best objective value (the first entry of an index of
-- its own, whose condition is the query's); the finished results in the order they ended (index only); and paged in
-- each order the console sorts by, ties in trial order whichever the direction. A page is found in an index that
-- holds the sort key and the trial index, then only its rows are read (see pageTrainingJobs); a descending page
-- reads the index backwards and sorts only ties, except by status, which needs an index of its own.
CREATE INDEX training_jobs_by_status ON training_jobs (tuning_job_key, status, trial_index) INCLUDE (objective_status);
CREATE INDEX training_jobs_by_status_descending ON training_jobs (tuning_job_key, status DESC, trial_index);
CREATE INDEX training_jobs_best ON training_jobs (tuning_job_key, objective_value, trial_index)
  WHERE objective_status = 'Succeeded' AND objective_value IS NOT NULL;
CREATE INDEX training_jobs_results ON training_jobs (tuning_job_key, (coalesce(ended_at, 0)), (coalesce(trial_index, 0)))
  INCLUDE (objective_value, ended_at, trial_index)
  WHERE objective_status = 'Succeeded' AND objective_value IS NOT NULL;
CREATE INDEX training_jobs_by_objective ON training_jobs (tuning_job_key, objective_value, trial_index)
  WHERE objective_value IS NOT NULL;
CREATE INDEX training_jobs_by_job_creation ON training_jobs (tuning_job_key, created_at, trial_index);
CREATE INDEX training_jobs_by_job_name ON training_jobs (tuning_job_key, name_key, trial_index);
CREATE INDEX training_jobs_by_creation ON training_jobs (created_at, id);
-- Controllers look for running standalone jobs that nobody holds a live lease on.
CREATE INDEX training_jobs_standalone_running ON training_jobs (created_at)
  WHERE tuning_job_key IS NULL AND request IS NOT NULL AND status IN ('InProgress', 'Stopping');

-- Every value a job's metric regexes matched, in order of emission, with the attempt that emitted it.
CREATE TABLE metric_points (
  job_key     text             NOT NULL REFERENCES training_jobs (name_key) ON DELETE CASCADE,
  seq         integer          NOT NULL,
  attempt     integer          NOT NULL,
  metric_name text             NOT NULL,
  value       double precision NOT NULL,
  timestamp   double precision NOT NULL,
  PRIMARY KEY (job_key, seq)
);
CREATE INDEX metric_points_by_metric ON metric_points (job_key, metric_name, seq);

-- A job's log as it was written. The text is UTF-8 in bytea: a process may print a NUL, which text refuses.
CREATE TABLE log_chunks (
  job_key   text             NOT NULL REFERENCES training_jobs (name_key) ON DELETE CASCADE,
  seq       integer          NOT NULL,
  attempt   integer          NOT NULL,
  timestamp double precision NOT NULL,
  text      bytea            NOT NULL,
  PRIMARY KEY (job_key, seq)
);

-- Fencing tokens: a sequence never hands out a number twice and never goes back, even across a rollback.
CREATE SEQUENCE lease_tokens AS bigint;

-- Which process owns a running tuning job or training job. A lease that is not renewed expires, and another
-- process may then take the job over, using the recorded host, process group and start time to find its process.
CREATE TABLE leases (
  resource_kind      text    NOT NULL CHECK (resource_kind IN ('tuning-job', 'training-job')),
  resource_name      text    NOT NULL,
  resource_key       text    GENERATED ALWAYS AS (lower(resource_name)) STORED,
  token              bigint  NOT NULL,
  owner              text    NOT NULL,
  host               text,
  pid                integer,
  pgid               integer,
  process_start_time double precision,
  acquired_at        bigint  NOT NULL,
  heartbeat_at       bigint  NOT NULL,
  expires_at         bigint  NOT NULL,
  PRIMARY KEY (resource_kind, resource_key)
);

-- A process that does not own a job asks its owner to stop it here; at most one request per job is pending.
CREATE TABLE stop_requests (
  id              bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resource_kind   text             NOT NULL CHECK (resource_kind IN ('tuning-job', 'training-job')),
  resource_name   text             NOT NULL,
  resource_key    text             GENERATED ALWAYS AS (lower(resource_name)) STORED,
  reason          text,
  requested_at    double precision NOT NULL,
  acknowledged_at double precision
);
CREATE UNIQUE INDEX stop_requests_pending ON stop_requests (resource_kind, resource_key) WHERE acknowledged_at IS NULL;

-- Every write transaction inserts a marker with a fresh id; a later transaction deletes it once its outcome is known.
-- When the answer to a COMMIT is lost (a connection cut, a server crash), the marker says whether the transaction was
-- applied, so the store never applies a change twice nor gives one up that was made. A probe is a marker inserted
-- after the fact to ask (see Database.committed).
CREATE TABLE commit_markers (
  id         uuid    PRIMARY KEY,
  probe      boolean NOT NULL DEFAULT false,
  created_at bigint  NOT NULL DEFAULT tunekit_clock_ms()
);
