-- Service mode. Each job keeps the options it runs with, so any controller
-- that takes it over runs it the same way. Metric points and the log (now in
-- the store, not in a file on one machine) belong to an attempt. Leases carry a
-- fencing token from a sequence that never goes back, so a write made under a
-- lease that was taken over can be refused.
ALTER TABLE tuning_jobs ADD COLUMN run_options TEXT;
ALTER TABLE training_jobs ADD COLUMN run_options TEXT;
ALTER TABLE metric_points ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leases ADD COLUMN token INTEGER NOT NULL DEFAULT 0;
DROP TABLE log_cursors;

CREATE TABLE log_chunks (
  training_job_name TEXT    NOT NULL COLLATE NOCASE REFERENCES training_jobs (name) ON DELETE CASCADE,
  seq               INTEGER NOT NULL,
  attempt           INTEGER NOT NULL,
  timestamp         INTEGER NOT NULL,
  text              TEXT    NOT NULL,
  PRIMARY KEY (training_job_name, seq)
) WITHOUT ROWID;

-- Controllers look for running jobs without a live lease.
CREATE INDEX tuning_jobs_by_status ON tuning_jobs (status);
CREATE INDEX training_jobs_standalone_by_status ON training_jobs (status) WHERE tuning_job_name IS NULL;
