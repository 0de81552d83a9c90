import type { ObjectStores } from "./object-stores.js";
import { joinUri } from "./object-uri.js";

/** Where a training job's artifacts go: `{S3OutputPath}/{TrainingJobName}/output/`, as in SageMaker. */
export interface JobOutputLocations {
  /** ModelArtifacts.S3ModelArtifacts. */
  readonly model: string;
  readonly outputData: string;
}

export function jobOutputLocations(s3OutputPath: string, jobName: string): JobOutputLocations {
  return {
    model: joinUri(s3OutputPath, jobName, "output", "model.tar.gz"),
    outputData: joinUri(s3OutputPath, jobName, "output", "output.tar.gz"),
  };
}

export interface UploadJobOutputsOptions {
  readonly stores: ObjectStores;
  /** OutputDataConfig.S3OutputPath. */
  readonly s3OutputPath: string;
  readonly jobName: string;
  /** The packed /opt/ml/model. */
  readonly modelFile: string;
  /** The packed /opt/ml/output/data. */
  readonly outputFile: string;
  /** OutputDataConfig.KmsKeyId: server-side encryption of both objects. */
  readonly kmsKeyId?: string;
  readonly signal?: AbortSignal;
}

/**
 * Uploads a finished job's output.tar.gz, then its model.tar.gz (large ones
 * in parts), and returns where they are only once both are complete. Each
 * object appears only whole (see ObjectStore.upload); a failed or aborted
 * upload throws, so the caller fails the job instead of reporting a model
 * that is not there. model.tar.gz goes last: if it exists, so does the rest.
 */
export async function uploadJobOutputs(options: UploadJobOutputsOptions): Promise<JobOutputLocations> {
  const locations = jobOutputLocations(options.s3OutputPath, options.jobName);
  const field = "OutputDataConfig.S3OutputPath";
  const upload = { kmsKeyId: options.kmsKeyId, signal: options.signal };
  await options.stores.for(locations.outputData, field).upload(options.outputFile, locations.outputData, upload);
  await options.stores.for(locations.model, field).upload(options.modelFile, locations.model, upload);
  return locations;
}
