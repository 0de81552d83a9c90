import { dirname, resolve } from "node:path";
import { z } from "zod";
import { readDocument } from "./files.js";
import { issueToError } from "./training-job-request.js";

/**
 * tunekit's own settings for running jobs on this machine (never part of a
 * SageMaker request), from a JSON or YAML file given with --config or
 * $TUNEKIT_CONFIG. Command-line flags win over the file.
 *
 *   s3Map:                      # s3:// prefixes and the local directories that stand in for them
 *     s3://my-bucket/data: /srv/data
 *   python: /usr/bin/python3    # interpreter for Python entry points
 *   logCapBytes: 67108864       # the most of a job's output kept in its log
 *   sandbox: auto               # auto | bwrap | none
 *   stopGraceSeconds: 120       # SIGTERM → SIGKILL
 *   slots: 4                    # jobs run at once on this machine, across tuning jobs
 *   s3:                         # optional: what the AWS chain (environment, ~/.aws) does not say
 *     endpoint: http://127.0.0.1:9000   # an S3-compatible store such as MinIO
 *     region: us-east-1
 *     profile: minio                    # a profile of ~/.aws/config and ~/.aws/credentials
 *     forcePathStyle: true              # default: true when an endpoint is set
 *   sourceBundleUri: s3://my-bucket/tunekit/source   # where local source directories are stored for workers
 *   sagemaker:                  # `tunekit serve`'s SageMaker API (boto3, the AWS CLI, the AWS SDKs)
 *     region: us-east-1                  # the region ARNs name (default us-east-1)
 *     account: "123456789012"            # the 12-digit account ARNs name (default 000000000000)
 *     accessKeys:                        # access key id → secret; requests must be signed with one of them
 *       AKIAEXAMPLE: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
 *     maxRunningTuningJobs: 100          # one more InProgress is ResourceLimitExceeded (default: no limit)
 *   executor: queue             # local (default) | queue: training jobs run on `tunekit worker` processes
 *   queue: redis://10.0.0.5:6379          # the Redis of the BullMQ queue (executor: queue, and workers)
 *   queueName: tunekit-training-jobs      # optional: the queue's name
 *   queueLockSeconds: 30                  # optional: a dead worker's job runs again this long after
 */
const S3ConfigSchema = z.strictObject({
  endpoint: z.url().optional(),
  region: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
  forcePathStyle: z.boolean().optional(),
  connectTimeoutMs: z.number().int().min(1).optional(),
  idleTimeoutMs: z.number().int().min(1).optional(),
  maxAttempts: z.number().int().min(1).max(10).optional(),
});

const SageMakerConfigSchema = z.strictObject({
  region: z
    .string()
    .regex(/^[a-z0-9-]+$/, "must be a region name such as us-east-1")
    .optional(),
  account: z
    .string()
    .regex(/^[0-9]{12}$/, "must be 12 digits")
    .optional(),
  accessKeys: z
    .record(z.string().regex(/^[A-Za-z0-9]{4,128}$/, "must be letters and digits"), z.string().min(1))
    .optional(),
  maxRunningTuningJobs: z.number().int().min(1).optional(),
});

export const LocalConfigSchema = z.strictObject({
  s3Map: z.record(z.string().startsWith("s3://"), z.string().min(1)).default({}),
  python: z.string().min(1).optional(),
  logCapBytes: z.number().int().min(1024).optional(),
  sandbox: z.enum(["auto", "bwrap", "none"]).optional(),
  stopGraceSeconds: z.number().min(0).optional(),
  slots: z.number().int().min(1).optional(),
  s3: S3ConfigSchema.optional(),
  sourceBundleUri: z.string().min(1).optional(),
  sagemaker: SageMakerConfigSchema.optional(),
  executor: z.enum(["local", "queue"]).optional(),
  queue: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .optional(),
  queueName: z.string().min(1).optional(),
  queueLockSeconds: z.number().min(1).max(3600).optional(),
});
export type LocalConfig = z.infer<typeof LocalConfigSchema>;

export function loadLocalConfig(path: string | undefined): LocalConfig & { dir: string } {
  if (!path) return { s3Map: {}, dir: process.cwd() };
  const parsed = LocalConfigSchema.safeParse(readDocument(path, "--config") ?? {});
  if (!parsed.success) throw issueToError(parsed.error.issues[0] as z.core.$ZodIssue, "config");
  // Relative directories in the config file are relative to the file.
  const dir = dirname(resolve(path));
  const s3Map = Object.fromEntries(Object.entries(parsed.data.s3Map).map(([k, v]) => [k, resolve(dir, v)]));
  return { ...parsed.data, s3Map, dir };
}
