import { Command } from "commander";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";
import { json, table } from "../output.js";

export function workersCommand(): Command {
  return addCommonOptions(
    new Command("workers")
      .description(
        "list the workers that take training jobs from the queue: name, host, slots, GPUs, running jobs, last heartbeat",
      )
      .addHelpText("after", "\nExample:\n  tunekit workers --store postgres://tunekit@10.0.0.5/tunekit"),
  ).action((options: CommonOptions) =>
    withContext(options, async ({ store, json: asJson, output }) => {
      const { listWorkers } = await import("../../services/workers.js");
      const workers = await listWorkers(store);
      if (asJson) return output.out(json({ Workers: workers }));
      if (workers.length === 0) return output.out("no workers have reported to this store");
      output.out(
        table(
          ["NAME", "HOST", "STATUS", "SLOTS", "GPUS", "RUNNING", "LAST HEARTBEAT"],
          workers.map((w) => [
            w.Name,
            w.Host,
            w.Status,
            `${w.RunningJobs.length}/${w.Slots}`,
            w.Gpus.join(",") || "-",
            w.RunningJobs.map((j) =>
              j.Attempt > 0 ? `${j.TrainingJobName} (attempt ${j.Attempt + 1})` : j.TrainingJobName,
            ).join(", ") || "-",
            `${w.SecondsSinceHeartbeat} s ago`,
          ]),
        ),
      );
    }),
  );
}
