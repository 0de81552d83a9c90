import { Command, Option } from "commander";
import { formatTable, TABLE_FORMATS, type TableFormat } from "../../services/table-formats.js";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";

export function analyticsCommand(): Command {
  return addCommonOptions(
    new Command("analytics")
      .argument("<name>", "a tuning job")
      .description(
        "print a tuning job's HyperparameterTuningJobAnalytics table: each tuned hyperparameter, TrainingJobName, TrainingJobStatus, FinalObjectiveValue, times",
      )
      .addOption(
        new Option("--format <format>", "csv (pandas.read_csv), json or jsonl")
          .choices([...TABLE_FORMATS])
          .default("csv"),
      )
      .addHelpText(
        "after",
        "\nExamples:\n  tunekit analytics mrpc-lr > mrpc-lr.csv\n  tunekit analytics mrpc-lr --format jsonl | jq .FinalObjectiveValue",
      ),
  ).action((name: string, options: CommonOptions & { format: TableFormat }) =>
    withContext(options, async ({ store, json: asJson, output }) => {
      const { resolveName } = await import("../../services/resolve-name.js");
      const { tuningJobAnalytics, tuningJobColumns } = await import("../../services/tuning-analytics.js");
      const target = await resolveName(store, name, "tuning-job");
      if (target.kind !== "tuning-job") return;
      const rows = await tuningJobAnalytics(store, target.record);
      output.out(formatTable(rows, asJson ? "json" : options.format, tuningJobColumns(rows)));
    }),
  );
}
