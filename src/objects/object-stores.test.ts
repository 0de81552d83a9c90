import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { HeadObjectCommand, ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { motoAvailable, type S3TestServer, startMoto, startS3rver } from "../../test/support/s3-servers.js";
import { waitFor } from "../../test/support/wait-for.js";
import { LocalObjectStore } from "./local-object-store.js";
import { objectStoreContract } from "./object-store.contract.js";
import { ObjectStores } from "./object-stores.js";
import { createS3Client } from "./s3-client.js";
import { S3ObjectStore } from "./s3-object-store.js";

const scratch = mkdtempSync(join(tmpdir(), "tunekit-objects-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

objectStoreContract("local directories (--s3-map)", async () => {
  const dir = join(scratch, "mapped");
  mkdirSync(dir);
  const store = new LocalObjectStore([
    { prefix: "s3://mapped-bucket/data", dir },
    { prefix: "s3://missing-bucket", dir: join(scratch, "not-there") },
  ]);
  return { store, base: "s3://mapped-bucket/data/", missingBucket: "s3://missing-bucket/a/b.txt" };
});

/**
 * `listPageSize` below 1000 makes the contract's listings span several
 * ListObjectsV2 pages. Not on s3rver: it encrypts continuation tokens with
 * DES, which OpenSSL 3 (Node 17 and later) no longer offers, so any listing
 * it truncates fails with InternalError.
 */
function s3Suite(name: string, start: () => Promise<S3TestServer>, listPageSize?: number): void {
  let server: S3TestServer;
  let store: S3ObjectStore;
  const opened = (async () => {
    server = await start();
    await server.createBucket("contract");
    store = new S3ObjectStore({ ...server.settings, listPageSize });
    return { store, base: "s3://contract/suite/", missingBucket: "s3://no-such-bucket-here/a/b.txt" };
  })();
  afterAll(async () => {
    store?.close();
    await server?.close();
  });
  objectStoreContract(name, () => opened);

  describe(`S3 errors and uploads: ${name}`, () => {
    beforeAll(() => opened, 60_000);

    it("reports refused credentials as access denied, naming the URI and S3's error", async () => {
      if (!server.refusedSettings) return;
      await server.put("s3://contract/secret.txt", "secret");
      const refused = new S3ObjectStore(server.refusedSettings);
      try {
        for (const attempt of [() => refused.list("s3://contract/"), () => refused.head("s3://contract/secret.txt")]) {
          const error = await attempt().then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toMatchObject({ code: "E_OBJECT_ACCESS_DENIED" });
          expect((error as Error).message).toMatch(/s3:\/\/contract\/.*(InvalidAccessKeyId|Forbidden|403)/);
        }
      } finally {
        refused.close();
      }
    });

    it("aborts an upload part-way and leaves no object and no parts", async () => {
      if (!server.tracksUploads) return;
      const file = join(scratch, `abort-${name}`);
      writeFileSync(file, randomBytes(48 * 1024 * 1024));
      const uri = "s3://contract/aborted/model.tar.gz";
      const controller = new AbortController();
      const before = server.requests().length;
      const upload = store.upload(file, uri, { signal: controller.signal });
      await waitFor(() =>
        server
          .requests()
          .slice(before)
          .some((r) => /^PUT .*partNumber=/.test(r)),
      );
      controller.abort();
      await expect(upload).rejects.toMatchObject({ code: "E_OBJECT_STORE", uri });
      await expect(store.head(uri)).rejects.toMatchObject({ code: "E_OBJECT_NOT_FOUND" });
      const admin = createS3Client(server.settings);
      try {
        await waitFor(async () => {
          const open = await admin.send(new ListMultipartUploadsCommand({ Bucket: "contract", Prefix: "aborted/" }));
          return (open.Uploads ?? []).length === 0;
        });
      } finally {
        admin.destroy();
      }
    }, 60_000);

    it("passes a KMS key id through as server-side encryption", async () => {
      if (!server.keepsKms) return;
      const uri = "s3://contract/kms/model.tar.gz";
      await store.upload(writeTemp("kms", "encrypted"), uri, { kmsKeyId: "alias/tunekit-test" });
      expect((await store.head(uri)).keyEncrypted).toBe(true);
      const admin = createS3Client(server.settings);
      try {
        const head = await admin.send(new HeadObjectCommand({ Bucket: "contract", Key: "kms/model.tar.gz" }));
        expect(head).toMatchObject({ ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/tunekit-test" });
      } finally {
        admin.destroy();
      }
    });
  });
}

s3Suite("s3rver", startS3rver);
describe.skipIf(!motoAvailable())("moto", () => s3Suite("moto", startMoto, 2));

describe("endpoints that do not answer", () => {
  let silent: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // Accepts connections and never answers: what a hung proxy or a stopped process looks like.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
  const credentials = { accessKeyId: "a", secretAccessKey: "b" };

  it("fails at once, with default settings, when nothing listens", async () => {
    const port = await closedPort();
    const store = new S3ObjectStore({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials });
    try {
      const error = await store.list("s3://any-bucket/data/").then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "E_OBJECT_UNREACHABLE", uri: "s3://any-bucket/data/" });
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
    } finally {
      store.close();
    }
  }, 20_000);

  it("gives up on a connection that stays silent", async () => {
    const port = (silent.address() as { port: number }).port;
    const store = new S3ObjectStore({
      endpoint: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      credentials,
      idleTimeoutMs: 1_000,
      maxAttempts: 1,
    });
    try {
      await expect(store.head("s3://any-bucket/key")).rejects.toMatchObject({ code: "E_OBJECT_UNREACHABLE" });
    } finally {
      store.close();
    }
  }, 20_000);
});

describe("the AWS chain: credentials, region and endpoint from the environment and ~/.aws", () => {
  let server: S3TestServer;
  let home: string;
  const child = join(import.meta.dirname, "../../test/support/list-child.ts");
  // Asynchronous: the server answering the child runs in this process.
  const list = async (settings: object, env: Record<string, string>) => {
    const proc = spawn(process.execPath, ["--import", "tsx", child, JSON.stringify(settings), "s3://chain/"], {
      env: { PATH: process.env.PATH ?? "", HOME: home, AWS_EC2_METADATA_DISABLED: "true", ...env },
    });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d) => {
      stdout += d;
    });
    proc.stderr.on("data", (d) => {
      stderr += d;
    });
    await new Promise((resolve) => proc.on("close", resolve));
    expect(stderr).not.toMatch(/NodeVersionSupportWarning/);
    return JSON.parse(stdout) as { uris?: string[]; code?: string; message?: string };
  };
  beforeAll(async () => {
    server = await startS3rver();
    await server.createBucket("chain");
    await server.put("s3://chain/data.csv", "1\n");
    home = mkdtempSync(join(scratch, "home-"));
    mkdirSync(join(home, ".aws"));
    writeFileSync(
      join(home, ".aws", "credentials"),
      "[tk]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n",
    );
    writeFileSync(
      join(home, ".aws", "config"),
      `[profile tk]\nregion = eu-west-1\nendpoint_url = ${server.settings.endpoint}\n`,
    );
  }, 60_000);
  afterAll(() => server.close());

  it("reads keys and AWS_ENDPOINT_URL_S3 from the environment, with no region anywhere", async () => {
    const env = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };
    expect(await list({}, { ...env, AWS_ENDPOINT_URL_S3: server.settings.endpoint as string })).toEqual({
      uris: ["s3://chain/data.csv"],
    });
  }, 60_000);

  it("reads a profile's keys, region and endpoint_url, the profile named by AWS_PROFILE or by tunekit's config", async () => {
    expect(await list({}, { AWS_PROFILE: "tk" })).toEqual({ uris: ["s3://chain/data.csv"] });
    // The SDK reads endpoint_url from AWS_PROFILE's profile only; with tunekit's profile the endpoint is a setting.
    expect(await list({ profile: "tk" }, {})).toMatchObject({ code: "E_OBJECT_UNREACHABLE" });
    expect(await list({ profile: "tk", endpoint: server.settings.endpoint }, {})).toEqual({
      uris: ["s3://chain/data.csv"],
    });
  }, 60_000);

  it("says where to put credentials when there are none", async () => {
    const result = await list({ endpoint: server.settings.endpoint, region: "us-east-1" }, {});
    expect(result.code).toBe("E_OBJECT_CREDENTIALS");
    expect(result.message).toMatch(/s3:\/\/chain\/: no AWS credentials found: set AWS_ACCESS_KEY_ID/);
  }, 60_000);
});

