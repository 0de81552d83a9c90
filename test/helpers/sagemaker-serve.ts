import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ServeProcess, startServe } from "./serve.js";

/** The tuning fixture's code (a fast objective printing val_loss per epoch) and its request. */
export const TUNING_CODE = fileURLToPath(new URL("../fixtures/jobs/tuning/", import.meta.url));
export const TUNING_REQUEST = join(TUNING_CODE, "tuning-job.json");
export const ACCESS_KEY = "AKIDTUNEKITTEST1";
export const SECRET_KEY = "tunekit-test-secret";
export const REGION = "eu-west-3";
export const ACCOUNT = "123456789012";

/**
 * `tunekit serve` as a SageMaker endpoint for the clients' tests: a store (SQLite under `root` unless given) and
 * a home under `root`, the fixture's
 * s3://my-bucket/code and s3://my-bucket/output mapped, one access key, its own region and account.
 */
export async function startSageMakerServe(
  root: string,
  python: string,
  store = join(root, "tunekit.db"),
): Promise<ServeProcess> {
  mkdirSync(root, { recursive: true });
  const config = join(root, "tunekit.yaml");
  writeFileSync(
    config,
    `sagemaker:\n  region: ${REGION}\n  account: "${ACCOUNT}"\n  accessKeys:\n    ${ACCESS_KEY}: ${SECRET_KEY}\n`,
  );
  return startServe(
    [
      "--store",
      store,
      "--config",
      config,
      "--python",
      python,
      "--s3-map",
      `s3://my-bucket/code=${TUNING_CODE}`,
      "--s3-map",
      `s3://my-bucket/output=${join(root, "out")}`,
    ],
    { TUNEKIT_HOME: join(root, "home") },
  );
}
