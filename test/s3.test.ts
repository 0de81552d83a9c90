import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import * as tar from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Client } from "../src/objects/s3-client.js";
import { SqliteStore } from "../src/store/index.js";
import { type S3TestServer, startS3rver } from "./support/s3-servers.js";

/**
 * Jobs whose channels, outputs and checkpoints are on a real S3 protocol server (s3rver, started here), run by
 * `tunekit` child processes that reach it as they would reach AWS: an endpoint in the config, keys in the
 * environment, no --s3-map for the data.
 */
const PYTHON = "/usr/bin/python3";
const MAIN = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const MRPC = fileURLToPath(new URL("../../shared/data/glue/MRPC/", import.meta.url));
const MRPC_CODE = fileURLToPath(new URL("../examples/mrpc/code/", import.meta.url));
const SCRIPTS = fileURLToPath(new URL("./fixtures/jobs/scripts/", import.meta.url));
const hasTorch = spawnSync(PYTHON, ["-c", "import torch"]).status === 0;
const hasMrpc = (() => {
  try {
    return readdirSync(MRPC).includes("train.tsv");
  } catch {
    return false;
  }
})();

const root = mkdtempSync(join(tmpdir(), "tunekit-s3-"));
let s3: S3TestServer;
let counter = 0;

beforeAll(async () => {
  s3 = await startS3rver();
  await s3.createBucket("my-bucket");
  if (hasMrpc) {
    for (const file of ["train.tsv", "dev.tsv"])
      await s3.put(`s3://my-bucket/glue/MRPC/${file}`, readFileSync(join(MRPC, file)));
  }
});
afterAll(async () => {
  await s3?.close();
  rmSync(root, { recursive: true, force: true });
});

/**
 * A tunekit command in its own home, reaching the S3 server through the config file and the environment. Run
 * asynchronously: s3rver answers from this process, which must not block while the command talks to it.
 */
async function tunekit(
  home: string,
  args: string[],
  credentials = s3.settings.credentials,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const config = join(home, "tunekit.config.json");
  mkdirSync(home, { recursive: true });
  writeFileSync(
    config,
    JSON.stringify({
      s3: { endpoint: s3.settings.endpoint, forcePathStyle: true, connectTimeoutMs: 2000, maxAttempts: 2 },
      s3Map: { "s3://my-bucket/code/mrpc": MRPC_CODE, "s3://my-bucket/scripts": SCRIPTS },
      python: PYTHON,
    }),
  );
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      TUNEKIT_HOME: home,
      TUNEKIT_CONFIG: config,
      AWS_ACCESS_KEY_ID: credentials?.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials?.secretAccessKey,
      AWS_REGION: "us-east-1",
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, stdout, stderr };
}

function writeRequest(request: unknown): string {
  const file = join(root, `request-${counter++}.json`);
  writeFileSync(file, JSON.stringify(request));
  return file;
}

/** A training job of a fixture script, its channel, output and checkpoints on S3. */
function scriptJob(name: string, program: string, patch: (r: Record<string, unknown>) => void = () => {}) {
  const request: Record<string, unknown> = {
    TrainingJobName: name,
    AlgorithmSpecification: {
      TrainingInputMode: "File",
      MetricDefinitions: [{ Name: "loss", Regex: "loss=([0-9.]+)" }],
    },
    HyperParameters: {
      sagemaker_program: JSON.stringify(program),
      sagemaker_submit_directory: '"s3://my-bucket/scripts"',
    },
    OutputDataConfig: { S3OutputPath: "s3://my-bucket/output" },
    ResourceConfig: { InstanceType: "local", InstanceCount: 1 },
    StoppingCondition: { MaxRuntimeInSeconds: 300 },
  };
  patch(request);
  return writeRequest(request);
}

