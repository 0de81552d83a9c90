import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type S3TestServer, startS3rver } from "../../test/support/s3-servers.js";
import { startTamperProxy } from "../../test/support/tamper-proxy.js";
import { waitFor } from "../../test/support/wait-for.js";
import { DownloadCache } from "./download-cache.js";
import { S3ObjectStore } from "./s3-object-store.js";
import type { S3Settings } from "./s3-settings.js";

const child = join(import.meta.dirname, "../../test/support/cache-fetch-child.ts");

describe("DownloadCache", () => {
  let server: S3TestServer;
  let store: S3ObjectStore;
  let scratch: string;
  const content = randomBytes(3 * 1024 * 1024);
  const gets = (key: string) => server.requests().filter((r) => r.startsWith(`GET /cache/${key}`)).length;

  beforeAll(async () => {
    server = await startS3rver();
    await server.createBucket("cache");
    await server.put("s3://cache/data/train.bin", content);
    store = new S3ObjectStore(server.settings);
    scratch = mkdtempSync(join(tmpdir(), "tunekit-cache-"));
  }, 60_000);
  afterAll(async () => {
    store.close();
    await server.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("downloads an object once for many processes and shares it read-only by hard link", async () => {
    // Served slowly, so every process asks while the first download is still running.
    const proxy = await startTamperProxy(server.settings.endpoint as string, "slow");
    const slowSettings: S3Settings = { ...server.settings, endpoint: proxy.endpoint };
    const slow = new S3ObjectStore(slowSettings);
    const cacheDir = join(scratch, "shared");
    const before = gets("data/train.bin");
    const processes: ChildProcess[] = [];
    const listed: Promise<void>[] = [];
    const children = Array.from({ length: 4 }, (_, i) =>
      run(
        [JSON.stringify(slowSettings), cacheDir, "s3://cache/data/train.bin", join(scratch, `job-${i}`, "train.bin")],
        (p) => {
          processes.push(p);
          listed.push(new Promise((resolve) => p.stdout?.once("data", () => resolve())));
        },
      ),
    );
    const cache = new DownloadCache(cacheDir);
    const object = await slow.head("s3://cache/data/train.bin");
    await Promise.all(listed);
    for (const p of processes) p.stdin?.end("go\n");
    const inProcess = await Promise.all([cache.fetch(slow, object), cache.fetch(slow, object)]);
    const entries = (await Promise.all(children)).map((out) => out.trim().split("\n").pop());
    slow.close();
    await proxy.close();
    expect(new Set([...entries, ...inProcess])).toEqual(new Set([cache.entryPath(slow, object)]));
    expect(gets("data/train.bin") - before).toBe(1);
    const entry = statSync(inProcess[0] as string);
    expect(entry.mode & 0o777).toBe(0o444);
    for (let i = 0; i < 4; i++) {
      const shared = join(scratch, `job-${i}`, "train.bin");
      expect(statSync(shared).ino).toBe(entry.ino);
      expect(readFileSync(shared).equals(content)).toBe(true);
    }
  }, 60_000);

  it("refuses bytes that do not match the ETag's MD5 and keeps nothing", async () => {
    const proxy = await startTamperProxy(server.settings.endpoint as string, "flip");
    const spoiled = new S3ObjectStore({ ...server.settings, endpoint: proxy.endpoint });
    const cacheDir = join(scratch, "flip");
    try {
      const cache = new DownloadCache(cacheDir);
      const object = await spoiled.head("s3://cache/data/train.bin");
      await expect(cache.fetch(spoiled, object)).rejects.toMatchObject({
        code: "E_OBJECT_INTEGRITY",
        uri: "s3://cache/data/train.bin",
      });
      expect(existsSync(cache.entryPath(spoiled, object))).toBe(false);
      expect(filesUnder(cacheDir)).toEqual([]);
    } finally {
      spoiled.close();
      await proxy.close();
    }
  }, 60_000);

  it("never makes an entry of a download killed half-way, and the next fetch recovers", async () => {
    const proxy = await startTamperProxy(server.settings.endpoint as string, "stall");
    const cacheDir = join(scratch, "killed");
    const stalled: S3Settings = { ...server.settings, endpoint: proxy.endpoint };
    // The same endpoint as the killed process, so the same cache entry.
    const same = new S3ObjectStore(stalled);
    try {
      let process: ChildProcess | undefined;
      let listedOnce = false;
      const running = run(
        [JSON.stringify(stalled), cacheDir, "s3://cache/data/train.bin", join(scratch, "killed-job", "train.bin")],
        (p) => {
          process = p;
          p.stdout?.once("data", () => {
            listedOnce = true;
          });
        },
      ).catch(() => "killed");
      await waitFor(() => listedOnce);
      process?.stdin?.end("go\n");
      await waitFor(() => filesUnder(cacheDir).some((f) => f.includes(".partial-") && statSync(f).size > 0));
      process?.kill("SIGKILL");
      expect(await running).toBe("killed");
      proxy.setMode("pass");
      const cache = new DownloadCache(cacheDir);
      const object = await same.head("s3://cache/data/train.bin");
      expect(existsSync(cache.entryPath(same, object))).toBe(false);
      const entry = await cache.fetch(same, object);
      expect(readFileSync(entry).equals(content)).toBe(true);
      expect(filesUnder(cacheDir)).toEqual([entry]);
    } finally {
      same.close();
      await proxy.close();
    }
  }, 60_000);

  it("fetches again when an entry was written through a job's link, or the object replaced", async () => {
    const cache = new DownloadCache(join(scratch, "spoiled"));
    const object = await store.head("s3://cache/data/train.bin");
    const entry = await cache.fetch(store, object);
    await cache.shareInto(entry, join(scratch, "writer", "train.bin"));
    writeFileSync(join(scratch, "writer", "train.bin"), "overwritten by a job");
    const before = gets("data/train.bin");
    expect(readFileSync(await cache.fetch(store, object)).equals(content)).toBe(true);
    expect(gets("data/train.bin") - before).toBe(1);

    await server.put("s3://cache/data/train.bin", "a new version");
    const replaced = await store.head("s3://cache/data/train.bin");
    const newEntry = await cache.fetch(store, replaced);
    expect(newEntry).not.toBe(entry);
    expect(readFileSync(newEntry, "utf8")).toBe("a new version");
    await server.put("s3://cache/data/train.bin", content);
  }, 60_000);
});

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function run(args: string[], started?: (child: ChildProcess) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", child, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    started?.(proc);
    let out = "";
    let err = "";
    proc.stdout.on("data", (d) => {
      out += d;
    });
    proc.stderr.on("data", (d) => {
      err += d;
    });
    proc.on("exit", (code, signal) => (code === 0 ? resolve(out) : reject(new Error(`${code ?? signal}: ${err}`))));
  });
}
