import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { Command } from "commander";
import { TunekitError } from "../../errors.js";
import type { Store } from "../../store/store.js";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";
import { addTargetOptions, forcedKind, type TargetOptions } from "./target-options.js";

function logOf(store: Store, trainingJob: string, stream: string): string | undefined {
  const cursor = store.getLogCursor(trainingJob, stream);
  return cursor && readFileSync(cursor.path, "utf8");
}

const FOLLOW_POLL_MS = 250;

/**
 * Prints the log as it grows, until the job is no longer running and the
 * file has been read to its end. Reads only the new bytes each time.
 */
async function followLog(store: Store, name: string, stream: string, write: (text: string) => void): Promise<void> {
  let offset = 0;
  const decoder = new TextDecoder();
  for (;;) {
    const job = store.getTrainingJob(name);
    const running = job?.status === "InProgress" || job?.status === "Stopping";
    const cursor = store.getLogCursor(name, stream);
    if (cursor && existsSync(cursor.path)) {
      const size = statSync(cursor.path).size;
      if (size > offset) {
        const fd = openSync(cursor.path, "r");
        const buffer = Buffer.alloc(size - offset);
        readSync(fd, buffer, 0, buffer.length, offset);
        closeSync(fd);
        offset = size;
        write(decoder.decode(buffer, { stream: true }));
      }
    }
    if (!running) return;
    await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
  }
}

export function logsCommand(): Command {
  return addTargetOptions(
    addCommonOptions(
      new Command("logs")
        .argument("<name>", "a training job, or a tuning job for the logs of all its training jobs")
        .description("print the log of a training job, or of every training job of a tuning job")
        .option("-f, --follow", "keep printing a running training job's log until the job ends")
        .addHelpText("after", "\nExamples:\n  tunekit logs bert-lr-003\n  tunekit logs bert-lr-003 --follow"),
    ),
  ).action((name: string, options: CommonOptions & TargetOptions & { follow?: boolean }) =>
    withContext(options, async ({ store, output }) => {
      const { kindLabel } = await import("../../api/describe.js");
      const { resolveName } = await import("../../api/resolve-name.js");
      const { COMBINED_LOG } = await import("../../jobs/run-training-job.js");
      const target = resolveName(store, name, forcedKind(options));
      if (options.follow && target.kind === "training-job") {
        await followLog(store, target.record.name, COMBINED_LOG, (text) => process.stdout.write(text));
        return;
      }
      const jobs =
        target.kind === "training-job"
          ? [target.record.name]
          : store.listTrainingJobs({ tuningJobName: target.record.name }).map((j) => j.name);
      const logs = jobs
        .map((job) => [job, logOf(store, job, COMBINED_LOG)] as const)
        .filter(([, log]) => log !== undefined);
      if (logs.length === 0) {
        throw new TunekitError(
          "E_NO_LOGS",
          `no log recorded for ${kindLabel(target.kind)} "${target.record.name}" (ask/tell trials run in your own process and have none)`,
        );
      }
      for (const [job, log] of logs) {
        if (jobs.length > 1) output.out(`==> ${job} <==`);
        output.out((log as string).trimEnd());
      }
    }),
  );
}
