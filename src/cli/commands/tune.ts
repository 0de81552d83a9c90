import { spawn } from "node:child_process";
import { mkdirSync, openSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Command } from "commander";
import type { ParsedTuningJob } from "../../config/tuning-job-request.js";
import type { JobSettings } from "../../jobs/settings.js";
import { storeLocation } from "../../store/location.js";
import type { TuningEvent } from "../../tuner/run-tuning-job.js";
import { addCommonOptions, type CommandContext, type CommonOptions, withContext } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { onInterrupt } from "../interrupt.js";
import { addJobOptions, type JobOptions, jobSettingsFrom } from "../job-options.js";
import { formatHyperparameters, formatValue, json } from "../output.js";
import { loadTunerRun, saveTunerRun, tunerRunsDir } from "../tuner-runs.js";
import { formatDuration, LiveBlock, renderTuningJob } from "../tuning-display.js";

interface TuneOptions extends CommonOptions, JobOptions {
  quiet?: boolean;
  detach?: boolean;
}

/** A line per event, for logs and terminals that cannot redraw. */
function eventLine(event: TuningEvent, elapsed: string): string | undefined {
  switch (event.kind) {
    case "resumed":
      return `[${elapsed}] resumed${event.relaunched.length ? `; running again: ${event.relaunched.join(", ")}` : ""}`;
    case "started":
      return `[${elapsed}] start  ${event.job}  ${formatHyperparameters(event.hyperparameters)}`;
    case "stopping":
      return `[${elapsed}] stop   ${event.job}  ${event.decision.reason}: ${event.decision.detail}`;
    case "completing":
      return `[${elapsed}] completing: ${event.reason}`;
    case "finished": {
      const value = event.job.objectiveStatus === "Succeeded" ? formatValue(event.job.objectiveValue) : "no objective";
      const best = event.best ? `best ${formatValue(event.best.objectiveValue)} (${event.best.name})` : "no best yet";
      return `[${elapsed}] ${event.job.status.padEnd(9)} ${event.job.name}  ${value}  | ${best}`;
    }
  }
}

/** Runs a tuning job in this process with the display the options ask for, and prints the result. */
export async function runTune(
  context: CommandContext,
  job: ParsedTuningJob,
  settings: JobSettings,
  options: TuneOptions,
  onOpened?: () => void,
): Promise<void> {
  const { store, output } = context;
  const { describeTuningJob } = await import("../../api/describe.js");
  const { reapOrphanedJobs } = await import("../../jobs/orphans.js");
  const { LocalExecutor } = await import("../../tuner/local-executor.js");
  const { runTuningJob } = await import("../../tuner/run-tuning-job.js");
  const { SlotPool } = await import("../../tuner/slot-pool.js");
  await reapOrphanedJobs(store, Date.now());
  const name = job.request.HyperParameterTuningJobName;
  const parallel = job.request.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs;
  if (parallel > settings.slots && !options.quiet && !options.json) {
    process.stderr.write(
      `tunekit: MaxParallelTrainingJobs is ${parallel} but this machine has ${settings.slots} slots: at most ${settings.slots} jobs run at once (--slots, or slots in the config file)\n`,
    );
  }
  const abort = new AbortController();
  onInterrupt(() => abort.abort());
  const live = !options.quiet && !options.json && process.stdout.isTTY ? new LiveBlock(process.stdout) : undefined;
  const started = Date.now();
  const redraw = () => live?.draw(renderTuningJob(store, name, Date.now()));
  const timer = live ? setInterval(redraw, 500) : undefined;
  const pool = new SlotPool(join(dirname(storeLocation(options.store)), "slots"), settings.slots, settings.resources);
  try {
    const record = await runTuningJob({
      store,
      job,
      executor: new LocalExecutor(store, settings, pool, undefined, `${process.pid}:${name}`),
      signal: abort.signal,
      stopGraceMs: settings.stopGraceMs,
      ...(onOpened ? { onOpened } : {}),
      onEvent: (event) => {
        if (live) return redraw();
        if (options.quiet || options.json) return;
        const line = eventLine(event, formatDuration(Date.now() - started));
        if (line) output.out(line);
      },
    });
    if (timer) clearInterval(timer);
    redraw();
    const view = describeTuningJob(store, record);
    if (options.json) output.out(json(view));
    else if (!live) {
      output.out(`\n${record.name}: ${record.status}${record.failureReason ? ` (${record.failureReason})` : ""}`);
      if (record.completionReason) output.out(`completed early: ${record.completionReason}`);
      if (view.BestTrainingJob) {
        output.out(
          `best: ${view.BestTrainingJob.TrainingJobName} ${formatValue(view.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric?.Value)} ${formatHyperparameters(view.BestTrainingJob.TunedHyperParameters)}`,
        );
      }
    }
    if (abort.signal.aborted) process.exitCode = ExitCode.interrupted;
    else if (record.status !== "Completed") process.exitCode = ExitCode.failure;
  } finally {
    if (timer) clearInterval(timer);
    onInterrupt(undefined);
  }
}

