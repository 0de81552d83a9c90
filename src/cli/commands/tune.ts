import { Command } from "commander";
import { describeTuningJob } from "../../api/index.js";
import { readDocument } from "../../config/files.js";
import { parseTuningJobRequest } from "../../config/tuning-job-request.js";
import { reapOrphanedJobs } from "../../jobs/orphans.js";
import { runTuningJob } from "../../tuner/run-tuning-job.js";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { onInterrupt } from "../interrupt.js";
import { addJobOptions, type JobOptions, jobSettingsFrom } from "../job-options.js";
import { formatValue, json } from "../output.js";

interface TuneOptions extends CommonOptions, JobOptions {
  quiet?: boolean;
}

const show = (hyperparameters: Record<string, unknown>) =>
  Object.entries(hyperparameters)
    .map(([k, v]) => `${k}=${typeof v === "number" ? formatValue(v) : String(v)}`)
    .join(" ");

export function tuneCommand(): Command {
  return addJobOptions(
    addCommonOptions(
      new Command("tune")
        .argument("<file>", "a CreateHyperParameterTuningJob request, JSON or YAML")
        .description("run a tuning job on this machine: training jobs chosen by the strategy, several at a time")
        .option("--quiet", "print only the result")
        .addHelpText("after", "\nExample:\n  tunekit tune tuning-job.json --config tunekit.config.yaml"),
    ),
  ).action((file: string, options: TuneOptions) =>
    withContext(options, async ({ store, output }) => {
      const settings = jobSettingsFrom(options, file);
      const job = parseTuningJobRequest(readDocument(file, "file"));
      await reapOrphanedJobs(store, Date.now());
      const abort = new AbortController();
      onInterrupt(() => abort.abort());
      const quiet = options.quiet || options.json;
      const started = Date.now();
      const record = await runTuningJob({
        store,
        job,
        settings,
        signal: abort.signal,
        onEvent: (event) => {
          if (quiet) return;
          const elapsed = `${((Date.now() - started) / 1000).toFixed(0)}s`;
          if (event.kind === "started") {
            output.out(`[${elapsed}] start  ${event.job}  ${show(event.hyperparameters)}`);
          } else {
            const value =
              event.job.objectiveStatus === "Succeeded" ? formatValue(event.job.objectiveValue) : "no objective";
            const best = event.best
              ? `best ${formatValue(event.best.objectiveValue)} (${event.best.name})`
              : "no best yet";
            output.out(`[${elapsed}] ${event.job.status.padEnd(9)} ${event.job.name}  ${value}  | ${best}`);
          }
        },
      });
      onInterrupt(undefined);
      const view = describeTuningJob(store, record);
      if (options.json) output.out(json(view));
      else {
        output.out(`\n${record.name}: ${record.status}${record.failureReason ? ` (${record.failureReason})` : ""}`);
        if (view.BestTrainingJob) {
          output.out(
            `best: ${view.BestTrainingJob.TrainingJobName} ${formatValue(view.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric?.Value)} ${show(view.BestTrainingJob.TunedHyperParameters)}`,
          );
        }
      }
      if (abort.signal.aborted) process.exitCode = ExitCode.interrupted;
      else if (record.status !== "Completed") process.exitCode = ExitCode.failure;
    }),
  );
}
