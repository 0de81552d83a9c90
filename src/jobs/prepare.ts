import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseTrainingJobRequest, type TrainingJobRequest } from "../config/training-job-request.js";
import { ValidationError } from "../errors.js";
import { frameworkSetting } from "./environment.js";
import { checkPython, runsPython } from "./interpreter.js";
import { compileMetricDefinitions } from "./metric-extractor.js";
import { resolveLocation } from "./s3-map.js";
import { CONTAINER_ML } from "./sandbox.js";
import type { JobSettings } from "./settings.js";

/** A request checked against this machine, with every location resolved: nothing can fail on bad input after this. */
export interface PreparedJob {
  readonly request: TrainingJobRequest;
  readonly notices: readonly string[];
  readonly channels: readonly { readonly name: string; readonly source: string }[];
  /** The submit directory (a directory or a .tar.gz), for script mode. */
  readonly source: string | undefined;
  /** Where model.tar.gz and output.tar.gz go: S3OutputPath/<job>/output. */
  readonly outputDir: string;
  /** CheckpointConfig.S3Uri, resolved, and the job-relative checkpoint directory (under /opt/ml). */
  readonly checkpoint: { readonly store: string; readonly relative: string } | undefined;
}

export function prepareTrainingJob(input: unknown, settings: JobSettings): PreparedJob {
  const { request, notices } = parseTrainingJobRequest(input);
  compileMetricDefinitions(request.AlgorithmSpecification.MetricDefinitions);
  const resolve = (uri: string, field: string) => resolveLocation(uri, field, settings.s3Map, settings.baseDir);

  const channels = (request.InputDataConfig ?? []).map((channel, i) => {
    const field = `InputDataConfig[${i}].DataSource.S3DataSource.S3Uri`;
    const source = resolve(channel.DataSource.S3DataSource.S3Uri, field);
    if (!existsSync(source)) throw new ValidationError(field, `${source} does not exist`, "E_CHANNEL_NOT_FOUND");
    return { name: channel.ChannelName, source };
  });

  let source: string | undefined;
  if (!request.AlgorithmSpecification.ContainerEntrypoint) {
    const field = "HyperParameters.sagemaker_submit_directory";
    const submit = frameworkSetting(request, "sagemaker_submit_directory");
    if (submit === undefined) {
      throw new ValidationError(
        field,
        "script mode needs the directory (or .tar.gz) holding sagemaker_program",
        "E_REQUEST_INVALID",
      );
    }
    source = resolve(submit, field);
    if (!existsSync(source)) throw new ValidationError(field, `${source} does not exist`, "E_SOURCE_NOT_FOUND");
    const program = frameworkSetting(request, "sagemaker_program") as string;
    if (statSync(source).isDirectory() && !existsSync(join(source, program))) {
      throw new ValidationError("HyperParameters.sagemaker_program", `${program} is not in ${source}`, "E_ENTRY_POINT");
    }
  }

  if (runsPython(request, source)) checkPython(settings.python);

  const outputDir = join(
    resolve(request.OutputDataConfig.S3OutputPath, "OutputDataConfig.S3OutputPath"),
    request.TrainingJobName,
    "output",
  );

  let checkpoint: PreparedJob["checkpoint"];
  if (request.CheckpointConfig) {
    const local = request.CheckpointConfig.LocalPath ?? `${CONTAINER_ML}/checkpoints`;
    if (!(local === CONTAINER_ML || local.startsWith(`${CONTAINER_ML}/`))) {
      throw new ValidationError(
        "CheckpointConfig.LocalPath",
        `must be under ${CONTAINER_ML} (each job's ${CONTAINER_ML} is private), got ${local}`,
        "E_REQUEST_INVALID",
      );
    }
    checkpoint = {
      store: resolve(request.CheckpointConfig.S3Uri, "CheckpointConfig.S3Uri"),
      relative: local.slice(CONTAINER_ML.length + 1) || ".",
    };
  }
  return { request, notices, channels, source, outputDir, checkpoint };
}