/**
 * Starts this same command again without --detach, as a process of its own
 * that outlives the shell, and returns once the tuning job exists (or the
 * process failed, with its output).
 */
async function detach(context: CommandContext, storePath: string, name: string): Promise<void> {
  const { store, output } = context;
  const args = process.argv.slice(1).filter((a) => a !== "--detach");
  const dir = tunerRunsDir(storePath);
  mkdirSync(dir, { recursive: true });
  const log = join(dir, `${name.toLowerCase()}.log`);
  const fd = openSync(log, "a");
  const child = spawn(process.execPath, [...process.execArgv, ...args, "--quiet"], {
    detached: true,
    stdio: ["ignore", fd, fd],
    env: process.env,
  });
  let exited: number | null | undefined;
  child.on("exit", (code) => {
    exited = code;
  });
  // Running means holding the tuning job's lease (a resumed job existed before).
  for (let waited = 0; exited === undefined && waited < 60_000; waited += 100) {
    if (store.getLease("tuning-job", name)?.pid === child.pid) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.unref();
  if (exited !== undefined) {
    const tail = readFileSync(log, "utf8").trim().split("\n").slice(-5).join("\n");
    process.stderr.write(`${tail}\n`);
    process.exitCode = exited ?? ExitCode.failure;
    return;
  }
  output.out(`started tuning job ${name} in the background (pid ${child.pid}); its output goes to ${log}`);
  output.out(`watch it:  tunekit watch ${name}\nstop it:   tunekit stop ${name}`);
}

export function tuneCommand(): Command {
  return addJobOptions(
    addCommonOptions(
      new Command("tune")
        .argument("<file>", "a CreateHyperParameterTuningJob request, JSON or YAML")
        .description("run a tuning job on this machine; the same name and request again resumes it after a crash")
        .option("--quiet", "print only the result")
        .option("--detach", "run in the background; watch with tunekit watch NAME")
        .addHelpText(
          "after",
          "\nExamples:\n  tunekit tune tuning-job.json --config tunekit.config.yaml\n  tunekit tune tuning-job.json --detach && tunekit watch bert-lr",
        ),
    ),
  ).action((file: string, options: TuneOptions) =>
    withContext(options, async (context) => {
      const { readDocument } = await import("../../config/files.js");
      const { parseTuningJobRequest } = await import("../../config/tuning-job-request.js");
      const settings = await jobSettingsFrom(options, file);
      const job = parseTuningJobRequest(readDocument(file, "file"));
      const name = job.request.HyperParameterTuningJobName;
      const storePath = storeLocation(options.store);
      const { quiet, detach: background, json: asJson, ...jobOptions } = options;
      if (background) return detach(context, storePath, name);
      await runTune(context, job, settings, options, () =>
        saveTunerRun(storePath, name, { file, options: jobOptions }),
      );
    }),
  );
}

export function resumeCommand(): Command {
  return addCommonOptions(
    new Command("resume")
      .argument("<name>", "a tuning job whose tunekit process exited before it ended")
      .description("carry on a tuning job after a crash, with the request and options it was started with")
      .option("--quiet", "print only the result")
      .addHelpText("after", "\nExample:\n  tunekit resume bert-lr"),
  ).action((name: string, options: CommonOptions & { quiet?: boolean }) =>
    withContext(options, async (context) => {
      const { readDocument } = await import("../../config/files.js");
      const { parseTuningJobRequest } = await import("../../config/tuning-job-request.js");
      const run = loadTunerRun(storeLocation(options.store), name);
      const stored = context.store.getTuningJob(name);
      const job = parseTuningJobRequest(stored?.config ?? readDocument(run.file, "file"));
      const settings = await jobSettingsFrom({ ...run.options, store: options.store } as JobOptions, run.file);
      await runTune(context, job, settings, { ...run.options, ...options } as TuneOptions);
    }),
  );
}

export function watchCommand(): Command {
  return addCommonOptions(
    new Command("watch")
      .argument("<name>", "a tuning job")
      .description("follow a tuning job (one running detached, or in another shell) until it ends")
      .option("--once", "print the view once and exit")
      .addHelpText("after", "\nExample:\n  tunekit watch bert-lr"),
  ).action((name: string, options: CommonOptions & { once?: boolean }) =>
    withContext(options, async ({ store, output }) => {
      const live = process.stdout.isTTY && !options.once ? new LiveBlock(process.stdout) : undefined;
      for (;;) {
        const record = store.getTuningJob(name);
        const lines = renderTuningJob(store, name, Date.now());
        if (live) live.draw(lines);
        const done = !record || !["InProgress", "Stopping"].includes(record.status);
        if (!live && (done || options.once)) output.out(lines.join("\n"));
        if (done || options.once) {
          if (!record) process.exitCode = ExitCode.notFound;
          return;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    }),
  );
}
