import { Command } from "commander";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";
import { json } from "../output.js";
import { addTargetOptions, forcedKind, type TargetOptions } from "./target-options.js";

export function describeCommand(): Command {
  return addTargetOptions(
    addCommonOptions(
      new Command("describe")
        .argument("<name>", "a tuning job, study, training job or trial")
        .description("show a tuning job or training job as SageMaker's Describe* would (always JSON)")
        .addHelpText("after", "\nExamples:\n  tunekit describe bert-lr\n  tunekit describe bert-lr-007 --training-job"),
    ),
  ).action((name: string, options: CommonOptions & TargetOptions) =>
    withContext(options, async ({ store, output }) => {
      const { describeTrainingJob, describeTuningJob } = await import("../../services/describe.js");
      const { resolveName } = await import("../../services/resolve-name.js");
      const target = await resolveName(store, name, forcedKind(options));
      const described =
        target.kind === "tuning-job"
          ? await describeTuningJob(store, target.record)
          : await describeTrainingJob(store, target.record);
      output.out(json(described));
    }),
  );
}
