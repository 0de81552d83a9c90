import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

/**
 * `tunekit --version` and `--help` start fast because they load no heavy module: the charts (ECharts, resvg),
 * the HTTP server, SQLite, the request schemas and the tuner are loaded by the commands that use them. This
 * checks which packages each invocation loads; how long it takes is measured, not tested (see the report).
 */
const MAIN = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const RECORDER = fileURLToPath(new URL("./fixtures/record-imports/register.mjs", import.meta.url));
const HEAVY = ["echarts", "zrender", "@resvg", "hono", "@hono", "better-sqlite3", "zod", "yaml", "tar"];
const dir = mkdtempSync(join(tmpdir(), "tunekit-startup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

/** The npm packages one `tunekit ARGS` loads. */
function packagesLoaded(...args: string[]): Set<string> {
  const log = join(dir, `imports-${counter++}`);
  const run = spawnSync(process.execPath, ["--import", "tsx", "--import", RECORDER, MAIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, TUNEKIT_IMPORTS_LOG: log, TUNEKIT_HOME: join(dir, "home") },
  });
  expect(run.status, run.stderr).toBe(0);
  const urls = readFileSync(log, "utf8").split("\n");
  return new Set(
    urls.map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]).filter((p) => p !== undefined),
  );
}

describe("tunekit's start", () => {
  it.each(["--version", "--help", "report --help", "serve --help", "tune --help"])(
    "tunekit %s loads no heavy module",
    (command) => {
      const loaded = packagesLoaded(...command.split(" "));
      expect(loaded.has("commander")).toBe(true);
      expect([...loaded].filter((p) => HEAVY.some((h) => p === h || p.startsWith(`${h}/`)))).toEqual([]);
    },
  );

  it("loads SQLite for a command that opens the store", () => {
    expect(packagesLoaded("list", "--store", join(dir, "store.db")).has("better-sqlite3")).toBe(true);
  });
});
