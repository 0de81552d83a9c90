-- Tags: SageMaker's key-value pairs on a tuning job or a training job (AddTags, ListTags, DeleteTags, and the
-- Tags of a Create request). Keyed by the resource's kind and name, as leases and stop requests are; they go
-- when the job is deleted.
CREATE TABLE tags (
  resource_kind TEXT NOT NULL CHECK (resource_kind IN ('tuning-job', 'training-job')),
  resource_name TEXT NOT NULL COLLATE NOCASE,
  key           TEXT NOT NULL,
  value         TEXT NOT NULL,
  PRIMARY KEY (resource_kind, resource_name, key)
) WITHOUT ROWID;
