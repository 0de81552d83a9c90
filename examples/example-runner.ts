// What the examples' drivers share: running the tunekit CLI from this
// checkout's sources exactly as a user's `tunekit ARGS` would, and giving a
// tuning-job request a fresh name (and, for short CI runs, smaller limits).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/** The options every example driver takes: --jobs, --parallel, --name, --out, --store. */
export function exampleOptions(defaultOut: string) {
  return parseArgs({
    options: {
      jobs: { type: "string" },
      parallel: { type: "string" },
      name: { type: "string" },
      out: { type: "string", default: defaultOut },
      store: { type: "string" },
    },
  }).values;
}

/**
 * Runs `tunekit ARGS` (with --store when given) and returns what it printed
 * when `capture` is set (else its output goes to this terminal); exits this
 * process with the CLI's status if it fails.
 */
export function tunekit(args: readonly string[], store?: string, capture = false): string {
  const tsx = createRequire(import.meta.url).resolve("tsx/cli");
  const cli = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
  const result = spawnSync(process.execPath, [tsx, cli, ...args, ...(store ? ["--store", store] : [])], {
    stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit",
    encoding: "utf8",
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  return result.stdout ?? "";
}

/**
 * Writes the request in `file` to OUT/NAME.request.json under a new name
 * (NAME-<time> unless given, so that every run is a new tuning job) and the
 * given limits; returns the new file and name.
 */
export function renamedRequest(
  file: string,
  options: { name?: string; jobs?: string; parallel?: string; out: string },
  // biome-ignore lint/suspicious/noExplicitAny: a request read from JSON; the drivers read the fields they need.
): { file: string; name: string; request: Record<string, any> } {
  const request = JSON.parse(readFileSync(file, "utf8"));
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const name: string = options.name ?? `${request.HyperParameterTuningJobName}-${stamp}`;
  request.HyperParameterTuningJobName = name;
  const limits = request.HyperParameterTuningJobConfig.ResourceLimits;
  if (options.jobs) limits.MaxNumberOfTrainingJobs = Number(options.jobs);
  if (options.parallel) limits.MaxParallelTrainingJobs = Number(options.parallel);
  mkdirSync(options.out, { recursive: true });
  const out = join(options.out, `${name}.request.json`);
  writeFileSync(out, `${JSON.stringify(request, null, 2)}\n`);
  return { file: out, name, request };
}
