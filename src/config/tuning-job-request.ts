import { z } from "zod";
import { TunekitError, ValidationError } from "../errors.js";
import { parseParameterRanges, type SearchSpace } from "../space/index.js";
import { issueToError } from "./training-job-request.js";

/**
 * The CreateHyperParameterTuningJob request, in the AWS API's shape, with
 * SageMaker's validation rules. What this version cannot run yet (Hyperband,
 * early stopping, completion criteria, warm start, several definitions) is
 * refused with an error naming the field, never silently ignored.
 */
export const TUNING_JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/;

const DefinitionSchema = z.looseObject({
  AlgorithmSpecification: z.looseObject({
    MetricDefinitions: z
      .array(z.looseObject({ Name: z.string(), Regex: z.string() }))
      .max(40)
      .default([]),
  }),
  StaticHyperParameters: z.record(z.string(), z.string()).default({}),
});

export const TuningJobRequestSchema = z.strictObject({
  HyperParameterTuningJobName: z
    .string()
    .regex(TUNING_JOB_NAME, "1 to 32 letters, digits and hyphens, starting with a letter or digit"),
  HyperParameterTuningJobConfig: z.strictObject({
    Strategy: z.enum(["Bayesian", "Random", "Hyperband", "Grid"]).default("Bayesian"),
    StrategyConfig: z.unknown().optional(),
    HyperParameterTuningJobObjective: z.strictObject({
      Type: z.enum(["Maximize", "Minimize"]),
      MetricName: z.string().min(1).max(255),
    }),
    ResourceLimits: z.strictObject({
      MaxNumberOfTrainingJobs: z.number().int().min(1).optional(),
      MaxParallelTrainingJobs: z.number().int().min(1),
      MaxRuntimeInSeconds: z.number().int().min(120).max(15_768_000).optional(),
    }),
    ParameterRanges: z.unknown(),
    TrainingJobEarlyStoppingType: z.enum(["Off", "Auto"]).default("Off"),
    TuningJobCompletionCriteria: z.unknown().optional(),
    RandomSeed: z.number().int().min(0).optional(),
  }),
  TrainingJobDefinition: DefinitionSchema.optional(),
  TrainingJobDefinitions: z.array(z.unknown()).optional(),
  WarmStartConfig: z.unknown().optional(),
  Tags: z.array(z.unknown()).optional(),
  Autotune: z.unknown().optional(),
});

export type TuningJobRequest = z.infer<typeof TuningJobRequestSchema>;
export type TrainingJobDefinition = z.infer<typeof DefinitionSchema>;

function notYet(field: string, what: string): TunekitError {
  return new TunekitError("E_NOT_SUPPORTED_YET", `${field}: ${what} is not supported by this version of tunekit yet`, {
    field,
  });
}

export interface ParsedTuningJob {
  readonly request: TuningJobRequest;
  readonly definition: TrainingJobDefinition;
  readonly space: SearchSpace;
  readonly maxJobs: number;
}

/** Validates a CreateHyperParameterTuningJob request with SageMaker's rules. */
export function parseTuningJobRequest(input: unknown): ParsedTuningJob {
  const parsed = TuningJobRequestSchema.safeParse(input);
  if (!parsed.success) throw issueToError(parsed.error.issues[0] as z.core.$ZodIssue);
  const request = parsed.data;
  const config = request.HyperParameterTuningJobConfig;
  if (request.TrainingJobDefinitions !== undefined) throw notYet("TrainingJobDefinitions", "multi-algorithm tuning");
  if (request.WarmStartConfig !== undefined) throw notYet("WarmStartConfig", "warm start");
  if (config.Strategy === "Hyperband") throw notYet("HyperParameterTuningJobConfig.Strategy", "Hyperband");
  if (config.TrainingJobEarlyStoppingType === "Auto") {
    throw notYet("HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType", "early stopping (Auto)");
  }
  if (config.ResourceLimits.MaxRuntimeInSeconds !== undefined) {
    throw notYet(
      "HyperParameterTuningJobConfig.ResourceLimits.MaxRuntimeInSeconds",
      "a runtime limit on the tuning job",
    );
  }
  if (config.TuningJobCompletionCriteria !== undefined) {
    throw notYet("HyperParameterTuningJobConfig.TuningJobCompletionCriteria", "completion criteria");
  }
  const definition = request.TrainingJobDefinition;
  if (!definition) {
    throw new ValidationError(
      "TrainingJobDefinition",
      "is required (one training job definition)",
      "E_REQUEST_INVALID",
    );
  }
  const metric = config.HyperParameterTuningJobObjective.MetricName;
  if (!definition.AlgorithmSpecification.MetricDefinitions.some((m) => m.Name === metric)) {
    throw new ValidationError(
      "HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.MetricName",
      `A metric is required for this hyperparameter tuning job objective. Provide a metric in the metric definitions. (${JSON.stringify(metric)} is not among TrainingJobDefinition.AlgorithmSpecification.MetricDefinitions)`,
      "E_REQUEST_INVALID",
    );
  }
  let space: SearchSpace;
  try {
    space = parseParameterRanges(config.ParameterRanges);
  } catch (error) {
    if (error instanceof TunekitError && error.field) {
      throw new ValidationError(`HyperParameterTuningJobConfig.${error.field}`, error.message, error.code);
    }
    throw error;
  }
  for (const name of space.names) {
    if (definition.StaticHyperParameters[name] !== undefined) {
      throw new ValidationError(
        `TrainingJobDefinition.StaticHyperParameters.${name}`,
        "is also a tuned range; a hyperparameter is either static or tuned",
        "E_REQUEST_INVALID",
      );
    }
  }
  let maxJobs = config.ResourceLimits.MaxNumberOfTrainingJobs;
  if (config.Strategy === "Grid") {
    const combinations = space.size();
    maxJobs ??= combinations;
    if (combinations < maxJobs) {
      throw new ValidationError(
        "HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs",
        `The total number of hyperparameter combinations for the provided ranges [${combinations}] must be equal or greater than the value of MaxNumberOfJobs, [${maxJobs}]`,
        "E_REQUEST_INVALID",
      );
    }
  }
  if (maxJobs === undefined) {
    throw new ValidationError(
      "HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs",
      `is required for the ${config.Strategy} strategy`,
      "E_REQUEST_INVALID",
    );
  }
  return { request, definition, space, maxJobs };
}
