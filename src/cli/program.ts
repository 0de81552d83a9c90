import { readFileSync } from "node:fs";
import { Command } from "commander";
import { analyticsCommand } from "./commands/analytics.js";
import { deleteCommand, pruneCommand } from "./commands/delete.js";
import { describeCommand } from "./commands/describe.js";
import { importanceCommand } from "./commands/importance.js";
import { jobsCommand } from "./commands/jobs.js";
import { listCommand } from "./commands/list.js";
import { listTrainingJobsCommand } from "./commands/list-training-jobs.js";
import { logsCommand } from "./commands/logs.js";
import { metricsCommand } from "./commands/metrics.js";
import { reportCommand } from "./commands/report.js";
import { serveCommand } from "./commands/serve.js";
import { stopCommand } from "./commands/stop.js";
import { trainCommand } from "./commands/train.js";
import { resumeCommand, tuneCommand, watchCommand } from "./commands/tune.js";
import { workerCommand } from "./commands/worker.js";
import { workersCommand } from "./commands/workers.js";
import { ExitCode } from "./exit-codes.js";

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

export function buildProgram(): Command {
  const program = new Command("tunekit")
    .description("Self-hosted automatic model tuning, compatible with SageMaker's training and tuning jobs.")
    .version(version)
    .showHelpAfterError()
    .addHelpText(
      "after",
      `
Names: describe, stop and logs look for a tuning job first, then a training job;
--tuning-job / --training-job choose one. The store is --store PATH, else
$TUNEKIT_HOME/tunekit.db, else ~/.tunekit/tunekit.db.

Exit codes: ${ExitCode.ok} ok, ${ExitCode.failure} failure, ${ExitCode.usage} bad usage or input, ${ExitCode.notFound} not found,
${ExitCode.ambiguous} ambiguous name, ${ExitCode.conflict} wrong state, ${ExitCode.storeUnusable} store unusable, ${ExitCode.interrupted} interrupted.`,
    );
  for (const command of [
    trainCommand(),
    tuneCommand(),
    resumeCommand(),
    watchCommand(),
    jobsCommand(),
    analyticsCommand(),
    importanceCommand(),
    reportCommand(),
    serveCommand(),
    workerCommand(),
    workersCommand(),
    listCommand(),
    listTrainingJobsCommand(),
    describeCommand(),
    stopCommand(),
    logsCommand(),
    metricsCommand(),
    deleteCommand(),
    pruneCommand(),
  ]) {
    program.addCommand(command);
  }
  return program;
}
