import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseTrainingJobRequest, type TrainingJobRequest } from "../config/training-job-request.js";
import { ValidationError } from "../errors.js";
import { checkChannelModes, ObjectStores } from "../objects/index.js";
import { frameworkSetting } from "./environment.js";
import { checkPython, runsPython } from "./interpreter.js";
import { compileMetricDefinitions } from "./metric-extractor.js";
import { CONTAINER_ML } from "./sandbox.js";
import type { JobSettings } from "./settings.js";

/**
 * A request checked against this machine, before anything is created: the
 * schema, the regexes, the channel modes, and every location that is a file
 * here (a mapped `s3://` prefix, `file://`, a path) exists. Remote `s3://`
 * locations are read when the job runs, as SageMaker reads them: a missing
 * bucket or key fails the job then, with a reason that names the URI.
 */
export interface PreparedJob {
  readonly request: TrainingJobRequest;
  readonly notices: readonly string[];
  /** The submit directory's URI (a directory, a .tar.gz, or an `s3://.../sourcedir.tar.gz`), for script mode. */
  readonly source: string | undefined;
  /** CheckpointConfig.S3Uri, and the job-relative checkpoint directory (under /opt/ml). */
  readonly checkpoint: { readonly uri: string; readonly relative: string } | undefined;
}

/** Where a job's URIs lead: mapped and local ones to this machine's files, the rest to S3. */
export function objectStoresFor(settings: JobSettings): ObjectStores {
  return new ObjectStores({
    s3Map: settings.s3Map,
    baseDir: settings.baseDir,
    ...(settings.s3 ? { s3: settings.s3 } : {}),
  });
}

/**
 * What holds of a request on any machine: its schema, its regexes and its channel modes. A controller whose
 * training jobs run on workers checks only this; each worker checks the paths on its own machine when it runs one.
 */
export function checkRequestAnywhere(input: unknown): { request: TrainingJobRequest } {
  const { request } = parseTrainingJobRequest(input);
  compileMetricDefinitions(request.AlgorithmSpecification.MetricDefinitions);
  checkChannelModes(request);
  return { request };
}

/** The check a request gets before it is stored: this machine's, or, when its jobs run on workers, any machine's. */
export function checkRequestFor(input: unknown, settings: JobSettings): { request: TrainingJobRequest } {
  return settings.queue ? checkRequestAnywhere(input) : prepareTrainingJob(input, settings);
}

export function prepareTrainingJob(input: unknown, settings: JobSettings): PreparedJob {
  const { request, notices } = parseTrainingJobRequest(input);
  compileMetricDefinitions(request.AlgorithmSpecification.MetricDefinitions);
  const modes = checkChannelModes(request);
  const stores = objectStoresFor(settings);
  /** The file a URI is on this machine, or undefined when it lives on S3; a URI that cannot be one names its field. */
  const local = (uri: string, field: string) => {
    try {
      return stores.for(uri, field).localPath?.(uri);
    } catch (error) {
      if (error instanceof ValidationError && error.field === "uri") {
        throw new ValidationError(field, error.message.replace(/^uri: /, ""), error.code);
      }
      throw error;
    }
  };

  for (const [i, channel] of (request.InputDataConfig ?? []).entries()) {
    const field = `InputDataConfig[${i}].DataSource.S3DataSource.S3Uri`;
    const path = local(channel.DataSource.S3DataSource.S3Uri, field);
    if (path !== undefined && !existsSync(path)) {
      throw new ValidationError(field, `${path} does not exist`, "E_CHANNEL_NOT_FOUND");
    }
  }

  let source: string | undefined;
  /** The source as a file here (undefined for an S3 bundle): what tells a Python program apart. */
  let sourcePath: string | undefined;
  if (!request.AlgorithmSpecification.ContainerEntrypoint) {
    const field = "HyperParameters.sagemaker_submit_directory";
    source = frameworkSetting(request, "sagemaker_submit_directory");
    if (source === undefined) {
      throw new ValidationError(
        field,
        "script mode needs the directory (or .tar.gz) holding sagemaker_program",
        "E_REQUEST_INVALID",
      );
    }
    const path = local(source, field);
    sourcePath = path;
    if (path !== undefined) {
      if (!existsSync(path)) throw new ValidationError(field, `${path} does not exist`, "E_SOURCE_NOT_FOUND");
      const program = frameworkSetting(request, "sagemaker_program") as string;
      if (statSync(path).isDirectory() && !existsSync(join(path, program))) {
        throw new ValidationError("HyperParameters.sagemaker_program", `${program} is not in ${path}`, "E_ENTRY_POINT");
      }
    }
  }

  if (runsPython(request, sourcePath)) checkPython(settings.python);
  local(request.OutputDataConfig.S3OutputPath, "OutputDataConfig.S3OutputPath");
  let checkpoint: PreparedJob["checkpoint"];
  if (request.CheckpointConfig) {
    const localPath = request.CheckpointConfig.LocalPath ?? `${CONTAINER_ML}/checkpoints`;
    if (!(localPath === CONTAINER_ML || localPath.startsWith(`${CONTAINER_ML}/`))) {
      throw new ValidationError(
        "CheckpointConfig.LocalPath",
        `must be under ${CONTAINER_ML} (each job's ${CONTAINER_ML} is private), got ${localPath}`,
        "E_REQUEST_INVALID",
      );
    }
    local(request.CheckpointConfig.S3Uri, "CheckpointConfig.S3Uri");
    checkpoint = { uri: request.CheckpointConfig.S3Uri, relative: localPath.slice(CONTAINER_ML.length + 1) || "." };
  }
  stores.close();
  return { request, notices: [...notices, ...modes.notices], source, checkpoint };
}
