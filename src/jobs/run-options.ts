import type { S3Mapping } from "./s3-map.js";
import type { SandboxMode } from "./sandbox.js";
import type { JobSettings } from "./settings.js";

/**
 * How a job's request is run beyond the request itself: where its relative
 * paths resolve, which directories stand in for S3 prefixes, the interpreter,
 * the sandbox, the log cap and the stop grace period. Kept in the store with
 * the job (TuningJobRecord.runOptions), so a controller that takes the job
 * over, or `tunekit resume`, runs it exactly as it was started. What belongs
 * to the machine (its cores, GPUs, slots and directories) is not here.
 */
export interface RunOptions {
  readonly baseDir: string;
  readonly s3Map: readonly S3Mapping[];
  readonly python: string;
  readonly sandbox: SandboxMode;
  readonly logCapBytes: number;
  readonly stopGraceMs: number;
}

export function runOptionsOf(settings: JobSettings): RunOptions {
  const { baseDir, s3Map, python, sandbox, logCapBytes, stopGraceMs } = settings;
  return { baseDir, s3Map, python, sandbox, logCapBytes, stopGraceMs };
}

/** A machine's settings with a job's stored run options over them (fields it lacks keep the machine's). */
export function withRunOptions(settings: JobSettings, stored: unknown): JobSettings {
  if (!stored || typeof stored !== "object") return settings;
  const options = stored as Partial<RunOptions>;
  return {
    ...settings,
    ...(typeof options.baseDir === "string" ? { baseDir: options.baseDir } : {}),
    ...(Array.isArray(options.s3Map) ? { s3Map: options.s3Map } : {}),
    ...(typeof options.python === "string" ? { python: options.python } : {}),
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
    ...(typeof options.logCapBytes === "number" ? { logCapBytes: options.logCapBytes } : {}),
    ...(typeof options.stopGraceMs === "number" ? { stopGraceMs: options.stopGraceMs } : {}),
  };
}
