import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "./serve.js";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
export const PYTHON = process.env.TUNEKIT_TEST_PYTHON ?? "/usr/bin/python3";

/** A tunekit process a test started (a worker or a controller), possibly inside a network namespace. */
export interface TunekitProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  output(): string;
  signal(signal: NodeJS.Signals): void;
  readonly exited: () => boolean;
  stop(): Promise<void>;
}

/** Runs `tunekit ARGS` (in network namespace `netns` when given) and waits until its output matches `ready`. */
export async function startTunekit(
  name: string,
  args: string[],
  ready: RegExp,
  options: { netns?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<TunekitProcess & { match: RegExpExecArray }> {
  // TUNEKIT_TEST_NODE_ARGS: extra flags for node (--cpu-prof, to profile the fleet in a benchmark).
  const nodeArgs = process.env.TUNEKIT_TEST_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const command = [process.execPath, ...nodeArgs, "--import", "tsx", MAIN, ...args];
  const [file, ...rest] = options.netns ? ["ip", "netns", "exec", options.netns, ...command] : command;
  const child = spawn(file as string, rest, {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout?.on("data", (chunk) => {
    text += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    text += chunk;
  });
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  const match = await waitFor(`${name} to start`, () => {
    if (exited) throw new Error(`${name} exited: ${text}`);
    return ready.exec(text) ?? undefined;
  });
  return {
    name,
    child,
    pid: child.pid as number,
    match,
    output: () => text,
    exited: () => exited,
    signal: (signal) => {
      if (!exited) child.kill(signal);
    },
    stop: async () => {
      if (exited) return;
      child.kill("SIGCONT");
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

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
