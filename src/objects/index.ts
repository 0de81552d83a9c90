// Where a training job's bytes live: S3 or local directories, behind one ObjectStore seam.
export { type ChannelMode, checkChannelModes } from "./channel-modes.js";
export {
  type ChannelHost,
  type ChannelObject,
  type ChannelPlan,
  resolveChannels,
  SINGLE_HOST,
} from "./channel-plan.js";
export { CheckpointSync, type CheckpointSyncOptions } from "./checkpoint-sync.js";
export { DownloadCache } from "./download-cache.js";
export { ObjectErrorCode, ObjectStoreError } from "./errors.js";
export {
  type JobOutputLocations,
  jobOutputLocations,
  type UploadJobOutputsOptions,
  uploadJobOutputs,
} from "./job-outputs.js";
export { type DirectoryMapping, LocalObjectStore } from "./local-object-store.js";
export { type MaterializeOptions, materializeChannel } from "./materialize-channel.js";
export type {
  DownloadOptions,
  DownloadResult,
  ObjectHead,
  ObjectStore,
  ObjectSummary,
  UploadOptions,
} from "./object-store.js";
export { ObjectStores, type ObjectStoresOptions } from "./object-stores.js";
export { S3ObjectStore } from "./s3-object-store.js";
export { S3_DEFAULTS, type S3Settings } from "./s3-settings.js";
export { directoryDigest, fetchSource, packSourceBundle } from "./source-bundle.js";
