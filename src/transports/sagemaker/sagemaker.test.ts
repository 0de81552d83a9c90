import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { TunekitError } from "../../errors.js";
import { MemoryStore } from "../../store/index.js";
import { createApp } from "../http/app.js";
import { camelPath, toAwsError } from "./aws-error.js";
import { checkInput } from "./input-model.js";
import { decodeNextToken, encodeNextToken } from "./next-token.js";
import { sigV4 } from "./sigv4.js";

/** A SHA-256 for the SDK's signer, from node:crypto. */
class Sha256 {
  private readonly hash;
  constructor(secret?: unknown) {
    this.hash = secret ? createHmac("sha256", secret as string) : createHash("sha256");
  }
  update(data: Uint8Array | string) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

/** A request signed by the AWS SDK's own SigV4 signer, at `date`. */
async function signed(body: string, secret: string, date = new Date(), key = "AKIDEXAMPLE"): Promise<Request> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: key, secretAccessKey: secret },
    region: "us-east-1",
    service: "sagemaker",
    sha256: Sha256,
  });
  const request = await signer.sign(
    {
      method: "POST",
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 8686,
      path: "/",
      headers: {
        host: "127.0.0.1:8686",
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "SageMaker.ListTrainingJobs",
      },
      body,
    },
    { signingDate: date },
  );
  return new Request("http://127.0.0.1:8686/", { method: "POST", headers: request.headers, body });
}

describe("SigV4 verification", () => {
  const verify = sigV4({ keys: new Map([["AKIDEXAMPLE", "secret"]]) });
  const bytes = (s: string) => new TextEncoder().encode(s);

  it("accepts what the AWS SDK's signer signed, and refuses a changed body, secret, key or an old date", async () => {
    await expect(Promise.resolve(verify(await signed("{}", "secret"), bytes("{}")))).resolves.toBeUndefined();
    await expect(async () => verify(await signed("{}", "secret"), bytes('{"a":1}'))).rejects.toMatchObject({
      type: "InvalidSignatureException",
    });
    await expect(async () => verify(await signed("{}", "wrong"), bytes("{}"))).rejects.toMatchObject({
      type: "InvalidSignatureException",
    });
    await expect(async () =>
      verify(await signed("{}", "secret", new Date(), "AKIDOTHER"), bytes("{}")),
    ).rejects.toMatchObject({
      type: "UnrecognizedClientException",
    });
    const old = new Date(Date.now() - 16 * 60 * 1000);
    await expect(async () => verify(await signed("{}", "secret", old), bytes("{}"))).rejects.toMatchObject({
      type: "InvalidSignatureException",
      message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than/),
    });
  });

  it("without keys accepts any well-formed signature, and still refuses none", async () => {
    const open = sigV4({ keys: new Map() });
    expect(open(await signed("{}", "anything"), bytes("{}"))).toBeUndefined();
    expect(() => open(new Request("http://h/", { method: "POST" }), bytes(""))).toThrow(
      expect.objectContaining({ type: "MissingAuthenticationTokenException" }),
    );
  });
});

describe("the SageMaker model's constraints", () => {
  it("names every violation by its camelCase path, as AWS does", () => {
    expect(() =>
      checkInput("ListTrainingJobsForHyperParameterTuningJob", { MaxResults: 0, SortBy: "Objective" }),
    ).toThrow(
      expect.objectContaining({
        type: "ValidationException",
        message:
          "3 validation errors detected: Value null at 'hyperParameterTuningJobName' failed to satisfy constraint: Member must not be null; " +
          "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
          "Value 'Objective' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [Name, CreationTime, Status, FinalObjectiveMetricValue]",
      }),
    );
    expect(() =>
      checkInput("AddTags", { ResourceArn: "arn:aws:sagemaker:us-east-1:000000000000:x/y", Tags: [{ Key: "k" }] }),
    ).toThrow(expect.objectContaining({ message: expect.stringContaining("Value null at 'tags.1.member.value'") }));
  });

  it("drops members the model does not know, reads timestamps as epoch seconds, refuses wrong JSON types", () => {
    expect(checkInput("ListTrainingJobs", { Unknown: 1, CreationTimeAfter: "2026-01-01T00:00:00Z" })).toEqual({
      CreationTimeAfter: 1767225600,
    });
    expect(() => checkInput("ListTrainingJobs", { MaxResults: "10" })).toThrow(
      expect.objectContaining({ type: "SerializationException" }),
    );
  });

  it("turns tunekit's own field errors into AWS's form", () => {
    expect(camelPath("HyperParameterTuningJobConfig.ParameterRanges.IntegerParameterRanges[0].MinValue")).toBe(
      "hyperParameterTuningJobConfig.parameterRanges.integerParameterRanges.1.member.minValue",
    );
    const error = new TunekitError("E_REQUEST_INVALID", "A.B: must be at least 2", { field: "A.B" });
    expect(toAwsError(error, { A: { B: 1 } }).message).toBe(
      "1 validation error detected: Value '1' at 'a.b' failed to satisfy constraint: must be at least 2",
    );
  });

  it("binds a NextToken to its listing", () => {
    const token = encodeNextToken("ListTrainingJobs", { SortBy: "Name" }, 20);
    expect(decodeNextToken("ListTrainingJobs", { SortBy: "Name", NextToken: token, MaxResults: 5 })).toBe(20);
    expect(() => decodeNextToken("ListTrainingJobs", { SortBy: "Status", NextToken: token })).toThrow(
      expect.objectContaining({ type: "ValidationException" }),
    );
  });
});

describe("the protocol in the app", () => {
  const store = new MemoryStore();
  const app = createApp({
    store,
    token: "console-token",
    aws: { authenticate: sigV4({ keys: new Map() }), settings: {} as never, maxRunningTuningJobs: 1 },
  });

  it("routes by X-Amz-Target beside the console, past its token, with AWS's error shapes", async () => {
    const request = await signed("{}", "x");
    const ok = await app.request(request);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ TrainingJobSummaries: [] });
    const headers = new Headers(request.headers);
    headers.set("x-amz-target", "SageMaker.CreateEndpoint");
    const unknown = await app.request(new Request(request.url, { method: "POST", headers, body: "{}" }));
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get("x-amzn-errortype")).toBe("UnknownOperationException");
    expect(await unknown.json()).toMatchObject({ __type: "UnknownOperationException" });
    for (const target of ["SageMaker.constructor", "SageMaker.toString", "Logs_20140328.constructor"]) {
      headers.set("x-amz-target", target);
      const inherited = await app.request(new Request(request.url, { method: "POST", headers, body: "{}" }));
      expect(inherited.headers.get("x-amzn-errortype")).toBe("UnknownOperationException");
    }
    // The console and tunekit's API still need the token.
    expect((await app.request("/api/tuning-jobs")).status).toBe(401);
  });

  it("answers ResourceLimitExceeded past the configured number of running tuning jobs", async () => {
    await store.createTuningJob({ name: "running", kind: "tuning-job", config: {}, seed: 1, now: 1 });
    const request = await signed("{}", "x");
    const headers = new Headers(request.headers);
    headers.set("x-amz-target", "SageMaker.CreateHyperParameterTuningJob");
    const body = JSON.stringify({
      HyperParameterTuningJobName: "one-more",
      HyperParameterTuningJobConfig: { Strategy: "Random", ResourceLimits: { MaxParallelTrainingJobs: 1 } },
    });
    const refused = await app.request(new Request(request.url, { method: "POST", headers, body }));
    expect(await refused.json()).toMatchObject({ __type: "ResourceLimitExceeded" });
  });
});
