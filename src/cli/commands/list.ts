import { Command, Option } from "commander";
import { TUNING_JOB_STATUSES, type TuningJobStatus } from "../../store/records.js";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";
import { formatTime, formatValue, json, table } from "../output.js";
import { parseCount } from "./parse.js";

export function listCommand(): Command {
  return addCommonOptions(
    new Command("list")
      .description("list tuning jobs and ask/tell studies, newest first (--json: ListHyperParameterTuningJobs)")
      .addOption(new Option("--status <status>", "only jobs in this status").choices([...TUNING_JOB_STATUSES]))
      .option("--limit <n>", "at most this many", parseCount, 100)
      .addHelpText("after", "\nExample:\n  tunekit list --status InProgress --json"),
  ).action((options: CommonOptions & { status?: TuningJobStatus; limit: number }) =>
    withContext(options, async ({ store, json: asJson, output }) => {
      const { hyperParameterTuningJobSummary } = await import("../../services/list-summaries.js");
      const jobs = await store.listTuningJobs({
        limit: options.limit,
        ...(options.status ? { status: options.status } : {}),
      });
      const summaries = await Promise.all(jobs.map((job) => hyperParameterTuningJobSummary(store, job)));
      if (asJson) return output.out(json({ HyperParameterTuningJobSummaries: summaries }));
      if (summaries.length === 0) return output.out("no tuning jobs in this store");
      output.out(
        table(
          ["NAME", "KIND", "STATUS", "STRATEGY", "TRIALS", "STOPPED", "FAILED", "BEST", "CREATED"],
          summaries.map((s, i) => {
            const counters = s.TrainingJobStatusCounters;
            const created = Object.values(counters).reduce((a, b) => a + b, 0);
            const budget = s.ResourceLimits?.MaxNumberOfTrainingJobs;
            const best = s.BestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric;
            return [
              s.HyperParameterTuningJobName,
              s.Kind,
              s.HyperParameterTuningJobStatus,
              s.Strategy,
              // Jobs run against the budget; how many of them were stopped (early stopping) or failed is apart.
              budget === undefined ? String(created) : `${created}/${budget}`,
              counters.Stopped,
              counters.NonRetryableError,
              best === undefined
                ? undefined
                : `${formatValue(best.Value)} (${best.Type === "Maximize" ? "max" : "min"})`,
              formatTime(jobs[i]?.createdAt ?? null),
            ];
          }),
        ),
      );
    }),
  );
}
