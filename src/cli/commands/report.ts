import { writeFileSync } from "node:fs";
import { Command } from "commander";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";

interface ReportOptions extends CommonOptions {
  output?: string;
  charts?: string;
  png?: boolean;
}

export function reportCommand(): Command {
  return addCommonOptions(
    new Command("report")
      .argument("<name>", "a tuning job")
      .description(
        "write a self-contained HTML report of a tuning job: summary, best job, importance, charts and the jobs table",
      )
      .option("-o, --output <file>", "where to write the HTML (default NAME-report.html)")
      .option("--charts <dir>", "also write each chart as an SVG file into this directory")
      .option("--png", "with --charts, also write each chart as PNG")
      .addHelpText(
        "after",
        "\nExamples:\n  tunekit report mrpc-lr -o mrpc-lr.html\n  tunekit report mrpc-lr --charts charts/ --png",
      ),
  ).action((name: string, options: ReportOptions) =>
    withContext(options, async ({ store, json: asJson, output }) => {
      // The charts' library (ECharts) takes most of a second to load: only this command pays for it.
      const { exportCharts, findingsSentences, renderReport } = await import("../../report/index.js");
      const { objectiveOf } = await import("../../identity.js");
      const { resolveName } = await import("../../services/resolve-name.js");
      const target = await resolveName(store, name, "tuning-job");
      if (target.kind !== "tuning-job") return;
      const report = await renderReport(store, target.record);
      const file = options.output ?? `${target.record.name}-report.html`;
      writeFileSync(file, report.html);
      const charts = options.charts ? await exportCharts(report, options.charts, options.png === true) : [];
      const { findings } = report;
      if (asJson) return output.out(JSON.stringify({ report: file, charts, findings: findings ?? null }, null, 2));
      output.out(`wrote ${file}${charts.length ? ` and ${charts.length} chart files in ${options.charts}` : ""}`);
      if (findings)
        for (const line of findingsSentences(findings, objectiveOf(target.record).MetricName)) output.out(line);
    }),
  );
}
