import { Command, Option } from "commander";
import { TRAINING_JOB_STATUSES, type TrainingJobStatus } from "../../store/records.js";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";
import { formatHyperparameters, formatTime, formatValue, json, table } from "../output.js";
import { parseCount } from "./parse.js";

export function listTrainingJobsCommand(): Command {
  return addCommonOptions(
    new Command("list-training-jobs")
      .description(
        "list training jobs (the trials of one tuning job with --tuning-job); --json: ListTrainingJobs' shape",
      )
      .option("--tuning-job <name>", "only the training jobs of this tuning job, in trial order")
      .addOption(new Option("--status <status>", "only jobs in this status").choices([...TRAINING_JOB_STATUSES]))
      .option("--limit <n>", "at most this many", parseCount, 1000)
      .addHelpText("after", "\nExample:\n  tunekit list-training-jobs --tuning-job bert-lr --status Completed"),
  ).action((options: CommonOptions & { tuningJob?: string; status?: TrainingJobStatus; limit: number }) =>
    withContext(options, async ({ store, json: asJson, output }) => {
      const jobs = await store.listTrainingJobs({
        limit: options.limit,
        ...(options.tuningJob ? { tuningJobName: options.tuningJob } : {}),
        ...(options.status ? { status: options.status } : {}),
      });
      if (asJson) {
        const { trainingJobListSummary } = await import("../../services/list-summaries.js");
        return output.out(json({ TrainingJobSummaries: jobs.map(trainingJobListSummary) }));
      }
      if (jobs.length === 0) return output.out("no training jobs");
      output.out(
        table(
          ["NAME", "STATUS", "OBJECTIVE", "HYPERPARAMETERS", "CREATED"],
          jobs.map((j) => [
            j.name,
            j.status,
            formatValue(j.objectiveValue),
            formatHyperparameters(j.hyperparameters),
            formatTime(j.createdAt),
          ]),
        ),
      );
    }),
  );
}
