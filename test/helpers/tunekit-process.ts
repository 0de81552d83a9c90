// A tunekit command run by a test or a benchmark as a child process (through tsx, from the source), its output
// collected, waited for until it says it is ready.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** Polls `condition` until it holds; the limit is generous, as a loaded machine needs (never a timing assertion). */
export async function waitFor<T>(
  what: string,
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 120_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

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
      child.kill("SIGCONT"); // a paused process must run to die
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}
