import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { S3Settings } from "../objects/s3-settings.js";
import { sageMakerSettings } from "../transports/sagemaker/settings.js";
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

describe("local config: the SageMaker API", () => {
  const dir = mkdtempSync(join(tmpdir(), "tunekit-config-sagemaker-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = (text: string) => {
    const path = join(dir, "tunekit.yaml");
    writeFileSync(path, text);
    return loadLocalConfig(path);
  };

  it("reads region, account, keys and the quota; the environment goes over them", () => {
    const config = load(
      'sagemaker:\n  region: eu-west-1\n  account: "123456789012"\n  accessKeys:\n    AKIA1: s1\n  maxRunningTuningJobs: 3\n',
    );
    expect(sageMakerSettings(config.sagemaker, {})).toEqual({
      region: "eu-west-1",
      account: "123456789012",
      keys: new Map([["AKIA1", "s1"]]),
      maxRunningTuningJobs: 3,
    });
    const env = { TUNEKIT_AWS_REGION: "us-west-2", TUNEKIT_AWS_ACCESS_KEYS: "AKIA2:s2, AKIA3:s:3" };
    const settings = sageMakerSettings(config.sagemaker, env);
    expect(settings.region).toBe("us-west-2");
    expect([...settings.keys]).toEqual([
      ["AKIA1", "s1"],
      ["AKIA2", "s2"],
      ["AKIA3", "s:3"],
    ]);
    expect(sageMakerSettings(undefined, {})).toMatchObject({ region: "us-east-1", account: "000000000000" });
  });

  it("names the field of a bad setting", () => {
    expect(() => load('sagemaker:\n  account: "12345"\n')).toThrow(/config\.sagemaker\.account.*12 digits/);
    expect(() => sageMakerSettings({}, { TUNEKIT_AWS_ACCESS_KEYS: "no-secret" })).toThrow(/TUNEKIT_AWS_ACCESS_KEYS/);
    expect(() => sageMakerSettings({}, { TUNEKIT_AWS_ACCOUNT: "x" })).toThrow(/TUNEKIT_AWS_ACCOUNT: must be 12 digits/);
  });
});
