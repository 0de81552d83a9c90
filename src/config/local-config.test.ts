import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { S3Settings } from "../objects/s3-settings.js";
import { loadLocalConfig } from "./local-config.js";

describe("local config: S3", () => {
  const dir = mkdtempSync(join(tmpdir(), "tunekit-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = (text: string) => {
    const path = join(dir, "tunekit.yaml");
    writeFileSync(path, text);
    return loadLocalConfig(path);
  };

  it("reads the endpoint, profile and bundle location", () => {
    const config = load(
      "s3:\n  endpoint: http://127.0.0.1:9000\n  profile: minio\n  forcePathStyle: true\nsourceBundleUri: s3://b/source\n",
    );
    const settings: S3Settings = config.s3 ?? {};
    expect(settings).toEqual({ endpoint: "http://127.0.0.1:9000", profile: "minio", forcePathStyle: true });
    expect(config.sourceBundleUri).toBe("s3://b/source");
  });

  it("names the field of a bad S3 setting", () => {
    expect(() => load("s3:\n  endpoint: not a url\n")).toThrow(/config\.s3\.endpoint/);
    expect(() => load("s3:\n  bucket: x\n")).toThrow(/config\.s3.*unknown field\(s\) bucket/);
  });
});
