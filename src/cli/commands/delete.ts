import { Command } from "commander";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";
import { json } from "../output.js";

export function deleteCommand(): Command {
  return addCommonOptions(
    new Command("delete")
      .argument("<name>", "a finished training job")
      .description(
        "remove a finished training job's directory, log and records (its artifacts stay where they were written)",
      )
      .addHelpText("after", "\nExample:\n  tunekit delete contract-check"),
  ).action((name: string, options: CommonOptions) =>
    withContext(options, async ({ store, json: asJson, output }) => {
      const { deleteTrainingJob } = await import("../../api/delete.js");
      const { resolveTrainingJob } = await import("../../api/resolve-name.js");
      const job = resolveTrainingJob(store, name);
      deleteTrainingJob(store, job);
      output.out(asJson ? json({ deleted: [job.name] }) : `deleted training job ${job.name}`);
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
      const { deleteTrainingJob, parseAge, prunableTrainingJobs } = await import("../../api/delete.js");
      const jobs = prunableTrainingJobs(store, clock.now() - parseAge(options.olderThan));
      if (!options.dryRun) for (const job of jobs) deleteTrainingJob(store, job);
      const names = jobs.map((j) => j.name);
      if (asJson) return output.out(json({ [options.dryRun ? "wouldDelete" : "deleted"]: names }));
      output.out(
        names.length === 0 ? "nothing to prune" : `${options.dryRun ? "would delete" : "deleted"} ${names.join(", ")}`,
      );
    }),
  );
}
