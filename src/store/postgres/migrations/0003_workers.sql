-- Workers: `tunekit worker` processes on any machine, each reporting what it is and what it runs every few
-- seconds (heartbeat_at by the database's clock). A job's code reaches them as a packed source bundle kept here
-- under its content address. SQLite's schema 6 holds the same.
CREATE TABLE workers (
  name         text    NOT NULL PRIMARY KEY,
  host         text    NOT NULL,
  pid          integer NOT NULL,
  slots        integer NOT NULL,
  gpus         text    NOT NULL,
  running      text    NOT NULL,
  accepting    integer NOT NULL,
  started_at   bigint  NOT NULL,
  heartbeat_at bigint  NOT NULL
);

CREATE TABLE source_bundles (
  sha256     text   NOT NULL PRIMARY KEY,
  bytes      bytea  NOT NULL,
  created_at bigint NOT NULL
);
