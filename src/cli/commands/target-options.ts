import type { Command } from "commander";
import { ValidationError } from "../../errors.js";
import type { ResourceKind } from "../../store/index.js";

export interface TargetOptions {
  tuningJob?: boolean;
  trainingJob?: boolean;
}

export function addTargetOptions(command: Command): Command {
  return command
    .option("--tuning-job", "NAME is a tuning job (or study)")
    .option("--training-job", "NAME is a training job (or trial)");
}

export function forcedKind(options: TargetOptions): ResourceKind | undefined {
  if (options.tuningJob && options.trainingJob) {
    throw new ValidationError("--tuning-job", "give at most one of --tuning-job and --training-job");
  }
  if (options.tuningJob) return "tuning-job";
  if (options.trainingJob) return "training-job";
  return undefined;
}
