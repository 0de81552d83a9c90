import { z } from "zod";
import { ValidationError } from "../errors.js";

/**
 * The CreateTrainingJob request, in the AWS API's shape, validated with the
 * API's own limits. Fields that only mean something in AWS are accepted and
 * reported as notices (see `ignoredFields`), so one request runs in both places.
 */

export const TRAINING_JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const CHANNEL_NAME = /^[A-Za-z0-9.\-_]+$/;
const ENVIRONMENT_KEY = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const stringMap = (what: string, maxEntries: number, keyMax: number, valueMax: number, keyPattern?: RegExp) =>
  z
    .record(
      keyPattern
        ? z.string().max(keyMax).regex(keyPattern, `${what} names must match ${keyPattern.source}`)
        : z.string().min(1).max(keyMax),
      z
        .string({
          error: (issue) =>
            issue.code === "invalid_type"
              ? `${what} values must be strings (SageMaker passes every value as a string)`
              : undefined,
        })
        .max(valueMax, `${what} values must be at most ${valueMax} characters`),
    )
    .refine((m) => Object.keys(m).length <= maxEntries, `at most ${maxEntries} entries`);

export const MetricDefinitionSchema = z.strictObject({
  Name: z.string().min(1).max(255),
  Regex: z.string().min(1).max(500),
});

const ChannelSchema = z.strictObject({
  ChannelName: z
    .string()
    .min(1)
    .max(64)
    .regex(CHANNEL_NAME, `channel names must match ${CHANNEL_NAME.source}`)
    // SageMaker's pattern admits them, but as a directory under input/data they would name it or its parent.
    .refine((name) => name !== "." && name !== "..", {
      error: (issue) =>
        `a channel may not be named "." or "..": input/data/<channel> would be input/data itself or its parent, got ${JSON.stringify(issue.input)}`,
    }),
  DataSource: z.strictObject({
    S3DataSource: z.strictObject({
      S3Uri: z.string().min(1).max(1024),
      S3DataType: z.enum(["ManifestFile", "S3Prefix", "AugmentedManifestFile"]).optional(),
      S3DataDistributionType: z.enum(["FullyReplicated", "ShardedByS3Key"]).optional(),
      AttributeNames: z.array(z.string()).optional(),
      InstanceGroupNames: z.array(z.string()).optional(),
    }),
  }),
  ContentType: z.string().max(256).optional(),
  CompressionType: z.enum(["None", "Gzip"]).optional(),
  RecordWrapperType: z.enum(["None", "RecordIO"]).optional(),
  InputMode: z.enum(["Pipe", "File", "FastFile"]).optional(),
  ShuffleConfig: z.strictObject({ Seed: z.number().int() }).optional(),
});

export const TrainingJobRequestSchema = z.strictObject({
  TrainingJobName: z
    .string()
    .regex(TRAINING_JOB_NAME, "1 to 63 letters, digits and hyphens, starting with a letter or digit"),
  AlgorithmSpecification: z.strictObject({
    TrainingInputMode: z.enum(["File", "Pipe", "FastFile"]).default("File"),
    TrainingImage: z.string().max(255).optional(),
    AlgorithmName: z.string().max(170).optional(),
    MetricDefinitions: z.array(MetricDefinitionSchema).max(40).default([]),
    ContainerEntrypoint: z.array(z.string().min(1).max(256)).min(1).max(100).optional(),
    ContainerArguments: z.array(z.string().min(1).max(256)).min(1).max(100).optional(),
    EnableSageMakerMetricsTimeSeries: z.boolean().optional(),
    TrainingImageConfig: z.unknown().optional(),
  }),
  HyperParameters: stringMap("hyperparameter", 100, 256, 2500).default({}),
  InputDataConfig: z.array(ChannelSchema).min(1).max(20).optional(),
  OutputDataConfig: z.strictObject({
    S3OutputPath: z.string().min(1).max(1024),
    KmsKeyId: z.string().optional(),
    CompressionType: z.enum(["GZIP", "NONE"]).optional(),
  }),
  ResourceConfig: z.strictObject({
    InstanceType: z.string().min(1),
    InstanceCount: z.number().int().min(1).default(1),
    VolumeSizeInGB: z.number().int().min(1).optional(),
    VolumeKmsKeyId: z.string().optional(),
    KeepAlivePeriodInSeconds: z.number().int().optional(),
  }),
  StoppingCondition: z
    .strictObject({
      MaxRuntimeInSeconds: z.number().int().min(1).default(86_400),
      MaxWaitTimeInSeconds: z.number().int().min(1).optional(),
      MaxPendingTimeInSeconds: z.number().int().optional(),
    })
    .default({ MaxRuntimeInSeconds: 86_400 }),
  Environment: stringMap("environment", 100, 512, 512, ENVIRONMENT_KEY).default({}),
  CheckpointConfig: z
    .strictObject({ S3Uri: z.string().min(1).max(1024), LocalPath: z.string().max(4096).optional() })
    .optional(),
  RetryStrategy: z.strictObject({ MaximumRetryAttempts: z.number().int().min(1).max(30) }).optional(),
  // Accepted so AWS requests run unchanged; they have no local meaning (see ignoredFields).
  RoleArn: z.string().optional(),
  VpcConfig: z.unknown().optional(),
  Tags: z.array(z.unknown()).optional(),
  EnableNetworkIsolation: z.boolean().optional(),
  EnableInterContainerTrafficEncryption: z.boolean().optional(),
  EnableManagedSpotTraining: z.boolean().optional(),
  DebugHookConfig: z.unknown().optional(),
  DebugRuleConfigurations: z.unknown().optional(),
  ProfilerConfig: z.unknown().optional(),
  ProfilerRuleConfigurations: z.unknown().optional(),
  TensorBoardOutputConfig: z.unknown().optional(),
  ExperimentConfig: z.unknown().optional(),
  RemoteDebugConfig: z.unknown().optional(),
  InfraCheckConfig: z.unknown().optional(),
  SessionChainingConfig: z.unknown().optional(),
});

