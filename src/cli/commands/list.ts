import { Command, Option } from "commander";
import { bestTrainingJob, objectiveOf, strategyOf } from "../../services/index.js";
import { TUNING_JOB_STATUSES, type TuningJobStatus } from "../../store/index.js";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";
import { formatTime, formatValue, json, table } from "../output.js";
import { parseCount } from "./parse.js";

export function listCommand(): Command {
  return addCommonOptions(
    new Command("list")
      .description("list tuning jobs and ask/tell studies, newest first")
      .addOption(new Option("--status <status>", "only jobs in this status").choices([...TUNING_JOB_STATUSES]))
      .option("--limit <n>", "at most this many", parseCount, 100)
      .addHelpText("after", "\nExample:\n  tunekit list --status InProgress --json"),
  ).action((options: CommonOptions & { status?: TuningJobStatus; limit: number }) =>
    withContext(options, async ({ store, json: asJson, output }) => {
      const jobs = await store.listTuningJobs({
        limit: options.limit,
        ...(options.status ? { status: options.status } : {}),
      });
      const rows = [];
      for (const job of jobs) {
        const counters = await store.countTrainingJobs(job.name);
        const best = await bestTrainingJob(store, job);
        const total = Object.values(counters.status).reduce((a, b) => a + b, 0);
        rows.push({
          name: job.name,
          kind: job.kind,
          status: job.status,
          strategy: strategyOf(job),
          objective: objectiveOf(job),
          trials: total,
          completed: counters.status.Completed,
          best: best?.objectiveValue ?? null,
          bestTrainingJob: best?.name ?? null,
          createdAt: new Date(job.createdAt).toISOString(),
        });
      }
      if (asJson) return output.out(json(rows));
      if (rows.length === 0) return output.out("no tuning jobs in this store");
      output.out(
        table(
          ["NAME", "KIND", "STATUS", "STRATEGY", "TRIALS", "BEST", "CREATED"],
          rows.map((r, i) => [
            r.name,
            r.kind,
            r.status,
            r.strategy,
            `${r.completed}/${r.trials}`,
            r.best === null ? undefined : `${formatValue(r.best)} (${r.objective.Type === "Maximize" ? "max" : "min"})`,
            formatTime(jobs[i]?.createdAt ?? null),
          ]),
        ),
      );
    }),
  );
}
