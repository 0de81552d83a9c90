import { Command } from "commander";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { onInterrupt } from "../interrupt.js";
import { addJobOptions, type JobOptions, jobSettingsFrom } from "../job-options.js";
import { json } from "../output.js";

interface TrainOptions extends CommonOptions, JobOptions {
  quiet?: boolean;
}

export function trainCommand(): Command {
  return addJobOptions(
    addCommonOptions(
      new Command("train")
        .argument("<file>", "a CreateTrainingJob request, JSON or YAML")
        .description("run a training job on this machine under SageMaker's container contract, streaming its log")
        .option("--quiet", "do not stream the job's log")
        .addHelpText(
          "after",
          "\nExample:\n  tunekit train examples/train-job/request.json --config examples/train-job/tunekit.config.yaml",
        ),
    ),
  ).action((file: string, options: TrainOptions) =>
    withContext(options, async ({ store, output }) => {
      const { describeTrainingJob } = await import("../../api/describe.js");
      const { readDocument } = await import("../../config/files.js");
      const { prepareTrainingJob } = await import("../../jobs/prepare.js");
      const { runTrainingJob } = await import("../../jobs/run-training-job.js");
      const { reapOrphanedJobs } = await import("../../jobs/orphans.js");
      const settings = await jobSettingsFrom(options, file);
      const job = prepareTrainingJob(readDocument(file, "file"), settings);
      for (const name of await reapOrphanedJobs(store, Date.now())) {
        output.out(`[tunekit] ${name}: its tunekit process had died; marked Failed and its processes ended`);
      }
      const abort = new AbortController();
      onInterrupt(() => abort.abort());
      const quiet = options.quiet || options.json;
      const record = await runTrainingJob({
        store,
        job,
        settings,
        signal: abort.signal,
        ...(quiet ? {} : { onLine: (line: string) => output.out(line) }),
      });
      onInterrupt(undefined);
      const view = describeTrainingJob(store, record);
      if (options.json) output.out(json(view));
      else {
        // The reason's first line beside the status, and the log lines it ends with below, indented.
        const [first, ...rest] = (record.failureReason ?? "").split("\n");
        output.out(`\n${record.name}: ${record.status}${first ? ` (${first})` : ""}`);
        for (const line of rest) output.out(`  ${line}`);
      }
      if (abort.signal.aborted) process.exitCode = ExitCode.interrupted;
      else if (record.status !== "Completed") process.exitCode = ExitCode.failure;
    }),
  );
}
