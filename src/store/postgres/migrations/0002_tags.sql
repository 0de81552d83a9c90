-- Tags: SageMaker's key-value pairs on a tuning job or a training job (AddTags, ListTags, DeleteTags, and the
-- Tags of a Create request), as SQLite's schema 6 holds them. Keyed by the resource's kind and lower-case name,
-- as leases and stop requests are; they go when the job is deleted.
CREATE TABLE tags (
  resource_kind text NOT NULL CHECK (resource_kind IN ('tuning-job', 'training-job')),
  resource_name text NOT NULL,
  resource_key  text GENERATED ALWAYS AS (lower(resource_name)) STORED,
  key           text NOT NULL,
  value         text NOT NULL,
  PRIMARY KEY (resource_kind, resource_key, key)
);
