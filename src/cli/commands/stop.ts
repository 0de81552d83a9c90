import { Command } from "commander";
import { kindLabel, resolveName, stopJob } from "../../api/index.js";
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
    withContext(options, ({ store, json: asJson, output, clock }) => {
      const target = resolveName(store, name, forcedKind(options));
      const outcome = stopJob(store, target.kind, target.record.name, clock.now());
      if (asJson) return output.out(json(outcome));
      const what = `${kindLabel(target.kind)} ${outcome.name}`;
      output.out(
        outcome.action === "stopped" ? `stopped ${what}` : `asked ${outcome.owner} to stop ${what}; it is Stopping`,
      );
    }),
  );
}