async function describeTrainingJob(home: string, name: string) {
  const run = await tunekit(home, ["describe", name, "--training-job", "--json"]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

async function object(uri: string): Promise<Buffer> {
  const [, Bucket, Key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) as RegExpExecArray;
  const client = createS3Client(s3.settings);
  try {
    const body = await client.send(new GetObjectCommand({ Bucket, Key }));
    return Buffer.from(await (body.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  } finally {
    client.destroy();
  }
}

async function head(uri: string) {
  const [, Bucket, Key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) as RegExpExecArray;
  const client = createS3Client(s3.settings);
  try {
    return await client.send(new HeadObjectCommand({ Bucket, Key }));
  } finally {
    client.destroy();
  }
}

/** The names of the files in a model.tar.gz. */
async function tarEntries(bytes: Buffer): Promise<string[]> {
  const file = join(root, `archive-${counter++}.tar.gz`);
  writeFileSync(file, bytes);
  const names: string[] = [];
  await tar.t({ file, onReadEntry: (entry) => names.push(entry.path) });
  return names;
}

describe("S3 channels, outputs and checkpoints", () => {
  it.runIf(hasTorch && hasMrpc)(
    "runs the seed's MRPC tuning job against S3 with no --s3-map for its data: each object fetched once, each model where Describe says",
    async () => {
      const home = join(root, "mrpc");
      const request = JSON.parse(
        readFileSync(fileURLToPath(new URL("../examples/mrpc/tuning-job.json", import.meta.url)), "utf8"),
      );
      request.HyperParameterTuningJobName = "mrpc-s3";
      request.HyperParameterTuningJobConfig.ResourceLimits = { MaxNumberOfTrainingJobs: 3, MaxParallelTrainingJobs: 3 };
      const run = await tunekit(home, ["tune", writeRequest(request), "--quiet"]);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const store = new SqliteStore(join(home, "tunekit.db"));
      const jobs = await store.listTrainingJobs({ tuningJobName: "mrpc-s3" });
      await store.close();
      expect(jobs).toHaveLength(3);
      for (const job of jobs) {
        expect(job.status, job.failureReason ?? "").toBe("Completed");
        const uri = `s3://my-bucket/output/${job.name}/output/model.tar.gz`;
        expect((await describeTrainingJob(home, job.name)).ModelArtifacts).toEqual({ S3ModelArtifacts: uri });
        expect((await head(uri)).ContentLength).toBeGreaterThan(0);
        expect(await tarEntries(await object(uri))).toContain("pytorch_model.bin");
      }
      // Three jobs read the same dataset: each object was downloaded once on this machine.
      const gets = s3.requests().filter((r) => r.startsWith("GET /my-bucket/glue/MRPC/train.tsv"));
      expect(gets).toHaveLength(1);
    },
    900_000,
  );

  it("uploads a model over 16 MiB in parts", async () => {
    const home = join(root, "large");
    const before = s3.requests().length;
    const run = await tunekit(home, ["train", scriptJob("large-model", "large_model.py"), "--quiet"]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const uri = "s3://my-bucket/output/large-model/output/model.tar.gz";
    expect((await describeTrainingJob(home, "large-model")).ModelArtifacts).toEqual({ S3ModelArtifacts: uri });
    expect((await head(uri)).ContentLength).toBeGreaterThan(16 * 1024 * 1024);
    const requests = s3.requests().slice(before);
    expect(
      requests.some((r) => /^POST \/my-bucket\/output\/large-model\/output\/model\.tar\.gz\?uploads/.test(r)),
    ).toBe(true);
    expect(
      requests.filter((r) => /^PUT \/my-bucket\/output\/large-model\/output\/model\.tar\.gz\?.*partNumber=/.test(r))
        .length,
    ).toBeGreaterThan(1);
  }, 300_000);

  it("restores a retried job's checkpoint from CheckpointConfig.S3Uri: the second attempt resumes", async () => {
    const home = join(root, "checkpoint");
    const file = scriptJob("resumes", "checkpoint.py", (r) => {
      r.CheckpointConfig = { S3Uri: "s3://my-bucket/checkpoints/resumes" };
      r.RetryStrategy = { MaximumRetryAttempts: 1 };
    });
    const run = await tunekit(home, ["train", file]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("resumed from epoch=1");
    expect(await describeTrainingJob(home, "resumes")).toMatchObject({
      TrainingJobStatus: "Completed",
      RetryAttempt: 1,
    });
    expect((await object("s3://my-bucket/checkpoints/resumes/state.txt")).toString()).toBe("epoch=1");
  }, 300_000);

  it.each([
    ["a missing bucket", "s3://no-such-bucket/data", undefined],
    ["a missing key", "s3://my-bucket/no/such/prefix", undefined],
    ["refused access", "s3://my-bucket/glue", "refused"],
  ])(
    "fails a job whose channel is %s at once, naming the URI",
    async (_what, uri, credentials) => {
      const home = join(root, `missing-${counter++}`);
      const name = `missing-${counter++}`;
      const file = scriptJob(name, "fail.py", (r) => {
        r.InputDataConfig = [
          { ChannelName: "training", DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: uri } } },
        ];
      });
      const run = await tunekit(
        home,
        ["train", file, "--quiet"],
        credentials === "refused" ? s3.refusedSettings?.credentials : s3.settings.credentials,
      );
      expect(run.code).toBe(1);
      const view = await describeTrainingJob(home, name);
      expect(view.TrainingJobStatus).toBe("Failed");
      expect(view.FailureReason).toContain(uri);
      expect(view.SecondaryStatusTransitions.map((t: { Status: string }) => t.Status)).not.toContain("Training");
    },
    300_000,
  );
});
