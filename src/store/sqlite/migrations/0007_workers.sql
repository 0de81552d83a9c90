-- Workers. Training jobs may run on other machines, taken from a queue by `tunekit worker`; each worker says
-- what it is and what it runs here every few seconds, so `tunekit workers` and the console show the fleet.
-- A job's code reaches those machines as a packed source bundle kept here under its content address.
CREATE TABLE workers (
  name         TEXT    NOT NULL PRIMARY KEY,
  host         TEXT    NOT NULL,
  pid          INTEGER NOT NULL,
  slots        INTEGER NOT NULL,
  gpus         TEXT    NOT NULL,
  running      TEXT    NOT NULL,
  accepting    INTEGER NOT NULL,
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
);

CREATE TABLE source_bundles (
  sha256     TEXT    NOT NULL PRIMARY KEY,
  bytes      BLOB    NOT NULL,
  created_at INTEGER NOT NULL
);
