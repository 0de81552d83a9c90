import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Header } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type S3TestServer, startS3rver } from "../../test/support/s3-servers.js";
import { DownloadCache } from "./download-cache.js";
import { ObjectStores } from "./object-stores.js";
import { directoryDigest, fetchSource, packSourceBundle } from "./source-bundle.js";

describe("source bundles", () => {
  let server: S3TestServer;
  let stores: ObjectStores;
  let scratch: string;
  let source: string;

  beforeAll(async () => {
    server = await startS3rver();
    await server.createBucket("code");
    stores = new ObjectStores({ s3: server.settings });
    scratch = mkdtempSync(join(tmpdir(), "tunekit-bundle-test-"));
    source = join(scratch, "src");
    mkdirSync(join(source, "pkg", "empty"), { recursive: true });
    writeFileSync(join(source, "train.py"), "print('training')\n");
    writeFileSync(join(source, "requirements.txt"), "numpy\n");
    writeFileSync(join(source, "pkg", "util.py"), "X = 1\n");
    writeFileSync(join(source, "run.sh"), "#!/bin/sh\necho run\n");
    chmodSync(join(source, "run.sh"), 0o755);
  }, 60_000);
  afterAll(async () => {
    stores.close();
    await server.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("addresses a directory by its content, not its times", async () => {
    const copy = join(scratch, "copy");
    cpSync(source, copy, { recursive: true });
    utimesSync(join(copy, "train.py"), new Date(2001, 1, 1), new Date(2001, 1, 1));
    const digest = await directoryDigest(source);
    expect(await directoryDigest(copy)).toBe(digest);
    chmodSync(join(copy, "train.py"), 0o755);
    expect(await directoryDigest(copy)).not.toBe(digest);
    chmodSync(join(copy, "train.py"), 0o644);
    writeFileSync(join(copy, "pkg", "util.py"), "X = 2\n");
    expect(await directoryDigest(copy)).not.toBe(digest);
  });

  it("stores a bundle once under its digest, and a worker unpacks exactly what was packed", async () => {
    const packed = await packSourceBundle(source, "s3://code/bundles/", stores);
    expect(packed).toMatchObject({ uri: `s3://code/bundles/${packed.sha256}/sourcedir.tar.gz`, uploaded: true });
    const puts = () => server.requests().filter((r) => r.startsWith("PUT /code/")).length;
    const before = puts();
    expect(await packSourceBundle(source, "s3://code/bundles", stores)).toMatchObject({
      uri: packed.uri,
      uploaded: false,
    });
    expect(puts()).toBe(before);

    const again = await packSourceBundle(source, "s3://code/elsewhere", stores);
    const [a, b] = await Promise.all([packed.uri, again.uri].map((uri) => stores.for(uri).head(uri)));
    expect(a?.etag).toBe(b?.etag);

    const dest = join(scratch, "job", "code");
    await fetchSource(packed.uri, dest, { stores, cache: new DownloadCache(join(scratch, "cache")) });
    expect(await directoryDigest(dest)).toBe(packed.sha256);
    expect(statSync(join(dest, "run.sh")).mode & 0o111).not.toBe(0);
    expect(existsSync(join(dest, "pkg", "empty"))).toBe(true);
  });

  it("unpacks an archive made elsewhere, and copies a local directory", async () => {
    const archive = join(scratch, "sdk", "sourcedir.tar.gz");
    mkdirSync(join(scratch, "sdk"));
    writeFileSync(archive, tarGz([["train.py", "print('sdk')\n"]]));
    await server.put("s3://code/job-1/source/sourcedir.tar.gz", readFileSync(archive));
    const dest = join(scratch, "sdk-job", "code");
    await fetchSource("s3://code/job-1/source/sourcedir.tar.gz", dest, { stores });
    expect(readFileSync(join(dest, "train.py"), "utf8")).toBe("print('sdk')\n");

    const copied = join(scratch, "local-job", "code");
    await fetchSource(source, copied, { stores });
    expect(await directoryDigest(copied)).toBe(await directoryDigest(source));
  });

  it("refuses an archive with entries outside the code directory, unpacking nothing", async () => {
    for (const [name, path] of [
      ["dotdot", "../escape.py"],
      ["absolute", "/tmp/escape.py"],
    ]) {
      await server.put(
        `s3://code/evil/${name}.tar.gz`,
        tarGz([
          ["ok.py", "ok\n"],
          [path as string, "escaped\n"],
        ]),
      );
      const dest = join(scratch, `evil-${name}`, "code");
      await expect(fetchSource(`s3://code/evil/${name}.tar.gz`, dest, { stores })).rejects.toMatchObject({
        code: "E_SOURCE_ARCHIVE",
        field: "HyperParameters.sagemaker_submit_directory",
      });
      expect(existsSync(join(scratch, `evil-${name}`))).toBe(false);
    }
    expect(existsSync(join(scratch, "escape.py"))).toBe(false);
  });

  it("refuses an S3 prefix that is not an archive, naming the field", async () => {
    await expect(fetchSource("s3://code/bundles/", join(scratch, "x"), { stores })).rejects.toMatchObject({
      code: "E_REQUEST_INVALID",
      field: "HyperParameters.sagemaker_submit_directory",
    });
  });
});

/** A gzipped tar written block by block, so a test can hold entries no careful tool would write. */
function tarGz(files: [string, string][]): Buffer {
  const blocks: Buffer[] = [];
  for (const [path, content] of files) {
    const header = new Header({
      path,
      mode: 0o644,
      size: Buffer.byteLength(content),
      mtime: new Date(0),
      type: "File",
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block, Buffer.from(content), Buffer.alloc((512 - (Buffer.byteLength(content) % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
