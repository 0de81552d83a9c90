import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServeProcess, startServe } from "./helpers/serve.js";

/**
 * boto3 (the python3 on PATH, as users have it) against a real `tunekit serve`, changed in nothing but its
 * endpoint_url: test/sagemaker/boto3_flows.py holds the flows, and checks every response against its output
 * shape in botocore's model. The server requires SigV4 with a configured key, in a region and account of its
 * own, so the ARNs and refusals are the configured ones.
 */
const PYTHON = process.env.TUNEKIT_TEST_PYTHON ?? "/usr/bin/python3";
const CODE = fileURLToPath(new URL("./fixtures/jobs/tuning/", import.meta.url));
const FLOWS = fileURLToPath(new URL("./sagemaker/boto3_flows.py", import.meta.url));
const KEY = "AKIDTUNEKITTEST1";
const SECRET = "tunekit-test-secret";
const root = mkdtempSync(join(tmpdir(), "tunekit-sagemaker-"));
let server: ServeProcess;

beforeAll(async () => {
  const config = join(root, "tunekit.yaml");
  writeFileSync(
    config,
    `sagemaker:\n  region: eu-west-3\n  account: "123456789012"\n  accessKeys:\n    ${KEY}: ${SECRET}\n`,
  );
  server = await startServe(
    [
      "--store",
      join(root, "tunekit.db"),
      "--config",
      config,
      "--python",
      PYTHON,
      "--s3-map",
      `s3://my-bucket/code=${CODE}`,
      "--s3-map",
      `s3://my-bucket/output=${join(root, "out")}`,
    ],
    { TUNEKIT_HOME: join(root, "home") },
  );
});

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Runs one flow of boto3_flows.py with the python3 on PATH (boto3's), failing with its output. */
function flow(name: string): string {
  const result = spawnSync("python3", [FLOWS, name], {
    env: {
      ...process.env,
      SAGEMAKER_ENDPOINT: server.url,
      SAGEMAKER_KEY: KEY,
      SAGEMAKER_SECRET: SECRET,
      TUNING_FIXTURE: join(CODE, "tuning-job.json"),
      NAME_PREFIX: `b${name.slice(0, 4)}`,
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    },
    encoding: "utf8",
    timeout: 600_000,
  });
  if (result.status !== 0) throw new Error(`boto3 flow ${name} failed:\n${result.stdout}\n${result.stderr}`);
  expect(result.stderr).toMatch(/checked \d+ responses against their shapes/);
  return result.stdout;
}

describe("boto3 against tunekit serve", () => {
  it("starts saying the API needs signatures with its keys", () => {
    expect(server.output()).toMatch(/SageMaker API .*region eu-west-3, account 123456789012.*signed with one of 1/);
  });

  it("creates a tuning job, waits for it, pages its jobs by objective, tags and deletes it", () => {
    flow("tuning");
  }, 600_000);

  it("runs a training job to the waiter and reads its log as CloudWatch Logs", () => {
    flow("training");
  }, 600_000);

  it("answers bad requests with AWS's ValidationException and UnknownOperationException", () => {
    flow("validation");
  }, 600_000);

  it("stops a running tuning job: Stopping, then Stopped", () => {
    const out = JSON.parse(flow("stop")) as { seen: string[] };
    expect(out.seen[0]).toBe("Stopping");
    expect(out.seen.at(-1)).toBe("Stopped");
  }, 600_000);

  it("refuses a wrong secret, an unknown key and a 20-minute-old signature, creating nothing", () => {
    flow("refusals");
  }, 600_000);
});
