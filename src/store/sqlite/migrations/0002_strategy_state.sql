-- What the strategy stored with a trial when it suggested it (a Bayesian
-- kernel fit, as JSON), so that a resumed or distributed tuner warm-starts
-- from the same state an uninterrupted one would.
ALTER TABLE training_jobs ADD COLUMN strategy_state TEXT;
