import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { ValidationError } from "../errors.js";
import type { SandboxMode } from "../jobs/sandbox.js";
import type { JobSettings, QueueTarget } from "../jobs/settings.js";
import { storeLocation, tunekitHome } from "../store/location.js";

/** The options of the commands that run jobs (train, tune): where S3 is, which Python, the sandbox, cores. */
export interface JobOptions {
  store?: string;
  s3Map: string[];
  python?: string;
  config?: string;
  sandbox?: SandboxMode;
  cpus?: string;
  slots?: string;
  /** serve and tune only (addExecutorOptions). */
  executor?: string;
  queue?: string;
  queueName?: string;
}

export function addJobOptions(command: Command): Command {
  return command
    .option(
      "--s3-map <s3-prefix=dir>",
      "read and write s3://prefix in a local directory (repeatable)",
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option("--python <interpreter>", "the Python for .py entry points (default $TUNEKIT_PYTHON, else python3)")
    .option("--config <file>", "tunekit's local settings (s3Map, python, logCapBytes, sandbox, stopGraceSeconds)")
    .option("--sandbox <mode>", "auto (bubblewrap when installed), bwrap, or none")
    .option("--cpus <n>", "cores tunekit may use, shared evenly by the jobs running at once (SM_NUM_CPUS)")
    .option(
      "--slots <n>",
      "at most this many jobs at once on this machine, across tuning jobs (default: one per GPU; no bound without GPUs)",
    );
}

/** Where a tuning job's training jobs run (serve, tune): on this machine, or on workers through a queue. */
export function addExecutorOptions(command: Command): Command {
  return command
    .option("--executor <kind>", "local (default): jobs run here; queue: on `tunekit worker` processes (--queue)")
    .option("--queue <url>", "the Redis of the BullMQ queue workers take jobs from, e.g. redis://10.0.0.5:6379")
    .option("--queue-name <name>", "the queue's name (default tunekit-training-jobs)");
}

/** Job settings from flags, then the config file, then defaults; relative paths in `file` resolve beside it. */
export async function jobSettingsFrom(options: JobOptions, file: string): Promise<JobSettings> {
  // Loaded when a job is about to run, not when the command line is parsed (--help stays fast).
  const { loadLocalConfig } = await import("../config/local-config.js");
  const { detectGpus } = await import("../jobs/gpus.js");
  const { parseS3Mapping } = await import("../jobs/s3-map.js");
  const { defaultJobSettings } = await import("../jobs/settings.js");
  const config = loadLocalConfig(options.config ?? process.env.TUNEKIT_CONFIG);
  const cpus = options.cpus ? Math.max(1, Number(options.cpus)) : availableParallelism();
  const gpus = detectGpus();
  return defaultJobSettings(tunekitHome(storeLocation(options.store)), {
    baseDir: dirname(resolve(file)),
    s3Map: [
      ...options.s3Map.map((m) => parseS3Mapping(m)),
      ...Object.entries(config.s3Map).map(([prefix, dir]) => parseS3Mapping(`${prefix}=${dir}`, "config.s3Map")),
    ],
    python: options.python ?? process.env.TUNEKIT_PYTHON ?? config.python ?? "python3",
    ...(config.s3 ? { s3: config.s3 } : {}),
    ...(config.logCapBytes ? { logCapBytes: config.logCapBytes } : {}),
    sandbox: options.sandbox ?? config.sandbox ?? "auto",
    ...(config.stopGraceSeconds === undefined ? {} : { stopGraceMs: config.stopGraceSeconds * 1000 }),
    resources: { cpus, gpus },
    slots: options.slots ? Math.max(1, Number(options.slots)) : (config.slots ?? (gpus.length || undefined)),
    ...queueTarget(options, config),
  });
}

function queueTarget(
  options: JobOptions,
  config: { executor?: string; queue?: string; queueName?: string; queueLockSeconds?: number },
): { queue?: QueueTarget } {
  const executor = options.executor ?? config.executor ?? "local";
  if (executor !== "local" && executor !== "queue") {
    throw new ValidationError("executor", `must be local or queue, got ${executor}`);
  }
  if (executor === "local") return {};
  const url = options.queue ?? process.env.TUNEKIT_QUEUE ?? config.queue;
  if (!url) {
    throw new ValidationError("queue", "--executor queue needs the queue's Redis: --queue redis://HOST:6379");
  }
  if (!/^rediss?:\/\/[^/]/.test(url)) {
    throw new ValidationError(
      "queue",
      `must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379, got ${url}`,
    );
  }
  return {
    queue: {
      url,
      name: options.queueName ?? config.queueName ?? "tunekit-training-jobs",
      lockMs: (config.queueLockSeconds ?? 30) * 1000,
    },
  };
}
