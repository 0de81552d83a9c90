import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  CheckpointSync,
  type DownloadCache,
  fetchSource,
  materializeChannel,
  type ObjectStores,
  resolveChannels,
} from "../objects/index.js";
import { inputDataConfig, resourceConfig } from "./environment.js";
import { packDirectory, unpackSource } from "./files.js";
import { JobLayout } from "./job-layout.js";
import type { PreparedJob } from "./prepare.js";

/** Where a running job's bytes come from and go to: its object stores and this machine's download cache. */
export interface JobObjects {
  readonly stores: ObjectStores;
  readonly cache: DownloadCache;
  /** The job's checkpoints in CheckpointConfig.S3Uri, when it has any. */
  readonly checkpoints: CheckpointSync | undefined;
}

/** The checkpoint sync of a job's /opt/ml (undefined without a CheckpointConfig). */
export function checkpointSync(layout: JobLayout, job: PreparedJob, stores: ObjectStores): CheckpointSync | undefined {
  if (!job.checkpoint) return undefined;
  const kmsKeyId = job.request.OutputDataConfig.KmsKeyId;
  return new CheckpointSync({
    stores,
    uri: job.checkpoint.uri,
    dir: join(layout.ml, job.checkpoint.relative),
    ...(kmsKeyId ? { kmsKeyId } : {}),
  });
}

/**
 * A fresh /opt/ml for one attempt: the contract's directories and its three
 * configuration files. Nothing of an earlier attempt survives but what the
 * checkpoint store gives back.
 */
export function layOutAttempt(layout: JobLayout, job: PreparedJob): void {
  const paths = JobLayout.paths(layout.ml);
  rmSync(layout.ml, { recursive: true, force: true });
  for (const dir of [
    paths.inputConfig,
    paths.inputData,
    paths.model,
    paths.outputData,
    paths.outputIntermediate,
    paths.checkpoints,
    paths.code,
  ]) {
    mkdirSync(dir, { recursive: true });
  }
  const { request } = job;
  writeFileSync(join(paths.inputConfig, "hyperparameters.json"), JSON.stringify(request.HyperParameters));
  writeFileSync(join(paths.inputConfig, "inputdataconfig.json"), JSON.stringify(inputDataConfig(request)));
  writeFileSync(join(paths.inputConfig, "resourceconfig.json"), JSON.stringify(resourceConfig(request)));
}

/**
 * The channels (each object downloaded once per machine through the cache, or copied from a local directory),
 * the code and the last checkpoint, into the attempt's /opt/ml. A missing bucket or key, refused access or an
 * unreachable endpoint throws a typed error naming the URI.
 */
export async function materialiseInputs(layout: JobLayout, job: PreparedJob, objects: JobObjects): Promise<void> {
  const paths = JobLayout.paths(layout.ml);
  const { channels } = await resolveChannels(job.request, objects.stores);
  for (const plan of channels) {
    const dest = paths.channel(plan.name);
    rmSync(dest, { recursive: true, force: true });
    await materializeChannel(plan, dest, { stores: objects.stores, cache: objects.cache });
  }
  if (job.source) {
    const local = objects.stores.for(job.source, "HyperParameters.sagemaker_submit_directory").localPath?.(job.source);
    // A local directory is copied as it is (leaving out tunekit's own home, should it lie inside).
    if (local !== undefined && statSync(local).isDirectory()) await unpackSource(local, paths.code);
    else await fetchSource(job.source, paths.code, { stores: objects.stores, cache: objects.cache });
  }
  await objects.checkpoints?.restore();
}

/** model/ and output/data/ packed as model.tar.gz and output.tar.gz beside the job's /opt/ml, for upload. */
export async function packArtifacts(layout: JobLayout): Promise<{ modelFile: string; outputFile: string }> {
  const paths = JobLayout.paths(layout.ml);
  const modelFile = join(layout.root, "model.tar.gz");
  const outputFile = join(layout.root, "output.tar.gz");
  await packDirectory(paths.model, modelFile);
  await packDirectory(paths.outputData, outputFile);
  return { modelFile, outputFile };
}
