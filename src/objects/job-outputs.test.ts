import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { motoAvailable, type S3TestServer, startMoto, startS3rver } from "../../test/support/s3-servers.js";
import { waitFor } from "../../test/support/wait-for.js";
import { jobOutputLocations, uploadJobOutputs } from "./job-outputs.js";
import { ObjectStores } from "./object-stores.js";

const child = join(import.meta.dirname, "../../test/support/upload-outputs-child.ts");

function outputsSuite(name: string, start: () => Promise<S3TestServer>): void {
  describe(`job outputs: ${name}`, () => {
    let server: S3TestServer;
    let stores: ObjectStores;
    let scratch: string;
    let model: Buffer;
    const file = (base: string, content: Buffer | string) => {
      const path = join(scratch, base);
      writeFileSync(path, content);
      return path;
    };

    beforeAll(async () => {
      server = await start();
      await server.createBucket("models");
      stores = new ObjectStores({ s3: server.settings });
      scratch = mkdtempSync(join(tmpdir(), "tunekit-outputs-"));
      // Just over one 16 MiB part: the smallest model that must go up in parts.
      model = randomBytes(17 * 1024 * 1024 + 17);
    }, 60_000);
    afterAll(async () => {
      stores.close();
      await server.close();
      rmSync(scratch, { recursive: true, force: true });
    });

    it("puts model.tar.gz and output.tar.gz under {S3OutputPath}/{job}/output/, the model in parts", async () => {
      const before = server.requests().length;
      const locations = await uploadJobOutputs({
        stores,
        s3OutputPath: "s3://models/glue/output/",
        jobName: "mrpc-001",
        modelFile: file("model.tar.gz", model),
        outputFile: file("output.tar.gz", "outputs"),
      });
      expect(locations).toEqual({
        model: "s3://models/glue/output/mrpc-001/output/model.tar.gz",
        outputData: "s3://models/glue/output/mrpc-001/output/output.tar.gz",
      });
      const parts = server
        .requests()
        .slice(before)
        .filter((r) => /^PUT \/models\/glue\/output\/mrpc-001\/output\/model\.tar\.gz\?.*partNumber=/.test(r));
      expect(parts).toHaveLength(2);
      const head = await stores.for(locations.model).head(locations.model);
      expect(head.size).toBe(model.length);
      await stores.for(locations.model).download(locations.model, join(scratch, "back.tar.gz"));
      expect(readFileSync(join(scratch, "back.tar.gz")).equals(model)).toBe(true);
    }, 60_000);

    it("leaves no model where Describe would point when the uploading process is killed", async () => {
      const locations = jobOutputLocations("s3://models/killed", "job-2");
      const before = server.requests().length;
      let proc: ChildProcess | undefined;
      const done = new Promise<number | null>((resolve) => {
        proc = spawn(
          process.execPath,
          [
            "--import",
            "tsx",
            child,
            JSON.stringify(server.settings),
            "s3://models/killed",
            "job-2",
            file("model-2.tar.gz", model),
            file("output-2.tar.gz", "outputs"),
          ],
          { stdio: "ignore" },
        );
        proc.on("exit", (code) => resolve(code));
      });
      await waitFor(() =>
        server
          .requests()
          .slice(before)
          .some((r) => /model\.tar\.gz\?.*partNumber=1/.test(r)),
      );
      proc?.kill("SIGKILL");
      expect(await done).toBe(null);
      await expect(stores.for(locations.model).head(locations.model)).rejects.toMatchObject({
        code: "E_OBJECT_NOT_FOUND",
        uri: locations.model,
      });
    }, 60_000);

    it("fails, reporting nothing, when the output bucket is missing", async () => {
      const outputs = uploadJobOutputs({
        stores,
        s3OutputPath: "s3://no-such-output-bucket/out",
        jobName: "job-3",
        modelFile: file("model-3.tar.gz", "m"),
        outputFile: file("output-3.tar.gz", "o"),
      });
      await expect(outputs).rejects.toMatchObject({
        code: "E_OBJECT_BUCKET_NOT_FOUND",
        message: expect.stringContaining("s3://no-such-output-bucket/out/job-3/output/output.tar.gz"),
      });
    });
  });
}

outputsSuite("s3rver", startS3rver);
describe.skipIf(!motoAvailable())("moto", () => outputsSuite("moto", startMoto));

it("writes outputs to a mapped directory by rename, leaving no partial files", async () => {
  const scratch = mkdtempSync(join(tmpdir(), "tunekit-outputs-local-"));
  try {
    mkdirSync(join(scratch, "out"));
    writeFileSync(join(scratch, "m"), "model");
    writeFileSync(join(scratch, "o"), "output");
    const stores = new ObjectStores({ s3Map: [{ prefix: "s3://my-bucket/out", dir: join(scratch, "out") }] });
    const locations = await uploadJobOutputs({
      stores,
      s3OutputPath: "s3://my-bucket/out",
      jobName: "job",
      modelFile: join(scratch, "m"),
      outputFile: join(scratch, "o"),
    });
    expect(locations.model).toBe("s3://my-bucket/out/job/output/model.tar.gz");
    expect(readFileSync(join(scratch, "out", "job", "output", "model.tar.gz"), "utf8")).toBe("model");
    expect((await stores.for("s3://my-bucket/out/").list("s3://my-bucket/out/")).map((o) => o.uri)).toEqual([
      "s3://my-bucket/out/job/output/model.tar.gz",
      "s3://my-bucket/out/job/output/output.tar.gz",
    ]);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
