import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServeProcess, startServe } from "./helpers/serve.js";

/**
 * examples/notebook/notebook.py, the seed's notebook with boto3, pandas and matplotlib (Debian's /usr/bin/python3),
 * against a real `tunekit serve` running the MRPC request's jobs: 3 of them here, to stay quick.
 */
const PYTHON = process.env.TUNEKIT_TEST_PYTHON ?? "/usr/bin/python3";
const MRPC = fileURLToPath(new URL("../examples/mrpc/", import.meta.url));
const NOTEBOOK = fileURLToPath(new URL("../examples/notebook/notebook.py", import.meta.url));
const GLUE = process.env.GLUE_DIR ?? fileURLToPath(new URL("../../../shared/data/glue", import.meta.url));
const DATA = existsSync(join(GLUE, "MRPC")) ? GLUE : "/work/shared/data/glue";
const root = mkdtempSync(join(tmpdir(), "tunekit-notebook-"));
let server: ServeProcess;

beforeAll(async () => {
  const config = join(root, "tunekit.yaml");
  writeFileSync(
    config,
    [
      "s3Map:",
      `  s3://my-bucket/code/mrpc: ${join(MRPC, "code")}`,
      `  s3://my-bucket/glue: ${DATA}`,
      `  s3://my-bucket/output: ${join(root, "out")}`,
      `python: ${PYTHON}`,
      "",
    ].join("\n"),
  );
  server = await startServe(["--store", join(root, "tunekit.db"), "--config", config], {
    TUNEKIT_HOME: join(root, "home"),
  });
});

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** The environment without AWS keys: the server has none configured, and the notebook then signs with any. */
function withoutAwsKeys(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, AWS_SESSION_TOKEN: _token, ...rest } = env;
  return rest;
}

describe("the seed's notebook with boto3", () => {
  it.skipIf(!existsSync(join(DATA, "MRPC")))(
    "creates the MRPC tuning job, polls it to the end, builds the analytics dataframe and draws both plots",
    () => {
      const out = join(root, "notebook");
      const result = spawnSync(PYTHON, [NOTEBOOK, "--jobs", "3", "--parallel", "3", "--name", "nb", "--out", out], {
        env: {
          ...withoutAwsKeys(process.env),
          AWS_ENDPOINT_URL_SAGEMAKER: server.url,
          AWS_CONFIG_FILE: "/dev/null",
          AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
        },
        encoding: "utf8",
        timeout: 900_000,
      });
      if (result.status !== 0) throw new Error(`notebook.py failed:\n${result.stdout}\n${result.stderr}`);
      expect(result.stdout).toMatch(/^Completed: 3 completed/m);
      const [header, ...rows] = readFileSync(join(out, "nb.csv"), "utf8").trim().split("\n");
      expect(header?.split(",")).toEqual([
        "learning_rate",
        "TrainingJobName",
        "TrainingJobStatus",
        "FinalObjectiveValue",
        "TrainingStartTime",
        "TrainingEndTime",
        "TrainingElapsedTimeSeconds",
      ]);
      expect(rows).toHaveLength(3);
      for (const plot of ["nb-f1-over-time.png", "nb-f1-vs-learning-rate.png"]) {
        expect(readFileSync(join(out, plot)).subarray(1, 4).toString()).toBe("PNG");
      }
    },
    900_000,
  );
});
