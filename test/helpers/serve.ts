import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** A `tunekit serve` process started by a test: its URL, its output so far, and ways to end or pause it. */
export interface ServeProcess {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  output(): string;
  signal(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

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

/** Starts `tunekit serve` on a free port with these arguments and environment, and waits until it listens. */
export async function startServe(args: string[], env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, "serve", "--port", "0", ...args], {
    env: { ...process.env, ...env },
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
  const url = await waitFor(`tunekit serve to listen (${args.join(" ")})`, () => {
    if (exited) throw new Error(`tunekit serve exited: ${text}`);
    return /tunekit console on (http:\/\/\S+?)\/(\s|\?)/.exec(text)?.[1];
  });
  return {
    url,
    pid: child.pid as number,
    child,
    output: () => text,
    signal: (signal) => {
      if (!exited) child.kill(signal);
    },
    stop: async () => {
      if (exited) return;
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

/** JSON over HTTP, failing the test with the body on an error status. */
export async function api<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? "GET"} ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

export function post<T>(url: string, body: unknown): Promise<T> {
  return api<T>(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}
