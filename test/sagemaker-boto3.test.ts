import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ThrowawayDatabase, throwawayDatabase } from "./fixtures/postgres.js";
import { ACCESS_KEY, SECRET_KEY, startSageMakerServe, TUNING_REQUEST } from "./helpers/sagemaker-serve.js";
import type { ServeProcess } from "./helpers/serve.js";
import { waitFor } from "./support/wait-for.js";

/**
 * boto3 (the python3 on PATH, as users have it) against a real `tunekit serve`, changed in nothing but its
 * endpoint_url: test/sagemaker/boto3_flows.py holds the flows, and checks every response against its output
 * shape in botocore's model. The server requires SigV4 with a configured key, in a region and account of its
 * own, so the ARNs and refusals are the configured ones.
 */
const PYTHON = process.env.TUNEKIT_TEST_PYTHON ?? "/usr/bin/python3";
const FLOWS = fileURLToPath(new URL("./sagemaker/boto3_flows.py", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "tunekit-sagemaker-"));
let server: ServeProcess;

beforeAll(async () => {
  server = await startSageMakerServe(root, PYTHON);
});

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Runs one flow of boto3_flows.py against `server` with the python3 on PATH (boto3's), failing with its output. */
function flow(name: string, target: ServeProcess = server, prefix = `b${name.slice(0, 4)}`): string {
  const result = spawnSync("python3", [FLOWS, name], {
    env: {
      ...process.env,
      SAGEMAKER_ENDPOINT: target.url,
      SAGEMAKER_KEY: ACCESS_KEY,
      SAGEMAKER_SECRET: SECRET_KEY,
      TUNING_FIXTURE: TUNING_REQUEST,
      NAME_PREFIX: prefix,
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
  it("starts saying the API needs signatures with its keys", async () => {
    // The line may follow the one the server's URL was read from: wait for it rather than read once.
    const said = /SageMaker API .*region eu-west-3, account 123456789012.*signed with one of 1/;
    await waitFor(() => said.test(server.output()));
    expect(server.output()).toMatch(said);
  });

  it("creates a tuning job, waits for it, pages its jobs by objective, tags and deletes it", () => {
    flow("tuning");
  }, 600_000);

  it("runs a training job to the waiter, reads its log as CloudWatch Logs, stops another through Stopping", () => {
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

  it("answers 10 boto3 clients describing and listing a running tuning job for 5 s without an error", () => {
    const out = JSON.parse(flow("load")) as { calls: number; errors: number; first_errors: string[] };
    expect(out.first_errors).toEqual([]);
    expect(out.errors).toBe(0);
    expect(out.calls).toBeGreaterThan(0);
  }, 600_000);

  it("refuses a wrong secret, an unknown key and a 20-minute-old signature, creating nothing", () => {
    flow("refusals");
  }, 600_000);
});

describe("boto3 against tunekit serve on PostgreSQL", () => {
  let database: ThrowawayDatabase;
  let onPostgres: ServeProcess;
  beforeAll(async () => {
    database = await throwawayDatabase("sagemaker");
    onPostgres = await startSageMakerServe(join(root, "pg"), PYTHON, database.url);
  });
  afterAll(async () => {
    await onPostgres?.stop();
    await database?.drop();
  });

  it("runs the tuning flow (tags and deletion included) and refuses bad signatures the same way", () => {
    flow("tuning", onPostgres, "pg");
    flow("refusals", onPostgres, "pg");
  }, 600_000);
});
