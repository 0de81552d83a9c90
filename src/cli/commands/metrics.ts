import { Command, Option } from "commander";
import { ValidationError } from "../../errors.js";
import { TABLE_FORMATS, type TableFormat } from "../../services/table-formats.js";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";
import { formatValue, json, table } from "../output.js";

export function metricsCommand(): Command {
  return addCommonOptions(
    new Command("metrics")
      .argument("<name>", "a training job")
      .description("print a training job's metric values as TrainingJobAnalytics rows (timestamp, metric_name, value)")
      .option(
        "--metric <name>",
        "only this metric (repeatable)",
        (value: string, previous: string[]) => [...previous, value],
        [],
      )
      .addOption(new Option("--format <format>", "csv, json or jsonl instead of a table").choices([...TABLE_FORMATS]))
      .addHelpText(
        "after",
        "\nExamples:\n  tunekit metrics bert-lr-003 --metric f1_score --json\n  tunekit metrics bert-lr-003 --format csv > curve.csv",
      ),
  ).action((name: string, options: CommonOptions & { metric: string[]; format?: TableFormat }) =>
    withContext(options, async ({ store, json: asJson, output }) => {
      const { resolveTrainingJob } = await import("../../services/resolve-name.js");
      const { knownMetricNames, trainingJobAnalytics } = await import("../../services/metrics.js");
      const { formatTable } = await import("../../services/table-formats.js");
      const job = await resolveTrainingJob(store, name);
      const known = await knownMetricNames(store, job);
      const unknown = options.metric.filter((m) => !known.includes(m));
      if (unknown.length > 0) {
        throw new ValidationError(
          "--metric",
          `training job ${job.name} has no metric named ${unknown.map((m) => JSON.stringify(m)).join(", ")}; its metrics are ${known.length ? known.join(", ") : "none"}`,
        );
      }
      const rows = await trainingJobAnalytics(store, job.name, options.metric);
      if (asJson) return output.out(json(rows));
      if (options.format) return output.out(formatTable(rows, options.format, ["timestamp", "metric_name", "value"]));
      if (rows.length === 0) return output.out(`no metric values recorded for ${job.name}`);
      output.out(
        table(
          ["TIMESTAMP", "METRIC_NAME", "VALUE"],
          rows.map((r) => [r.timestamp.toFixed(3), r.metric_name, formatValue(r.value)]),
        ),
      );
    }),
  );
}
