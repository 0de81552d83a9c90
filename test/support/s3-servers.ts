import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { createS3Client } from "../../src/objects/s3-client.js";
import type { S3Settings } from "../../src/objects/s3-settings.js";

/** A real S3 protocol server started by a test, on a free port, removed with everything it stored by close(). */
export interface S3TestServer {
  readonly name: "s3rver" | "moto";
  /** Settings that reach it, with short timeouts so a broken test fails fast. */
  readonly settings: S3Settings;
  /** Settings it refuses with 403 (an access key it does not know), where it checks keys. */
  readonly refusedSettings: S3Settings | undefined;
  /** Whether it keeps KMS settings and reports them back (moto does, s3rver ignores them). */
  readonly keepsKms: boolean;
  /** Whether AbortMultipartUpload and ListMultipartUploads work (s3rver answers 405 / 501). */
  readonly tracksUploads: boolean;
  /** "METHOD /path?query" of every request received so far. */
  requests(): readonly string[];
  createBucket(bucket: string): Promise<void>;
  put(uri: string, body: string | Buffer): Promise<void>;
  close(): Promise<void>;
}

const TEST_TIMEOUTS = { connectTimeoutMs: 2_000, idleTimeoutMs: 15_000, maxAttempts: 2 };

/** s3rver in this process, behind a plain HTTP server that records each request. */
export async function startS3rver(): Promise<S3TestServer> {
  const directory = mkdtempSync(join(tmpdir(), "tunekit-s3rver-"));
  const s3rver = new S3rver({ silent: true, directory });
  const handle = s3rver.callback();
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return harness({
    name: "s3rver",
    endpoint,
    // s3rver knows one key pair; it checks the key id of SigV4 requests, not the signature.
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    refused: { accessKeyId: "UNKNOWN-KEY", secretAccessKey: "S3RVER" },
    keepsKms: false,
    tracksUploads: false,
    requests: () => seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(directory, { recursive: true, force: true });
    },
  });
}

let motoChecked: boolean | undefined;

/** Whether `python3 -m moto.server` can run here (the python3 first on PATH has moto). */
export function motoAvailable(): boolean {
  motoChecked ??= spawnSync("python3", ["-c", "import moto.server"], { timeout: 60_000 }).status === 0;
  return motoChecked;
}

/** moto's S3 in a child process on a free port; its request log is parsed for requests(). */
export async function startMoto(): Promise<S3TestServer> {
  const child = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  const seen: string[] = [];
  let log = "";
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (data: Buffer) => {
      log += data.toString();
      const lines = log.split("\n");
      log = lines.pop() ?? "";
      for (const line of lines) {
        const request = /"([A-Z]+ \S+) HTTP\/1\.1"/.exec(line);
        if (request?.[1]) seen.push(request[1]);
        const running = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
        if (running) resolve(Number(running[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`moto.server exited with ${code} before listening`)));
  });
  return harness({
    name: "moto",
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    refused: undefined,
    keepsKms: true,
    tracksUploads: true,
    requests: () => seen,
    close: () => stopChild(child, kill),
  });
}

async function stopChild(child: ChildProcess, kill: () => void): Promise<void> {
  process.removeListener("exit", kill);
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  await exited;
}

interface HarnessSpec {
  name: S3TestServer["name"];
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  refused: { accessKeyId: string; secretAccessKey: string } | undefined;
  keepsKms: boolean;
  tracksUploads: boolean;
  requests: () => readonly string[];
  close: () => Promise<void>;
}

function harness(spec: HarnessSpec): S3TestServer {
  const settings: S3Settings = {
    endpoint: spec.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: spec.credentials,
    ...TEST_TIMEOUTS,
  };
  const admin = createS3Client(settings);
  return {
    name: spec.name,
    settings,
    refusedSettings: spec.refused && { ...settings, credentials: spec.refused },
    keepsKms: spec.keepsKms,
    tracksUploads: spec.tracksUploads,
    requests: spec.requests,
    createBucket: async (bucket) => {
      await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    },
    put: async (uri, body) => {
      const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
      if (!match) throw new Error(`not an object URI: ${uri}`);
      await admin.send(new PutObjectCommand({ Bucket: match[1], Key: match[2], Body: body }));
    },
    close: async () => {
      admin.destroy();
      await spec.close();
    },
  };
}
