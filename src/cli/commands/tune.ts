import { Command } from "commander";
import { addCommonOptions, type CommonOptions } from "../context.js";
import { addExecutorOptions, addJobOptions } from "../job-options.js";
import type { TuneOptions } from "./tune-run.js";

// The tuner and the job runtime are loaded only when a job is to run (tune-run.ts): `tunekit --help` stays fast.

export function tuneCommand(): Command {
  return addExecutorOptions(
    addJobOptions(
      addCommonOptions(
        new Command("tune")
          .argument("<file>", "a CreateHyperParameterTuningJob request, JSON or YAML")
          .description(
            "run a tuning job on this machine, or submit it to a tunekit server and watch it; the same name and request again resumes it after a crash",
          )
          .option("--quiet", "print only the result")
          .option("--detach", "run in the background; watch with tunekit watch NAME")
          .option(
            "--server <url>",
            "submit to `tunekit serve` at this URL and watch it there (default $TUNEKIT_SERVER)",
          )
          .option("--token <token>", "the server's token (default $TUNEKIT_TOKEN)")
          .addHelpText(
            "after",
            "\nExamples:\n  tunekit tune tuning-job.json --config tunekit.config.yaml\n  tunekit tune tuning-job.json --detach && tunekit watch bert-lr\n  tunekit tune tuning-job.json --server http://127.0.0.1:8686\n  tunekit tune tuning-job.json --executor queue --queue redis://10.0.0.5:6379 --store postgres://postgres@10.0.0.5/tunekit",
          ),
      ),
    ),
  ).action(async (file: string, options: TuneOptions) => (await import("./tune-run.js")).tune(file, options));
}

export function resumeCommand(): Command {
  return addCommonOptions(
    new Command("resume")
      .argument("<name>", "a tuning job whose tunekit process exited before it ended")
      .description("carry on a tuning job after a crash, with the request and options it was started with")
      .option("--quiet", "print only the result")
      .addHelpText("after", "\nExample:\n  tunekit resume bert-lr"),
  ).action(async (name: string, options: CommonOptions & { quiet?: boolean }) =>
    (await import("./tune-run.js")).resume(name, options),
  );
}

export function watchCommand(): Command {
  return addCommonOptions(
    new Command("watch")
      .argument("<name>", "a tuning job")
      .description("follow a tuning job (one running detached, or in another shell) until it ends")
      .option("--once", "print the view once and exit")
      .addHelpText("after", "\nExample:\n  tunekit watch bert-lr"),
  ).action(async (name: string, options: CommonOptions & { once?: boolean }) =>
    (await import("./tune-run.js")).watch(name, options),
  );
}
