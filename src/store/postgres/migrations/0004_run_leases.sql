-- A standalone training job run by a worker has two holders: its controller holds the job's lease (which fences
-- the job's writes), and the worker running the attempt's process holds the run's lease ('training-run'), which
-- records where that process runs and keeps a second worker from running the same attempt.
ALTER TABLE leases DROP CONSTRAINT leases_resource_kind_check;
ALTER TABLE leases ADD CONSTRAINT leases_resource_kind_check
  CHECK (resource_kind IN ('tuning-job', 'training-job', 'training-run'));
