import { Command } from "commander";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";
import { json } from "../output.js";
import { addTargetOptions, forcedKind, type TargetOptions } from "./target-options.js";

export function deleteCommand(): Command {
  return addTargetOptions(
    addCommonOptions(
      new Command("delete")
        .argument("<name>", "a tuning job or study that has ended (with its training jobs), or a finished training job")
        .description("remove an ended job's directories, logs and records (its artifacts stay where they were written)")
        .addHelpText("after", "\nExamples:\n  tunekit delete contract-check\n  tunekit delete mrpc-lr --tuning-job"),
    ),
  ).action((name: string, options: CommonOptions & TargetOptions) =>
    withContext(options, async ({ store, json: asJson, output }) => {
      const { deleteTrainingJob, deleteTuningJob } = await import("../../services/delete.js");
      const { resolveName } = await import("../../services/resolve-name.js");
      const target = await resolveName(store, name, forcedKind(options));
      if (target.kind === "tuning-job") await deleteTuningJob(store, target.record);
      else await deleteTrainingJob(store, target.record);
      const what =
        target.kind === "tuning-job" ? (target.record.kind === "study" ? "study" : "tuning job") : "training job";
      output.out(asJson ? json({ deleted: [target.record.name] }) : `deleted ${what} ${target.record.name}`);
    }),
  );
}

export function pruneCommand(): Command {
  return addCommonOptions(
    new Command("prune")
      .requiredOption(
        "--older-than <age>",
        "remove finished training jobs that ended longer ago than this (e.g. 7d, 12h)",
      )
      .option("--dry-run", "only list what would be removed")
      .description("remove finished standalone training jobs older than an age, with their directories and logs")
      .addHelpText("after", "\nExample:\n  tunekit prune --older-than 7d"),
  ).action((options: CommonOptions & { olderThan: string; dryRun?: boolean }) =>
    withContext(options, async ({ store, json: asJson, output, clock }) => {
      const { deleteTrainingJob, parseAge, prunableTrainingJobs } = await import("../../services/delete.js");
      const jobs = await prunableTrainingJobs(store, clock.now() - parseAge(options.olderThan));
      if (!options.dryRun) for (const job of jobs) await deleteTrainingJob(store, job);
      const names = jobs.map((j) => j.name);
      if (asJson) return output.out(json({ [options.dryRun ? "wouldDelete" : "deleted"]: names }));
      output.out(
        names.length === 0 ? "nothing to prune" : `${options.dryRun ? "would delete" : "deleted"} ${names.join(", ")}`,
      );
    }),
  );
}