export type TrainingJobRequest = z.infer<typeof TrainingJobRequestSchema>;

const AWS_ONLY_FIELDS = [
  "RoleArn",
  "VpcConfig",
  "Tags",
  "EnableNetworkIsolation",
  "EnableInterContainerTrafficEncryption",
  "EnableManagedSpotTraining",
  "DebugHookConfig",
  "DebugRuleConfigurations",
  "ProfilerConfig",
  "ProfilerRuleConfigurations",
  "TensorBoardOutputConfig",
  "ExperimentConfig",
  "RemoteDebugConfig",
  "InfraCheckConfig",
  "SessionChainingConfig",
] as const;

/** Turns the first schema issue into a ValidationError naming the request path, e.g. `InputDataConfig[0].ChannelName`. */
export function issueToError(issue: z.core.$ZodIssue, root = ""): ValidationError {
  const path = issue.path.reduce<string>(
    (acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
    root,
  );
  let message = issue.message;
  if (issue.code === "unrecognized_keys") message = `unknown field(s) ${issue.keys.join(", ")}`;
  return new ValidationError(path || "request", message, "E_REQUEST_INVALID");
}

/**
 * Validates a CreateTrainingJob request and returns it with defaults filled
 * in, plus the notices a user should see: AWS-only fields ignored, instance
 * types run locally. Everything that cannot run here is an error.
 */
export function parseTrainingJobRequest(input: unknown): { request: TrainingJobRequest; notices: string[] } {
  const parsed = TrainingJobRequestSchema.safeParse(input);
  if (!parsed.success) throw issueToError(parsed.error.issues[0] as z.core.$ZodIssue);
  const request = parsed.data;
  const notices: string[] = [];
  for (const field of AWS_ONLY_FIELDS) {
    if (request[field] !== undefined) notices.push(`${field} is an AWS setting with no local meaning; ignored`);
  }
  const spec = request.AlgorithmSpecification;
  if (spec.TrainingImage !== undefined) {
    notices.push(
      `AlgorithmSpecification.TrainingImage (${spec.TrainingImage}) is not run: tunekit runs the entry point directly on this machine, without a container engine`,
    );
  }
  if (spec.AlgorithmName !== undefined) {
    throw new ValidationError(
      "AlgorithmSpecification.AlgorithmName",
      "marketplace and built-in algorithms need SageMaker; give a script (sagemaker_program) or ContainerEntrypoint",
      "E_REQUEST_INVALID",
    );
  }
  const instanceType = request.ResourceConfig.InstanceType;
  if (instanceType.startsWith("ml.")) {
    notices.push(`ResourceConfig.InstanceType ${instanceType} runs locally on this machine`);
  } else if (instanceType !== "local" && instanceType !== "local_gpu") {
    throw new ValidationError(
      "ResourceConfig.InstanceType",
      `must be "local", "local_gpu" or an ml.* type, got ${JSON.stringify(instanceType)}`,
      "E_REQUEST_INVALID",
    );
  }
  if (request.ResourceConfig.InstanceCount > 1) {
    throw new ValidationError(
      "ResourceConfig.InstanceCount",
      `distributed training (InstanceCount ${request.ResourceConfig.InstanceCount}) is not supported yet; use 1`,
      "E_REQUEST_INVALID",
    );
  }
  const hasProgram = request.HyperParameters.sagemaker_program !== undefined;
  if (spec.ContainerEntrypoint === undefined && !hasProgram) {
    throw new ValidationError(
      "AlgorithmSpecification.ContainerEntrypoint",
      "nothing to run: give ContainerEntrypoint (and ContainerArguments), or script mode through HyperParameters.sagemaker_program and sagemaker_submit_directory",
      "E_REQUEST_INVALID",
    );
  }
  const channels = new Set<string>();
  (request.InputDataConfig ?? []).forEach((channel, i) => {
    if (channels.has(channel.ChannelName)) {
      throw new ValidationError(
        `InputDataConfig[${i}].ChannelName`,
        `duplicate channel ${channel.ChannelName}`,
        "E_REQUEST_INVALID",
      );
    }
    channels.add(channel.ChannelName);
  });
  const names = new Set<string>();
  spec.MetricDefinitions.forEach((definition, i) => {
    if (names.has(definition.Name)) {
      throw new ValidationError(
        `AlgorithmSpecification.MetricDefinitions[${i}].Name`,
        `duplicate metric ${definition.Name}`,
        "E_REQUEST_INVALID",
      );
    }
    names.add(definition.Name);
  });
  return { request, notices };
}
