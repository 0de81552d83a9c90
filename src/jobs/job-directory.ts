import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inputDataConfig, resourceConfig } from "./environment.js";
import { copyInto, mirror, packDirectory, unpackSource } from "./files.js";
import { JobLayout } from "./job-layout.js";
import type { PreparedJob } from "./prepare.js";

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

/** The channels, the code and the last checkpoint, into the attempt's /opt/ml. */
export async function materialiseInputs(layout: JobLayout, job: PreparedJob): Promise<void> {
  const paths = JobLayout.paths(layout.ml);
  for (const channel of job.channels) copyInto(channel.source, paths.channel(channel.name));
  if (job.source) await unpackSource(job.source, paths.code);
  if (job.checkpoint) mirror(job.checkpoint.store, join(layout.ml, job.checkpoint.relative));
}

/** After an attempt: its checkpoints go to the checkpoint store, for the next attempt to start from. */
export function saveCheckpoints(layout: JobLayout, job: PreparedJob): void {
  if (job.checkpoint) mirror(join(layout.ml, job.checkpoint.relative), job.checkpoint.store);
}

/** model/ and output/data/ as model.tar.gz and output.tar.gz under S3OutputPath/<job>/output; returns the model's path. */
export async function packArtifacts(layout: JobLayout, job: PreparedJob): Promise<string> {
  const paths = JobLayout.paths(layout.ml);
  const model = join(job.outputDir, "model.tar.gz");
  await packDirectory(paths.model, model);
  await packDirectory(paths.outputData, join(job.outputDir, "output.tar.gz"));
  return model;
}
