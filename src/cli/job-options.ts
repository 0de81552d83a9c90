import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import type { SandboxMode } from "../jobs/sandbox.js";
import type { JobSettings } from "../jobs/settings.js";
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
  });
}