describe("ObjectStores", () => {
  it("reads mapped s3:// URIs, file:// URIs and relative paths from the local file system", async () => {
    const dir = join(scratch, "routed");
    mkdirSync(join(dir, "train"), { recursive: true });
    writeFileSync(join(dir, "train", "a.csv"), "1,2\n");
    const stores = new ObjectStores({ s3Map: [{ prefix: "s3://bucket/data", dir }], baseDir: scratch });
    for (const prefix of ["s3://bucket/data/train/", `${pathToFileURL(dir).href}/train/`, "routed/train/"]) {
      const store = stores.for(prefix);
      expect(store.id).toBe("local");
      const [object] = await store.list(prefix);
      expect(object?.uri).toBe(`${prefix}a.csv`);
      const out = join(scratch, "routed.out");
      await store.download(`${prefix}a.csv`, out);
      expect(readFileSync(out, "utf8")).toBe("1,2\n");
    }
    expect(stores.for("s3://bucket/elsewhere/x").id).toMatch(/^s3:/);
    expect(() => stores.for("gs://bucket/x", "InputDataConfig[0].DataSource.S3DataSource.S3Uri")).toThrow(
      /InputDataConfig\[0\].*unsupported URI scheme/,
    );
    stores.close();
  });
});

function writeTemp(name: string, content: string): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
