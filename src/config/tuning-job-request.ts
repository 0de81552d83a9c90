import { z } from "zod";
import { TunekitError, ValidationError } from "../errors.js";
import { parseParameterRanges, type SearchSpace } from "../space/index.js";
import { issueToError } from "./training-job-request.js";

/**
 * The CreateHyperParameterTuningJob request, in the AWS API's shape, with
 * SageMaker's validation rules: everything is checked before anything is
 * created, and an error names the field and the rule.
 */
export const TUNING_JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/;

const ObjectiveSchema = z.strictObject({
  Type: z.enum(["Maximize", "Minimize"]),
  MetricName: z.string().min(1).max(255),
});

const DefinitionSchema = z.looseObject({
  DefinitionName: z
    .string()
    .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}$/, "1 to 64 letters, digits and hyphens")
    .optional(),
  TuningObjective: ObjectiveSchema.optional(),
  HyperParameterRanges: z.unknown().optional(),
  AlgorithmSpecification: z.looseObject({
    MetricDefinitions: z
      .array(z.looseObject({ Name: z.string(), Regex: z.string() }))
      .max(40)
      .default([]),
  }),
  StaticHyperParameters: z.record(z.string(), z.string()).default({}),
});

/** Static hyperparameters from which SageMaker infers Hyperband's MaxResource, in its order. */
const EPOCH_HYPERPARAMETERS = ["epochs", "numepochs", "n-epochs", "n_epochs", "num_epochs"];

export const TuningJobRequestSchema = z.strictObject({
  HyperParameterTuningJobName: z
    .string()
    .regex(TUNING_JOB_NAME, "1 to 32 letters, digits and hyphens, starting with a letter or digit"),
  HyperParameterTuningJobConfig: z.strictObject({
    Strategy: z.enum(["Bayesian", "Random", "Hyperband", "Grid"]).default("Bayesian"),
    StrategyConfig: z
      .strictObject({
        HyperbandStrategyConfig: z
          .strictObject({
            MinResource: z.number().int().min(1).max(20_000).optional(),
            MaxResource: z.number().int().min(1).max(20_000).optional(),
          })
          .optional(),
        /**
         * tunekit's extension, Hyperband only: where each bracket's new configurations come from. "Random"
         * (SageMaker's Hyperband, the default) or "Model": one GP over configuration and epoch count, fitted on the
         * values jobs reached at every rung (strategies/rung-model/).
         */
        TunekitConfigurationSampler: z.enum(["Random", "Model"]).optional(),
      })
      .optional(),
    HyperParameterTuningJobObjective: ObjectiveSchema.optional(),
    ResourceLimits: z.strictObject({
      MaxNumberOfTrainingJobs: z.number().int().min(1).optional(),
      MaxParallelTrainingJobs: z.number().int().min(1),
      MaxRuntimeInSeconds: z.number().int().min(120).max(15_768_000).optional(),
    }),
    ParameterRanges: z.unknown().optional(),
    TrainingJobEarlyStoppingType: z.enum(["Off", "Auto"]).default("Off"),
    TuningJobCompletionCriteria: z
      .strictObject({
        TargetObjectiveMetricValue: z.number().optional(),
        BestObjectiveNotImproving: z
          .strictObject({ MaxNumberOfTrainingJobsNotImproving: z.number().int().min(3) })
          .optional(),
        ConvergenceDetected: z.strictObject({ CompleteOnConvergence: z.enum(["Enabled", "Disabled"]) }).optional(),
      })
      .optional(),
    RandomSeed: z.number().int().min(0).optional(),
  }),
  TrainingJobDefinition: DefinitionSchema.optional(),
  TrainingJobDefinitions: z.array(DefinitionSchema).min(1).max(10).optional(),
  WarmStartConfig: z
    .strictObject({
      ParentHyperParameterTuningJobs: z
        .array(
          z.strictObject({
            HyperParameterTuningJobName: z
              .string()
              .regex(TUNING_JOB_NAME, "1 to 32 letters, digits and hyphens, starting with a letter or digit"),
          }),
        )
        .min(1)
        .max(5),
      WarmStartType: z.enum(["IdenticalDataAndAlgorithm", "TransferLearning"]),
    })
    .optional(),
  Tags: z.array(z.unknown()).optional(),
  Autotune: z.unknown().optional(),
});

export type TuningJobRequest = z.infer<typeof TuningJobRequestSchema>;
export type TrainingJobDefinition = z.infer<typeof DefinitionSchema>;

const invalid = (field: string, rule: string) => new ValidationError(field, rule, "E_REQUEST_INVALID");

/** One training job definition with what the tuner needs of it: its ranges and its objective. */
export interface ParsedDefinition {
  /** DefinitionName, for TrainingJobDefinitions; undefined for the single TrainingJobDefinition. */
  readonly name: string | undefined;
  readonly definition: TrainingJobDefinition;
  readonly space: SearchSpace;
  readonly objective: { readonly Type: "Maximize" | "Minimize"; readonly MetricName: string };
  /** Where errors about this definition point: "TrainingJobDefinition" or "TrainingJobDefinitions[i]". */
  readonly field: string;
}

