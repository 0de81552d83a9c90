import { Command } from "commander";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";
import { json } from "../output.js";
import { addTargetOptions, forcedKind, type TargetOptions } from "./target-options.js";

export function stopCommand(): Command {
  return addTargetOptions(
    addCommonOptions(
      new Command("stop")
        .argument("<name>", "a tuning job, study, training job or trial")
        .description("stop a running tuning job or training job; its owner acts on the request within a second")
        .addHelpText("after", "\nExample:\n  tunekit stop bert-lr"),
    ),
  ).action((name: string, options: CommonOptions & TargetOptions) =>
    withContext(options, async ({ store, json: asJson, output, clock }) => {
      const { kindLabel } = await import("../../identity.js");
      const { resolveName } = await import("../../services/resolve-name.js");
      const { stopJob } = await import("../../services/stop.js");
      const { reapOrphanedJobs } = await import("../../jobs/orphans.js");
      // A job whose tunekit died cannot act on a stop request: end its processes here instead.
      const reaped = await reapOrphanedJobs(store, clock.now());
      const target = await resolveName(store, name, forcedKind(options));
      if (target.kind === "training-job" && reaped.includes(target.record.name)) {
        if (asJson) return output.out(json({ name: target.record.name, action: "ended-orphan" }));
        return output.out(`ended training job ${target.record.name}: the tunekit process running it had died`);
      }
      const outcome = await stopJob(store, target.kind, target.record.name, clock.now());
      // A tuning job stopped here had no live tuner: the children it left are ended with it.
      if (outcome.action === "stopped") await reapOrphanedJobs(store, clock.now());
      if (asJson) return output.out(json(outcome));
      const what = `${kindLabel(target.kind)} ${outcome.name}`;
      output.out(
        outcome.action === "stopped" ? `stopped ${what}` : `asked ${outcome.owner} to stop ${what}; it is Stopping`,
      );
    }),
  );
}
