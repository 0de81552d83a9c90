import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "./wait-for.js";

/** A port nothing listens on now (the kernel's pick, given back at once). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A redis-server of the test's own, on a free port (never the shared 6379), without persistence unless asked, so
 * a restart loses everything as a Redis without persistence does. Stopped and its directory removed by close().
 */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** Runs a command through redis-cli (FLUSHALL, INFO...), and returns its output. */
  cli(...args: string[]): Promise<string>;
  /** Kills the server (SIGKILL) and starts it again on the same port, empty. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startRedis(
  options: { bind?: string; host?: string; password?: string } = {},
): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "tunekit-redis-"));
  const bind = options.bind ?? "127.0.0.1";
  const host = options.host ?? "127.0.0.1";
  let child: ChildProcess | undefined;
  const cli = (...args: string[]) =>
    new Promise<string>((resolve) => {
      const auth = options.password ? ["-a", options.password, "--no-auth-warning"] : [];
      const run = spawn("redis-cli", ["-h", host, "-p", String(port), ...auth, ...args]);
      let out = "";
      run.stdout.on("data", (chunk) => {
        out += String(chunk);
      });
      run.on("close", () => resolve(out.trim()));
      run.on("error", () => resolve(""));
    });
  const start = async () => {
    child = spawn(
      "redis-server",
      [
        ...["--port", String(port), "--bind", bind, "--save", "", "--appendonly", "no", "--dir", dir],
        // Beyond loopback Redis answers only a client that authenticates (its protected mode).
        ...(options.password ? ["--requirepass", options.password] : []),
      ],
      { stdio: "ignore" },
    );
    await waitFor(async () => (await cli("PING")) === "PONG", 20_000);
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child?.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  };
  try {
    await start();
  } catch (error) {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://${options.password ? `:${options.password}@` : ""}${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    cli,
    restart: async () => {
      await stop();
      await start();
    },
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
