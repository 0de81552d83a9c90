import { S3Client } from "@aws-sdk/client-s3";
import { S3_DEFAULTS, type S3Settings } from "./s3-settings.js";

// tunekit supports Node 20 and pins an SDK release that runs on it; the SDK's notice about
// future releases needing Node 22 would otherwise print on every run. A user who sets it keeps their choice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** The endpoint in use: the settings' own, else the one the AWS chain reads from the environment. */
export function configuredEndpoint(settings: S3Settings): string | undefined {
  return settings.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
}

/** The S3 client for `settings`: the standard AWS chain, bounded connects and retries, S3-compatible defaults. */
export function createS3Client(settings: S3Settings): S3Client {
  return new S3Client({
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(settings.profile === undefined ? {} : { profile: settings.profile }),
    ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
    region: settings.region ?? once(() => chainRegion(settings.profile)),
    forcePathStyle: settings.forcePathStyle ?? configuredEndpoint(settings) !== undefined,
    // Since early 2025 the SDK adds CRC checksums to every upload (as aws-chunked trailers) and
    // expects them on downloads. Older S3-compatible servers (MinIO before 2023, Ceph RGW,
    // s3rver and several hosted stores) refuse those uploads or return no checksums; sending
    // them only where the API requires them works everywhere. Downloads are verified by
    // size and MD5 instead (verify-download.ts).
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    followRegionRedirects: true,
    maxAttempts: settings.maxAttempts ?? S3_DEFAULTS.maxAttempts,
    // A dead or black-holed endpoint must fail a job in seconds, not hang it: connects are
    // bounded, and so is silence on an open connection (not the length of a transfer).
    requestHandler: {
      connectionTimeout: settings.connectTimeoutMs ?? S3_DEFAULTS.connectTimeoutMs,
      socketTimeout: settings.idleTimeoutMs ?? S3_DEFAULTS.idleTimeoutMs,
    },
  });
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/** The region the AWS chain names (environment, then profile), else S3_DEFAULTS.region. */
async function chainRegion(profile: string | undefined): Promise<string> {
  const probe = new S3Client(profile === undefined ? {} : { profile });
  try {
    return await probe.config.region();
  } catch {
    return S3_DEFAULTS.region;
  } finally {
    probe.destroy();
  }
}
