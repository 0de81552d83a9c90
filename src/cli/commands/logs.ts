import { Command } from "commander";
import { systemClock } from "../../clock.js";
import { TunekitError } from "../../errors.js";
import { kindLabel } from "../../identity.js";
import type { Store } from "../../store/store.js";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";
import { addTargetOptions, forcedKind, type TargetOptions } from "./target-options.js";

const FOLLOW_POLL_MS = 250;

/** A job's whole log as the store holds it, or undefined when it has none. */
async function logOf(store: Store, name: string): Promise<string | undefined> {
  const chunks = await store.readLog(name);
  return chunks.length === 0 ? undefined : chunks.map((c) => c.text).join("");
}

/** Prints the log as it grows, until the job is no longer running and the log has been read to its end. */
async function followLog(store: Store, name: string, write: (text: string) => void): Promise<void> {
  const { readLogPage } = await import("../../services/logs.js");
  let after = -1;
  for (;;) {
    const job = await store.getTrainingJob(name);
    if (!job) return;
    const page = await readLogPage(store, job, after);
    if (page.text) write(page.text);
    after = page.next;
    if (page.complete) return;
    if (!page.text) await systemClock.sleep(FOLLOW_POLL_MS);
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
      const { resolveName } = await import("../../services/resolve-name.js");
      const target = await resolveName(store, name, forcedKind(options));
      if (options.follow && target.kind === "training-job") {
        await followLog(store, target.record.name, (text) => process.stdout.write(text));
        return;
      }
      const jobs =
        target.kind === "training-job"
          ? [target.record.name]
          : (await store.listTrainingJobs({ tuningJobName: target.record.name })).map((j) => j.name);
      const logs: [string, string][] = [];
      for (const job of jobs) {
        const log = await logOf(store, job);
        if (log !== undefined) logs.push([job, log]);
      }
      if (logs.length === 0) {
        throw new TunekitError(
          "E_NO_LOGS",
          `no log recorded for ${kindLabel(target.kind)} "${target.record.name}" (ask/tell trials run in your own process and have none)`,
        );
      }
      for (const [job, log] of logs) {
        if (jobs.length > 1) output.out(`==> ${job} <==`);
        output.out(log.trimEnd());
      }
    }),
  );
}
