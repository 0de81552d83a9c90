// What `tunekit tune`, `resume` and `watch` do, loaded when they run (see tune.ts for their command lines).
import { spawn } from "node:child_process";
import { mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readDocument } from "../../config/files.js";
import { type ParsedTuningJob, parseTuningJobRequest } from "../../config/tuning-job-request.js";
import { TunekitError } from "../../errors.js";
import { makeExecutor, slotPoolFor } from "../../executors/index.js";
import { type JobSettings, runOptionsOf, withRunOptions } from "../../jobs/index.js";
import { reapOrphanedJobs } from "../../jobs/orphans.js";
import { describeTuningJob } from "../../services/index.js";
import { ServerClient } from "../../transports/http/client.js";
import { runTuningJob, type TuningEvent } from "../../tuner/index.js";
import { type CommandContext, type CommonOptions, withContext } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { onInterrupt } from "../interrupt.js";
import { type JobOptions, jobSettingsFrom } from "../job-options.js";
import { formatHyperparameters, formatValue, json, processOutput } from "../output.js";
import { formatDuration, LiveBlock, renderTuningJob } from "../tuning-display.js";
import { watchRemote } from "../watch-remote.js";

export interface TuneOptions extends CommonOptions, JobOptions {
  quiet?: boolean;
  detach?: boolean;
  server?: string;
  token?: string;
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
): Promise<void> {
  const { store, output, clock } = context;
  await reapOrphanedJobs(store, clock.now());
  const name = job.request.HyperParameterTuningJobName;
  const parallel = job.request.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs;
  // A cap on what the request asked for is always said, even with --quiet: it changes how the job runs.
  if (settings.slots !== undefined && parallel > settings.slots) {
    process.stderr.write(
      `tunekit: MaxParallelTrainingJobs is ${parallel} but this machine runs at most ${settings.slots} jobs at once (--slots, or slots in the config file)\n`,
    );
  }
  const abort = new AbortController();
  onInterrupt(() => abort.abort());
  const live = !options.quiet && !options.json && process.stdout.isTTY ? new LiveBlock(process.stdout) : undefined;
  const started = clock.now();
  const redraw = async () => live?.draw(await renderTuningJob(store, name, clock.now()));
  // The terminal is redrawn in real time, whatever clock the tuning job runs on.
  const timer = live ? setInterval(() => void redraw(), 500) : undefined;
  try {
    const record = await runTuningJob({
      store,
      job,
      executor: makeExecutor(store, settings, {
        slots: slotPoolFor(settings),
        clock,
        holder: `${process.pid}:${name}`,
        concurrency: Math.min(parallel, settings.slots ?? parallel),
      }),
      signal: abort.signal,
      stopGraceMs: settings.stopGraceMs,
      runOptions: runOptionsOf(settings),
      onEvent: (event) => {
        if (live) return void redraw();
        if (options.quiet || options.json) return;
        const line = eventLine(event, formatDuration(clock.now() - started));
        if (line) output.out(line);
      },
    });
    if (timer) clearInterval(timer);
    await redraw();
    const view = await describeTuningJob(store, record);
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
async function detach(context: CommandContext, name: string): Promise<void> {
  const { store, output, clock } = context;
  const args = process.argv.slice(1).filter((a) => a !== "--detach");
  const dir = join(context.home, "tuners");
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
    if ((await store.getLease("tuning-job", name))?.pid === child.pid) break;
    await clock.sleep(100);
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

/** `tunekit tune FILE --server URL`: the request goes to the server's controller; this process only watches. */
async function submitAndWatch(file: string, options: TuneOptions, server: string): Promise<void> {
  const client = new ServerClient(server, options.token ?? process.env.TUNEKIT_TOKEN);
  const settings = await jobSettingsFrom(options, file);
  const name = await client.createTuningJob(readDocument(file, "file"), runOptionsOf(settings));
  if (!options.quiet && !options.json) processOutput.out(`submitted tuning job ${name} to ${server}`);
  if (options.detach) return;
  const abort = new AbortController();
  onInterrupt(() => {
    abort.abort();
    void client.stop("tuning-job", name).catch(() => undefined);
  });
  try {
    const ended = await watchRemote(client, name, options.quiet || options.json ? undefined : processOutput);
    if (options.json) processOutput.out(json(ended));
    else
      processOutput.out(
        `\n${name}: ${ended.HyperParameterTuningJobStatus}${ended.FailureReason ? ` (${ended.FailureReason})` : ""}`,
      );
    if (abort.signal.aborted) process.exitCode = ExitCode.interrupted;
    else if (ended.HyperParameterTuningJobStatus !== "Completed") process.exitCode = ExitCode.failure;
  } finally {
    onInterrupt(undefined);
  }
}

export async function tune(file: string, options: TuneOptions): Promise<void> {
  const server = options.server ?? process.env.TUNEKIT_SERVER;
  if (server) return submitAndWatch(file, options, server);
  return withContext(options, async (context) => {
    const settings = await jobSettingsFrom(options, file);
    const job = parseTuningJobRequest(readDocument(file, "file"));
    if (options.detach) return detach(context, job.request.HyperParameterTuningJobName);
    await runTune(context, job, settings, options);
  });
}

export function resume(name: string, options: CommonOptions & { quiet?: boolean }): Promise<void> {
  return withContext(options, async (context) => {
    const stored = await context.store.getTuningJob(name);
    if (stored?.kind !== "tuning-job") {
      throw new TunekitError("E_NOT_FOUND", `no tuning job named "${name}" in this store`, { field: "name" });
    }
    const job = parseTuningJobRequest(stored.config);
    // The options it was started with are in the store; this machine's own settings fill the rest.
    const machine = await jobSettingsFrom({ s3Map: [], ...(options.store ? { store: options.store } : {}) }, ".");
    const settings = withRunOptions(machine, stored.runOptions);
    await runTune(context, job, settings, options as TuneOptions);
  });
}

export function watch(name: string, options: CommonOptions & { once?: boolean }): Promise<void> {
  return withContext(options, async ({ store, output, clock }) => {
    const live = process.stdout.isTTY && !options.once ? new LiveBlock(process.stdout) : undefined;
    for (;;) {
      const record = await store.getTuningJob(name);
      const lines = await renderTuningJob(store, name, clock.now());
      if (live) live.draw(lines);
      const done = !record || !["InProgress", "Stopping"].includes(record.status);
      if (!live && (done || options.once)) output.out(lines.join("\n"));
      if (done || options.once) {
        if (!record) process.exitCode = ExitCode.notFound;
        return;
      }
      await clock.sleep(1000);
    }
  });
}
