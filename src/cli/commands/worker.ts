import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { ValidationError } from "../../errors.js";
import { storeLocation, tunekitHome } from "../../store/location.js";
import { addCommonOptions, type CommonOptions } from "../context.js";
import { onInterrupt } from "../interrupt.js";
import { addJobOptions, type JobOptions, jobSettingsFrom } from "../job-options.js";

interface WorkerOptions extends CommonOptions, JobOptions {
  queue?: string;
  queueName?: string;
  gpus?: string;
  workDir?: string;
  name?: string;
  lockSeconds?: string;
  heartbeatSeconds?: string;
}

function number(value: string, field: string, min: number, max: number, integer = true): number {
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new ValidationError(
      field,
      `must be ${integer ? "an integer" : "a number"} from ${min} to ${max}, got ${value}`,
    );
  }
  return n;
}

export function workerCommand(): Command {
  return addJobOptions(
    addCommonOptions(
      new Command("worker")
        .description(
          "run training jobs taken from a BullMQ queue on Redis, for controllers started with --executor queue; its logs, metrics and status go to the shared store",
        )
        .option("--queue <url>", "the Redis of the queue, e.g. redis://10.0.0.5:6379 (default $TUNEKIT_QUEUE)")
        .option("--queue-name <name>", "the queue's name (default tunekit-training-jobs)")
        .option("--gpus <list>", "the GPUs it hands out, one per job: 0,1,2 (default: every GPU nvidia-smi lists)")
        .option("--work-dir <dir>", "where its jobs' directories and caches live (default $TUNEKIT_HOME/workers/NAME)")
        .option("--name <name>", "how `tunekit workers` names it (default HOST-PID)")
        .option(
          "--lock-seconds <s>",
          "how long its lock on a job lives unrenewed: if it dies, its jobs run again elsewhere this long after (default 30)",
        )
        .option("--heartbeat-seconds <s>", "how often it reports to the store (default 2)")
        .addHelpText(
          "after",
          "\nThe store must be one every machine reaches (postgres://); the worker needs no path of the controller's:\ncode arrives as a source bundle in the store, data and outputs as s3:// URIs or paths mounted on every worker.\n\nExamples:\n  tunekit worker --queue redis://10.0.0.5:6379 --store postgres://tunekit@10.0.0.5/tunekit\n  tunekit worker --queue redis://10.0.0.5:6379 --store postgres://tunekit@10.0.0.5/tunekit --gpus 0,1 --work-dir /scratch/tunekit",
        ),
    ),
  ).action(async (options: WorkerOptions) => {
    const url = options.queue ?? process.env.TUNEKIT_QUEUE;
    if (!url) throw new ValidationError("queue", "give the queue's Redis: --queue redis://HOST:6379");
    const { queueSettings, QueueWorker } = await import("../../executors/index.js");
    const { detectGpus } = await import("../../jobs/gpus.js");
    const { openStore } = await import("../../store/open-store.js");
    const queue = queueSettings(url, {
      ...(options.queueName ? { name: options.queueName } : {}),
      ...(options.lockSeconds ? { lockMs: number(options.lockSeconds, "lock-seconds", 1, 3600, false) * 1000 } : {}),
    });
    const gpus =
      options.gpus === undefined
        ? detectGpus()
        : options.gpus
            .split(",")
            .map((g) => g.trim())
            .filter(Boolean);
    for (const gpu of gpus) {
      if (!/^\d+$/.test(gpu)) throw new ValidationError("gpus", `must be GPU indices such as 0,1, got ${options.gpus}`);
    }
    const slots = options.slots ? number(options.slots, "slots", 1, 1024) : Math.max(1, gpus.length);
    if (gpus.length > 0 && slots > gpus.length) {
      throw new ValidationError("slots", `${slots} jobs at once need as many GPUs, but --gpus gives ${gpus.length}`);
    }
    const name = options.name ?? `${hostname()}-${process.pid}`;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name)) {
      throw new ValidationError("name", `must be letters, digits, '.', '_' or '-' (at most 63), got ${name}`);
    }
    const location = storeLocation(options.store);
    const workDir = resolve(options.workDir ?? join(tunekitHome(location), "workers", name));
    const machine = await jobSettingsFrom(options, join(workDir, "request"));
    const settings = {
      ...machine,
      home: workDir,
      jobsDir: join(workDir, "jobs"),
      cacheDir: join(workDir, "cache"),
      resources: { ...machine.resources, gpus },
      slots,
    };
    const store = await openStore(location);
    const say = (line: string) => process.stdout.write(`tunekit worker ${name}: ${line}\n`);
    const worker = new QueueWorker({
      store,
      queue,
      settings,
      slots,
      name,
      ...(options.heartbeatSeconds
        ? { heartbeatMs: number(options.heartbeatSeconds, "heartbeat-seconds", 0.1, 60, false) * 1000 }
        : {}),
      log: say,
    });
    await worker.start();
    say(
      `taking up to ${slots} job${slots === 1 ? "" : "s"} at once from ${queue.name}${gpus.length ? ` on GPUs ${gpus.join(",")}` : ""}; work directory ${workDir}`,
    );
    let closing = false;
    const close = () => {
      // The first signal lets running jobs finish; a second stops them (SIGTERM, then SIGKILL after the grace).
      const stopJobs = closing;
      closing = true;
      say(stopJobs ? "stopping its jobs" : "taking no more jobs; waiting for the running ones (again to stop them)");
      void worker.close({ stopJobs }).then(async () => {
        await store.close();
        process.exit(0);
      });
    };
    onInterrupt(close);
    process.on("SIGTERM", close);
  });
}