export interface CompletionCriteria {
  readonly target?: number;
  readonly notImproving?: number;
  readonly convergence: boolean;
}

export interface ParsedTuningJob {
  readonly request: TuningJobRequest;
  readonly definitions: readonly ParsedDefinition[];
  readonly objectiveType: "Maximize" | "Minimize";
  readonly maxJobs: number;
  readonly earlyStopping: boolean;
  /** Hyperband's resources, in emissions of the objective metric ("epochs"). */
  readonly hyperband?: {
    readonly minResource: number;
    readonly maxResource: number;
    /** Where new configurations come from: at random (SageMaker's) or from the rung model (tunekit's extension). */
    readonly sampler: "Random" | "Model";
  };
  readonly completion: CompletionCriteria;
  readonly maxRuntimeMs?: number;
  readonly warmStart?: {
    readonly parents: readonly string[];
    readonly type: "IdenticalDataAndAlgorithm" | "TransferLearning";
  };
}

function parseSpace(ranges: unknown, field: string): SearchSpace {
  try {
    return parseParameterRanges(ranges);
  } catch (error) {
    if (error instanceof TunekitError && error.field) {
      throw new ValidationError(`${field}.${error.field}`, error.message, error.code);
    }
    throw error;
  }
}

function parseDefinitions(request: TuningJobRequest): ParsedDefinition[] {
  const config = request.HyperParameterTuningJobConfig;
  if (request.TrainingJobDefinition && request.TrainingJobDefinitions) {
    throw invalid("TrainingJobDefinitions", "give either TrainingJobDefinition or TrainingJobDefinitions, not both");
  }
  let parsed: ParsedDefinition[];
  if (request.TrainingJobDefinition) {
    const objective = config.HyperParameterTuningJobObjective;
    if (!objective) {
      throw invalid(
        "HyperParameterTuningJobConfig.HyperParameterTuningJobObjective",
        "is required with TrainingJobDefinition",
      );
    }
    if (config.ParameterRanges === undefined) {
      throw invalid("HyperParameterTuningJobConfig.ParameterRanges", "is required with TrainingJobDefinition");
    }
    parsed = [
      {
        name: undefined,
        definition: request.TrainingJobDefinition,
        space: parseSpace(config.ParameterRanges, "HyperParameterTuningJobConfig"),
        objective,
        field: "TrainingJobDefinition",
      },
    ];
  } else if (request.TrainingJobDefinitions) {
    const names = new Set<string>();
    parsed = request.TrainingJobDefinitions.map((definition, i) => {
      const field = `TrainingJobDefinitions[${i}]`;
      if (!definition.DefinitionName)
        throw invalid(`${field}.DefinitionName`, "is required with TrainingJobDefinitions");
      if (names.has(definition.DefinitionName.toLowerCase())) {
        throw invalid(`${field}.DefinitionName`, `${JSON.stringify(definition.DefinitionName)} is used twice`);
      }
      names.add(definition.DefinitionName.toLowerCase());
      const objective = definition.TuningObjective ?? config.HyperParameterTuningJobObjective;
      if (!objective) throw invalid(`${field}.TuningObjective`, "is required with TrainingJobDefinitions");
      const ranges = definition.HyperParameterRanges ?? config.ParameterRanges;
      if (ranges === undefined)
        throw invalid(`${field}.HyperParameterRanges`, "is required with TrainingJobDefinitions");
      return {
        name: definition.DefinitionName,
        definition,
        space: parseSpace(ranges, definition.HyperParameterRanges ? field : "HyperParameterTuningJobConfig"),
        objective,
        field,
      };
    });
    const types = new Set(parsed.map((d) => d.objective.Type));
    if (types.size > 1) {
      throw invalid(
        "TrainingJobDefinitions",
        "every definition's TuningObjective must have the same Type, so their jobs can be compared",
      );
    }
  } else {
    throw invalid("TrainingJobDefinition", "is required (or TrainingJobDefinitions, for several algorithms)");
  }
  for (const d of parsed) {
    const metric = d.objective.MetricName;
    if (!d.definition.AlgorithmSpecification.MetricDefinitions.some((m) => m.Name === metric)) {
      const where =
        d.name === undefined
          ? "HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.MetricName"
          : `${d.field}.TuningObjective.MetricName`;
      throw invalid(
        where,
        `A metric is required for this hyperparameter tuning job objective. Provide a metric in the metric definitions. (${JSON.stringify(metric)} is not among ${d.field}.AlgorithmSpecification.MetricDefinitions)`,
      );
    }
    for (const name of d.space.names) {
      if (d.definition.StaticHyperParameters[name] !== undefined) {
        throw invalid(
          `${d.field}.StaticHyperParameters.${name}`,
          "is also a tuned range; a hyperparameter is either static or tuned",
        );
      }
    }
  }
  return parsed;
}

