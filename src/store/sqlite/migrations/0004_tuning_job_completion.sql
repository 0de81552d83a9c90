-- Why a tuning job completed before its budget (TuningJobCompletionCriteria,
-- MaxRuntimeInSeconds) and when convergence was detected (TuningJobCompletionDetails).
ALTER TABLE tuning_jobs ADD COLUMN completion_reason TEXT;
ALTER TABLE tuning_jobs ADD COLUMN convergence_detected_at INTEGER;
