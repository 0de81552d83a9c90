-- A standalone training job run by a worker has two holders: its controller holds the job's lease (which fences
-- the job's writes), and the worker running the attempt's process holds the run's lease ('training-run'), which
-- records where that process runs and keeps a second worker from running the same attempt. SQLite cannot change
-- a CHECK constraint in place: the table is rebuilt with its rows.
CREATE TABLE leases_with_runs (
  resource_kind      TEXT    NOT NULL CHECK (resource_kind IN ('tuning-job', 'training-job', 'training-run')),
  resource_name      TEXT    NOT NULL COLLATE NOCASE,
  owner              TEXT    NOT NULL,
  host               TEXT,
  pid                INTEGER,
  pgid               INTEGER,
  process_start_time INTEGER,
  acquired_at        INTEGER NOT NULL,
  heartbeat_at       INTEGER NOT NULL,
  expires_at         INTEGER NOT NULL,
  token              INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (resource_kind, resource_name)
);
INSERT INTO leases_with_runs (resource_kind, resource_name, owner, host, pid, pgid, process_start_time, acquired_at,
  heartbeat_at, expires_at, token)
  SELECT resource_kind, resource_name, owner, host, pid, pgid, process_start_time, acquired_at, heartbeat_at,
    expires_at, token
  FROM leases;
DROP TABLE leases;
ALTER TABLE leases_with_runs RENAME TO leases;
CREATE INDEX leases_by_expiry ON leases (expires_at);
