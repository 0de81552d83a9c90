import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { TunekitError } from "../errors.js";
import type { JobOptions } from "./job-options.js";

/**
 * What `tunekit tune` was run with (the request file and the job options:
 * S3 mappings, interpreter, sandbox, slots), kept beside the store so
 * `tunekit resume NAME` runs a tuning job again exactly as it was started.
 */
export interface TunerRun {
  readonly file: string;
  readonly options: JobOptions;
}

export function tunerRunsDir(storePath: string): string {
  return join(dirname(storePath), "tuners");
}

export function saveTunerRun(storePath: string, name: string, run: TunerRun): void {
  const dir = tunerRunsDir(storePath);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name.toLowerCase()}.json`), JSON.stringify({ ...run, file: resolve(run.file) }, null, 2));
}

export function loadTunerRun(storePath: string, name: string): TunerRun {
  const path = join(tunerRunsDir(storePath), `${name.toLowerCase()}.json`);
  try {
    return JSON.parse(readFileSync(path, "utf8")) as TunerRun;
  } catch {
    throw new TunekitError(
      "E_NO_RUN_OPTIONS",
      `tuning job ${name} was not started by tunekit tune with this store (no ${path}); run tunekit tune FILE again with its request`,
    );
  }
}
