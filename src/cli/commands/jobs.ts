import { Command, Option } from "commander";
import { SORT_BY, type SortBy } from "../../services/sort-by.js";
import { TRAINING_JOB_STATUSES, type TrainingJobStatus } from "../../store/records.js";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";
import { formatHyperparameters, formatTime, formatValue, json, table } from "../output.js";
import { parseCount } from "./parse.js";

interface JobsOptions extends CommonOptions {
  sortBy: SortBy;
  sortOrder: "Ascending" | "Descending";
  status?: TrainingJobStatus;
  maxResults?: number;
  nextToken?: string;
}

export function jobsCommand(): Command {
  return addCommonOptions(
    new Command("jobs")
      .argument("<name>", "a tuning job")
      .description("list a tuning job's training jobs (ListTrainingJobsForHyperParameterTuningJob)")
      .addOption(new Option("--sort-by <field>", "sort by").choices([...SORT_BY]).default("Name"))
      .addOption(new Option("--sort-order <order>", "order").choices(["Ascending", "Descending"]).default("Ascending"))
      .addOption(new Option("--status <status>", "only jobs in this status").choices([...TRAINING_JOB_STATUSES]))
      .option("--max-results <n>", "a page of at most n (1-100) jobs; --next-token gets the next", parseCount)
      .option("--next-token <token>", "the NextToken of the previous page")
      .addHelpText(
        "after",
        "\nExamples:\n  tunekit jobs bert-lr --sort-by FinalObjectiveMetricValue --sort-order Descending\n  tunekit jobs bert-lr --json --max-results 10",
      ),
  ).action((name: string, options: JobsOptions) =>
    withContext(options, async ({ store, json: asJson, output }) => {
      const { listTrainingJobsForTuningJob } = await import("../../services/list-training-jobs-for-tuning-job.js");
      const { resolveName } = await import("../../services/resolve-name.js");
      const target = await resolveName(store, name, "tuning-job");
      if (target.kind !== "tuning-job") return;
      const page = await listTrainingJobsForTuningJob(store, target.record, {
        sortBy: options.sortBy,
        sortOrder: options.sortOrder,
        ...(options.status ? { statusEquals: options.status } : {}),
        ...(options.maxResults === undefined ? {} : { maxResults: options.maxResults }),
        ...(options.nextToken === undefined ? {} : { nextToken: options.nextToken }),
      });
      if (asJson) return output.out(json(page));
      if (page.TrainingJobSummaries.length === 0) return output.out("no training jobs");
      output.out(
        table(
          ["NAME", "STATUS", "OBJECTIVE", "HYPERPARAMETERS", "STARTED"],
          page.TrainingJobSummaries.map((j) => [
            j.TrainingJobName,
            j.TrainingJobStatus,
            formatValue(j.FinalHyperParameterTuningJobObjectiveMetric?.Value),
            formatHyperparameters(j.TunedHyperParameters),
            j.TrainingStartTime === undefined ? undefined : formatTime(Date.parse(j.TrainingStartTime)),
          ]),
        ),
      );
      if (page.NextToken) output.out(`\nmore: --next-token ${page.NextToken}`);
    }),
  );
}
