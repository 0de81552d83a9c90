// What `tunekit train` does, loaded when it runs (see train.ts for the command line).
import { systemClock } from "../../clock.js";
import { readDocument } from "../../config/files.js";
import { prepareTrainingJob, runOptionsOf } from "../../jobs/index.js";
import { reapOrphanedJobs } from "../../jobs/orphans.js";
import { describeTrainingJob } from "../../services/index.js";
import { runTrainingJobHere } from "../../services/submit.js";
import { ServerClient } from "../../transports/http/client.js";
import { type CommonOptions, withContext } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { onInterrupt } from "../interrupt.js";
import { type JobOptions, jobSettingsFrom } from "../job-options.js";
import { jobSummary, json, processOutput } from "../output.js";

export interface TrainOptions extends CommonOptions, JobOptions {
  quiet?: boolean;
  server?: string;
  token?: string;
}

export async function train(file: string, options: TrainOptions): Promise<void> {
  const server = options.server ?? process.env.TUNEKIT_SERVER;
  if (server) return submitAndFollow(file, options, server);
  return withContext(options, async ({ store, output, clock }) => {
    const settings = await jobSettingsFrom(options, file);
    const request = readDocument(file, "file");
    // Checked before anything else happens, so a bad request changes nothing.
    prepareTrainingJob(request, settings);
    for (const name of await reapOrphanedJobs(store, clock.now())) {
      output.out(`[tunekit] ${name}: its tunekit process had died; marked Failed and its processes ended`);
    }
    const abort = new AbortController();
    onInterrupt(() => abort.abort());
    const quiet = options.quiet || options.json;
    const record = await runTrainingJobHere(store, request, settings, clock, {
      signal: abort.signal,
      ...(quiet ? {} : { onLine: (line: string) => output.out(line) }),
    });
    onInterrupt(undefined);
    const view = await describeTrainingJob(store, record);
    if (options.json) output.out(json(view));
    else output.out(`\n${jobSummary(record.name, record.status, record.failureReason ?? undefined)}`);
    if (abort.signal.aborted) process.exitCode = ExitCode.interrupted;
    else if (record.status !== "Completed") process.exitCode = ExitCode.failure;
  });
}

/** `tunekit train FILE --server URL`: the server's controller runs it; this process prints its log as it grows. */
async function submitAndFollow(file: string, options: TrainOptions, server: string): Promise<void> {
  const client = new ServerClient(server, options.token ?? process.env.TUNEKIT_TOKEN);
  const settings = await jobSettingsFrom(options, file);
  const name = await client.createTrainingJob(readDocument(file, "file"), runOptionsOf(settings));
  onInterrupt(() => void client.stop("training-job", name).catch(() => undefined));
  try {
    let after = -1;
    for (;;) {
      const page = await client.readLog(name, after);
      if (page.text && !options.quiet && !options.json) process.stdout.write(page.text);
      after = page.next;
      if (page.complete) break;
      if (!page.text) await systemClock.sleep(500);
    }
    const ended = await client.describeTrainingJob(name);
    if (options.json) processOutput.out(json(ended));
    else processOutput.out(`\n${jobSummary(name, ended.TrainingJobStatus, ended.FailureReason)}`);
    if (ended.TrainingJobStatus !== "Completed") process.exitCode = ExitCode.failure;
  } finally {
    onInterrupt(undefined);
  }
}