function parseHyperband(request: TuningJobRequest, definitions: readonly ParsedDefinition[]) {
  const config = request.HyperParameterTuningJobConfig;
  const hyperband = config.StrategyConfig?.HyperbandStrategyConfig;
  const field = "HyperParameterTuningJobConfig.StrategyConfig.HyperbandStrategyConfig";
  const sampler = config.StrategyConfig?.TunekitConfigurationSampler;
  if (config.Strategy !== "Hyperband") {
    if (hyperband) throw invalid(field, `is only for the Hyperband strategy, not ${config.Strategy}`);
    if (sampler !== undefined) {
      throw invalid(
        "HyperParameterTuningJobConfig.StrategyConfig.TunekitConfigurationSampler",
        `is only for the Hyperband strategy, not ${config.Strategy}`,
      );
    }
    return undefined;
  }
  if (config.TrainingJobEarlyStoppingType !== "Off") {
    throw invalid(
      "HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType",
      "must be Off with the Hyperband strategy, which stops jobs itself",
    );
  }
  let maxResource = hyperband?.MaxResource;
  if (maxResource === undefined) {
    for (const d of definitions) {
      const key = EPOCH_HYPERPARAMETERS.find((k) => d.definition.StaticHyperParameters[k] !== undefined);
      const value = key === undefined ? Number.NaN : Number(d.definition.StaticHyperParameters[key]);
      if (!Number.isInteger(value) || value < 1) {
        throw invalid(
          `${field}.MaxResource`,
          `is required unless the static hyperparameters give the number of epochs (${EPOCH_HYPERPARAMETERS.join(", ")})`,
        );
      }
      maxResource = Math.max(maxResource ?? 0, value);
    }
  }
  const minResource = hyperband?.MinResource ?? 1;
  if (maxResource === undefined || minResource > maxResource) {
    throw invalid(`${field}.MinResource`, `must be at most MaxResource (${maxResource})`);
  }
  return { minResource, maxResource, sampler: sampler ?? "Random" };
}

/** Validates a CreateHyperParameterTuningJob request with SageMaker's rules. */
export function parseTuningJobRequest(input: unknown): ParsedTuningJob {
  const parsed = TuningJobRequestSchema.safeParse(input);
  if (!parsed.success) throw issueToError(parsed.error.issues[0] as z.core.$ZodIssue);
  const request = parsed.data;
  const config = request.HyperParameterTuningJobConfig;
  const definitions = parseDefinitions(request);
  const hyperband = parseHyperband(request, definitions);
  let maxJobs = config.ResourceLimits.MaxNumberOfTrainingJobs;
  if (config.Strategy === "Grid") {
    const combinations = definitions.reduce((n, d) => n + d.space.size(), 0);
    maxJobs ??= combinations;
    if (combinations < maxJobs) {
      throw invalid(
        "HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs",
        `The total number of hyperparameter combinations for the provided ranges [${combinations}] must be equal or greater than the value of MaxNumberOfJobs, [${maxJobs}]`,
      );
    }
  }
  if (maxJobs === undefined) {
    throw invalid(
      "HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs",
      `is required for the ${config.Strategy} strategy`,
    );
  }
  const criteria = config.TuningJobCompletionCriteria;
  const warm = request.WarmStartConfig;
  if (warm) {
    const names = warm.ParentHyperParameterTuningJobs.map((p) => p.HyperParameterTuningJobName.toLowerCase());
    if (names.includes(request.HyperParameterTuningJobName.toLowerCase())) {
      throw invalid("WarmStartConfig.ParentHyperParameterTuningJobs", "a tuning job cannot be its own parent");
    }
    if (new Set(names).size !== names.length) {
      throw invalid("WarmStartConfig.ParentHyperParameterTuningJobs", "lists a parent twice");
    }
  }
  return {
    request,
    definitions,
    objectiveType: (definitions[0] as ParsedDefinition).objective.Type,
    maxJobs,
    earlyStopping: config.TrainingJobEarlyStoppingType === "Auto",
    ...(hyperband ? { hyperband } : {}),
    completion: {
      ...(criteria?.TargetObjectiveMetricValue === undefined ? {} : { target: criteria.TargetObjectiveMetricValue }),
      ...(criteria?.BestObjectiveNotImproving
        ? { notImproving: criteria.BestObjectiveNotImproving.MaxNumberOfTrainingJobsNotImproving }
        : {}),
      convergence: criteria?.ConvergenceDetected?.CompleteOnConvergence === "Enabled",
    },
    ...(config.ResourceLimits.MaxRuntimeInSeconds === undefined
      ? {}
      : { maxRuntimeMs: config.ResourceLimits.MaxRuntimeInSeconds * 1000 }),
    ...(warm
      ? {
          warmStart: {
            parents: warm.ParentHyperParameterTuningJobs.map((p) => p.HyperParameterTuningJobName),
            type: warm.WarmStartType,
          },
        }
      : {}),
  };
}
