import { Command } from "commander";
import { addCommonOptions } from "../context.js";
import { addJobOptions } from "../job-options.js";
import type { TrainOptions } from "./train-run.js";

export function trainCommand(): Command {
  return addJobOptions(
    addCommonOptions(
      new Command("train")
        .argument("<file>", "a CreateTrainingJob request, JSON or YAML")
        .description(
          "run a training job on this machine under SageMaker's container contract, or submit it to a tunekit server, streaming its log",
        )
        .option("--quiet", "do not stream the job's log")
        .option("--server <url>", "submit to `tunekit serve` at this URL and follow it there (default $TUNEKIT_SERVER)")
        .option("--token <token>", "the server's token (default $TUNEKIT_TOKEN)")
        .addHelpText(
          "after",
          "\nExamples:\n  tunekit train examples/train-job/request.json --config examples/train-job/tunekit.config.yaml\n  tunekit train request.json --server http://127.0.0.1:8686",
        ),
    ),
  ).action(async (file: string, options: TrainOptions) => {
    // The job runtime is loaded only when a job is to run: `tunekit --help` stays fast.
    const { train } = await import("./train-run.js");
    await train(file, options);
  });
}
