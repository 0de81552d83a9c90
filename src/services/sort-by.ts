/**
 * ListTrainingJobsForHyperParameterTuningJob's SortBy values. Kept apart from the service, which loads the
 * store's readers, so the CLI can name them in --help without loading anything heavy.
 */
export const SORT_BY = ["Name", "CreationTime", "Status", "FinalObjectiveMetricValue"] as const;
export type SortBy = (typeof SORT_BY)[number];
