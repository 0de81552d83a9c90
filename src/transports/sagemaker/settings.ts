import { ValidationError } from "../../errors.js";

/**
 * What `tunekit serve`'s SageMaker API is configured with: the region and account its ARNs name, the access
 * keys requests must be signed with, and its quota. From the config file's `sagemaker` section, with the
 * environment over it: TUNEKIT_AWS_REGION, TUNEKIT_AWS_ACCOUNT, TUNEKIT_AWS_ACCESS_KEYS ("id:secret,id:secret").
 */
export interface SageMakerSettings {
  readonly region: string;
  readonly account: string;
  readonly keys: ReadonlyMap<string, string>;
  readonly maxRunningTuningJobs?: number;
}

export interface SageMakerConfig {
  region?: string | undefined;
  account?: string | undefined;
  accessKeys?: Record<string, string> | undefined;
  maxRunningTuningJobs?: number | undefined;
}

export function sageMakerSettings(
  config: SageMakerConfig = {},
  env: NodeJS.ProcessEnv = process.env,
): SageMakerSettings {
  const region = env.TUNEKIT_AWS_REGION ?? config.region ?? "us-east-1";
  if (!/^[a-z0-9-]+$/.test(region)) {
    throw new ValidationError(
      "TUNEKIT_AWS_REGION",
      `must be a region name such as us-east-1, got ${JSON.stringify(region)}`,
    );
  }
  const account = env.TUNEKIT_AWS_ACCOUNT ?? config.account ?? "000000000000";
  if (!/^[0-9]{12}$/.test(account)) {
    throw new ValidationError("TUNEKIT_AWS_ACCOUNT", `must be 12 digits, got ${JSON.stringify(account)}`);
  }
  const keys = new Map(Object.entries(config.accessKeys ?? {}));
  for (const pair of (env.TUNEKIT_AWS_ACCESS_KEYS ?? "").split(",").filter((p) => p.trim() !== "")) {
    const colon = pair.indexOf(":");
    if (colon < 1 || colon === pair.length - 1) {
      throw new ValidationError("TUNEKIT_AWS_ACCESS_KEYS", "must be id:secret pairs separated by commas");
    }
    keys.set(pair.slice(0, colon).trim(), pair.slice(colon + 1).trim());
  }
  return {
    region,
    account,
    keys,
    ...(config.maxRunningTuningJobs === undefined ? {} : { maxRunningTuningJobs: config.maxRunningTuningJobs }),
  };
}
