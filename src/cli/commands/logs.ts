import { readFileSync } from "node:fs";
import { Command } from "commander";
import { kindLabel, resolveName } from "../../api/index.js";
import { TunekitError } from "../../errors.js";
import { COMBINED_LOG } from "../../jobs/index.js";
import type { Store } from "../../store/index.js";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";
import { addTargetOptions, forcedKind, type TargetOptions } from "./target-options.js";

function logOf(store: Store, trainingJob: string): string | undefined {
  const cursor = store.getLogCursor(trainingJob, COMBINED_LOG);
  return cursor && readFileSync(cursor.path, "utf8");
}

export function logsCommand(): Command {
  return addTargetOptions(
    addCommonOptions(
      new Command("logs")
        .argument("<name>", "a training job, or a tuning job for the logs of all its training jobs")
        .description("print the log of a training job, or of every training job of a tuning job")
        .addHelpText("after", "\nExample:\n  tunekit logs bert-lr-003"),
    ),
  ).action((name: string, options: CommonOptions & TargetOptions) =>
    withContext(options, ({ store, output }) => {
      const target = resolveName(store, name, forcedKind(options));
      const jobs =
        target.kind === "training-job"
          ? [target.record.name]
          : store.listTrainingJobs({ tuningJobName: target.record.name }).map((j) => j.name);
      const logs = jobs.map((job) => [job, logOf(store, job)] as const).filter(([, log]) => log !== undefined);
      if (logs.length === 0) {
        throw new TunekitError(
          "E_NO_LOGS",
          `no log recorded for ${kindLabel(target.kind)} "${target.record.name}" (ask/tell trials run in your own process and have none)`,
        );
      }
      for (const [job, log] of logs) {
        if (jobs.length > 1) output.out(`==> ${job} <==`);
        output.out((log as string).trimEnd());
      }
    }),
  );
}
