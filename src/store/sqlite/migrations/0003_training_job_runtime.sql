-- What running a training job as a process records: its secondary status and
-- the history of transitions (DescribeTrainingJob's SecondaryStatusTransitions,
-- as JSON), its private directory, and where its model artifact was written.
ALTER TABLE training_jobs ADD COLUMN secondary_status TEXT;
ALTER TABLE training_jobs ADD COLUMN status_transitions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE training_jobs ADD COLUMN job_dir TEXT;
ALTER TABLE training_jobs ADD COLUMN model_artifacts TEXT;
