import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startTunekit, type TunekitProcess } from "./tunekit-process.js";

export { startTunekit, type TunekitProcess };
export const PYTHON = process.env.TUNEKIT_TEST_PYTHON ?? "/usr/bin/python3";

export interface WorkerProcess extends TunekitProcess {
  /** Its work directory: a job's directory under it says the job ran here. */
  readonly dir: string;
}

/** `tunekit worker` with its own work directory under `root`, and its own directory standing in for the output bucket. */
export async function startWorker(
  root: string,
  name: string,
  options: {
    queue: string;
    store: string;
    slots: number;
    lockSeconds: number;
    netns?: string;
    env?: NodeJS.ProcessEnv;
    extraArgs?: string[];
  },
): Promise<WorkerProcess> {
  const dir = join(root, "workers", name);
  mkdirSync(dir, { recursive: true });
  const args = [
    "worker",
    "--queue",
    options.queue,
    "--store",
    options.store,
    "--slots",
    String(options.slots),
    "--gpus",
    "",
    "--work-dir",
    dir,
    "--name",
    name,
    "--lock-seconds",
    String(options.lockSeconds),
    "--heartbeat-seconds",
    "0.5",
    "--python",
    PYTHON,
    "--s3-map",
    `s3://tunekit-test/output=${join(dir, "output")}`,
    ...(options.extraArgs ?? []),
  ];
  const started = await startTunekit(`worker ${name}`, args, /taking up to/, {
    ...(options.netns ? { netns: options.netns } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  return { ...started, dir };
}
