import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import { LocalObjectStore } from "./local-object-store.js";

/** The field a refusal names here; prepare names the request's field instead (see prepare.ts). */
const FIELD = "uri";
const store = new LocalObjectStore([{ prefix: "s3://my-bucket/data", dir: "/srv/data" }], "/work/requests");
const where = (uri: string) => store.localPath(uri);

function refusal(uri: string): ValidationError {
  try {
    where(uri);
  } catch (error) {
    return error as ValidationError;
  }
  throw new Error(`${uri} was accepted`);
}

describe("LocalObjectStore.localPath", () => {
  it("maps S3 keys under the longest prefix into its directory", () => {
    expect(where("s3://my-bucket/data")).toBe("/srv/data");
    expect(where("s3://my-bucket/data/glue/MRPC")).toBe("/srv/data/glue/MRPC");
    // Names that merely start with dots are names.
    expect(where("s3://my-bucket/data/..hidden/.x")).toBe("/srv/data/..hidden/.x");
  });

  it("refuses an S3 key with a . or .. segment instead of leaving the mapped directory", () => {
    for (const uri of ["s3://my-bucket/data/../../../etc/ssl", "s3://my-bucket/data/a/..", "s3://my-bucket/data/./x"]) {
      const error = refusal(uri);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.code).toBe("E_REQUEST_INVALID");
      expect(error.field).toBe(FIELD);
      expect(error.message).toContain(uri);
    }
  });

  it("resolves file:// URIs: absolute, localhost, and relative ones against the base directory", () => {
    expect(where("file:///srv/glue/MRPC")).toBe("/srv/glue/MRPC");
    expect(where("file://localhost/srv/glue")).toBe("/srv/glue");
    expect(where("file:///srv/with%20space")).toBe("/srv/with space");
    expect(where("file://./data")).toBe("/work/requests/data");
    expect(where("file://../shared/data/glue/MRPC")).toBe("/work/shared/data/glue/MRPC");
    expect(where("file://..")).toBe("/work");
    expect(where("file:data")).toBe("/work/requests/data");
    expect(where("data/validation")).toBe("/work/requests/data/validation");
  });

  it("refuses a file URI of another host, or a malformed one, naming the field", () => {
    for (const uri of ["file://elsewhere/data", "file://./bad%zz"]) {
      const error = refusal(uri);
      expect(error.code).toBe("E_REQUEST_INVALID");
      expect(error.field).toBe(FIELD);
    }
  });
});

describe("LocalObjectStore.list", () => {
  it("lists a mapping's own prefix inside its directory, never a sibling that shares its name's start", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const root = mkdtempSync(join(tmpdir(), "tunekit-list-"));
    try {
      for (const dir of ["out", "out.bak"]) {
        mkdirSync(join(root, dir));
        writeFileSync(join(root, dir, "model.txt"), dir);
      }
      const mapped = new LocalObjectStore([{ prefix: "s3://bucket/out", dir: join(root, "out") }], root);
      expect((await mapped.list("s3://bucket/out")).map((o) => o.uri)).toEqual(["s3://bucket/out/model.txt"]);
      expect((await mapped.list("s3://bucket/out/")).map((o) => o.uri)).toEqual(["s3://bucket/out/model.txt"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
