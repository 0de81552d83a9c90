import { basename } from "node:path";
import type { TrainingJobRequest } from "../config/training-job-request.js";
import { TunekitError } from "../errors.js";
import { createRng } from "../random.js";
import { type ChannelMode, type ChannelRequest, checkChannelModes } from "./channel-modes.js";
import { channelPath, checkDistinctPaths } from "./channel-paths.js";
import { readManifest } from "./manifest.js";
import { mapLimit } from "./map-limit.js";
import type { ObjectSummary } from "./object-store.js";
import type { ObjectStores } from "./object-stores.js";

/** One object of a channel and where it goes under the channel directory. */
export interface ChannelObject extends ObjectSummary {
  /** Relative to /opt/ml/input/data/<channel>; checked to stay inside it. */
  readonly path: string;
}

/** A channel resolved to the exact object versions this host reads: materialising it downloads nothing else. */
export interface ChannelPlan extends ChannelMode {
  readonly name: string;
  readonly uri: string;
  readonly objects: readonly ChannelObject[];
  readonly bytes: number;
}

/** Which of a job's InstanceCount hosts this is (0-based), for ShardedByS3Key. */
export interface ChannelHost {
  readonly index: number;
  readonly count: number;
}

export const SINGLE_HOST: ChannelHost = { index: 0, count: 1 };

/**
 * Resolves every channel of a request to its objects (prepare step): checks
 * the modes, lists prefixes or reads manifests, shards, and checks that every
 * key has a safe, distinct path. Raises with the channel's field on a
 * missing bucket or key, an empty channel or an unsafe key.
 */
export async function resolveChannels(
  request: Pick<TrainingJobRequest, "InputDataConfig" | "AlgorithmSpecification">,
  stores: ObjectStores,
  host: ChannelHost = SINGLE_HOST,
): Promise<{ channels: ChannelPlan[]; notices: string[] }> {
  const { modes, notices } = checkChannelModes(request);
  const channels: ChannelPlan[] = [];
  for (const [i, channel] of (request.InputDataConfig ?? []).entries()) {
    channels.push(await resolveChannel(channel, modes[i] as ChannelMode, `InputDataConfig[${i}]`, stores, host));
  }
  return { channels, notices };
}

async function resolveChannel(
  channel: ChannelRequest,
  mode: ChannelMode,
  field: string,
  stores: ObjectStores,
  host: ChannelHost,
): Promise<ChannelPlan> {
  const uri = channel.DataSource.S3DataSource.S3Uri;
  const uriField = `${field}.DataSource.S3DataSource.S3Uri`;
  const all =
    mode.dataType === "ManifestFile"
      ? await manifestObjects(uri, uriField, stores)
      : await prefixObjects(uri, uriField, stores);
  if (all.length === 0) {
    throw new TunekitError(
      "E_CHANNEL_EMPTY",
      `${uriField}: no objects found under ${uri} for channel ${channel.ChannelName}; check the bucket, the prefix and the credentials' permissions`,
      { field: uriField },
    );
  }
  const objects = mode.distribution === "ShardedByS3Key" ? shard(all, host, channel.ShuffleConfig?.Seed) : all;
  checkDistinctPaths(objects, uriField);
  return {
    ...mode,
    name: channel.ChannelName,
    uri,
    objects,
    bytes: objects.reduce((sum, o) => sum + o.size, 0),
  };
}

/**
 * Every object under a key prefix, at its key less the prefix (leading "/"
 * dropped), as the SageMaker SDK's local mode lays them out; a prefix that
 * names one object exactly is that object alone, at its base name.
 */
async function prefixObjects(uri: string, field: string, stores: ObjectStores): Promise<ChannelObject[]> {
  const listed = await stores.for(uri, field).list(uri);
  const exact = uri.endsWith("/") ? undefined : listed.find((o) => o.uri === uri);
  if (exact) return [{ ...exact, path: basename(uri) }];
  return listed.map((o) => ({ ...o, path: channelPath(o.uri.slice(uri.length).replace(/^\/+/, ""), o.uri, field) }));
}

/** The manifest's objects (each must exist), at their suffixes. */
async function manifestObjects(uri: string, field: string, stores: ObjectStores): Promise<ChannelObject[]> {
  const manifest = await readManifest(stores, uri, field);
  const objects = await mapLimit(manifest.suffixes, 8, async (suffix) => {
    const objectUri = manifest.prefix + suffix;
    const path = channelPath(suffix, objectUri, field);
    const head = await stores.for(objectUri, field).head(objectUri);
    return { uri: objectUri, size: head.size, etag: head.etag, path };
  });
  return objects.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
}

/**
 * Host `index` of `count` takes every count-th object of the key-sorted list
 * (shuffled first with ShuffleConfig.Seed when given): every host gets about
 * 1/count of the objects, no object goes to two hosts, and the split depends
 * only on the keys and the seed.
 */
function shard(objects: readonly ChannelObject[], host: ChannelHost, seed: number | undefined): ChannelObject[] {
  const order = [...objects];
  if (seed !== undefined) {
    const rng = createRng(seed, "ShardedByS3Key");
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j] as ChannelObject, order[i] as ChannelObject];
    }
  }
  return order.filter((_, i) => i % host.count === host.index);
}
