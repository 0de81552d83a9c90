import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type S3TestServer, startS3rver } from "../../test/support/s3-servers.js";
import { CheckpointSync } from "./checkpoint-sync.js";
import { ObjectStores } from "./object-stores.js";

describe("CheckpointSync", () => {
  let server: S3TestServer;
  let scratch: string;
  let stores: ObjectStores;

  beforeAll(async () => {
    server = await startS3rver();
    await server.createBucket("ckpt");
    scratch = mkdtempSync(join(tmpdir(), "tunekit-ckpt-"));
    mkdirSync(join(scratch, "mapped"));
    stores = new ObjectStores({
      s3: server.settings,
      s3Map: [{ prefix: "s3://local-ckpt", dir: join(scratch, "mapped") }],
    });
  }, 60_000);
  afterAll(async () => {
    stores.close();
    await server.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  for (const uri of ["s3://ckpt/jobs/mrpc-007/checkpoints", "s3://local-ckpt/mrpc-007"]) {
    it(`pushes only changed files and restores them for the next attempt (${uri.split("/")[2]})`, async () => {
      const first = join(scratch, `attempt-1-${uri.length}`);
      mkdirSync(join(first, "step-100"), { recursive: true });
      writeFileSync(join(first, "step-100", "weights.bin"), "weights at 100");
      writeFileSync(join(first, "latest"), "step-100");
      const sync = new CheckpointSync({ stores, uri, dir: first });
      expect(await sync.push()).toEqual({ uploaded: 2, unchanged: 0 });
      expect(await sync.push()).toEqual({ uploaded: 0, unchanged: 2 });
      mkdirSync(join(first, "step-200"));
      writeFileSync(join(first, "step-200", "weights.bin"), "weights at 200");
      writeFileSync(join(first, "latest"), "step-200, later");
      expect(await sync.push()).toEqual({ uploaded: 2, unchanged: 1 });

      const second = join(scratch, `attempt-2-${uri.length}`);
      const retry = new CheckpointSync({ stores, uri, dir: second });
      expect(await retry.restore()).toEqual({ downloaded: 3, kept: 0 });
      expect(readFileSync(join(second, "latest"), "utf8")).toBe("step-200, later");
      expect(readFileSync(join(second, "step-100", "weights.bin"), "utf8")).toBe("weights at 100");
      expect(await retry.push()).toEqual({ uploaded: 0, unchanged: 3 });
      expect(await new CheckpointSync({ stores, uri, dir: second }).restore()).toEqual({ downloaded: 0, kept: 3 });
    });
  }

  it("joins a push asked for while one runs", async () => {
    const dir = join(scratch, "joined");
    mkdirSync(dir);
    writeFileSync(join(dir, "a"), "a");
    const sync = new CheckpointSync({ stores, uri: "s3://ckpt/joined", dir });
    const [one, two] = await Promise.all([sync.push(), sync.push()]);
    expect(one).toBe(two);
    expect(one).toEqual({ uploaded: 1, unchanged: 0 });
  });

  it("restores nothing, and pushes nothing, when neither side has checkpoints", async () => {
    const sync = new CheckpointSync({ stores, uri: "s3://ckpt/never", dir: join(scratch, "never") });
    expect(await sync.restore()).toEqual({ downloaded: 0, kept: 0 });
    expect(await sync.push()).toEqual({ uploaded: 0, unchanged: 0 });
  });
});
