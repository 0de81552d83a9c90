import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type S3TestServer, startS3rver } from "../../test/support/s3-servers.js";
import type { TrainingJobRequest } from "../config/training-job-request.js";
import { type ChannelPlan, resolveChannels } from "./channel-plan.js";
import { DownloadCache } from "./download-cache.js";
import { materializeChannel } from "./materialize-channel.js";
import { ObjectStores } from "./object-stores.js";

type Request = Pick<TrainingJobRequest, "InputDataConfig" | "AlgorithmSpecification">;
type Channel = NonNullable<TrainingJobRequest["InputDataConfig"]>[number];
type Source = Channel["DataSource"]["S3DataSource"];

function request(channels: Partial<Channel & { source: Partial<Source> }>[], inputMode?: "File" | "Pipe" | "FastFile") {
  return {
    AlgorithmSpecification: { TrainingInputMode: inputMode ?? "File", MetricDefinitions: [] },
    InputDataConfig: channels.map(({ source, ...rest }, i) => ({
      ChannelName: `ch${i}`,
      DataSource: { S3DataSource: { S3Uri: "s3://data/none", ...source } },
      ...rest,
    })),
  } as Request;
}

describe("channels", () => {
  let server: S3TestServer;
  let stores: ObjectStores;
  let scratch: string;
  const files = (dir: string) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
      .sort();
  const only = async (req: Request) => (await resolveChannels(req, stores)).channels[0] as ChannelPlan;
  const paths = (plan: ChannelPlan) => plan.objects.map((o) => o.path);

  beforeAll(async () => {
    server = await startS3rver();
    await server.createBucket("data");
    for (const key of ["glue/MRPC/train.tsv", "glue/MRPC/dev.tsv", "glue/MRPC/cache/features.bin", "glue/MRPC/"]) {
      await server.put(`s3://data/${key}`, key.endsWith("/") ? "" : `contents of ${key}`);
    }
    for (let i = 0; i < 10; i++) await server.put(`s3://data/shards/part-${i}.csv`, `${i}\n`);
    await server.put("s3://data/clash/a", "a file");
    await server.put("s3://data/clash/a/b", "under a");
    stores = new ObjectStores({ s3: server.settings });
    scratch = mkdtempSync(join(tmpdir(), "tunekit-channels-"));
  }, 60_000);
  afterAll(async () => {
    stores.close();
    await server.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("lays out an S3Prefix channel at keys relative to the prefix, folder markers left out", async () => {
    const plan = await only(request([{ source: { S3Uri: "s3://data/glue/MRPC" } }]));
    expect(plan).toMatchObject({ inputMode: "File", dataType: "S3Prefix", distribution: "FullyReplicated" });
    expect(paths(plan)).toEqual(["cache/features.bin", "dev.tsv", "train.tsv"]);
    expect(plan.bytes).toBe(plan.objects.reduce((n, o) => n + o.size, 0));
    const slash = await only(request([{ source: { S3Uri: "s3://data/glue/MRPC/" } }]));
    expect(paths(slash)).toEqual(paths(plan));
  });

  it("lays out a prefix that names one object at that object's name", async () => {
    const plan = await only(request([{ source: { S3Uri: "s3://data/glue/MRPC/train.tsv" } }]));
    expect(plan.objects.map((o) => [o.path, o.uri])).toEqual([["train.tsv", "s3://data/glue/MRPC/train.tsv"]]);
  });

  it("materialises a channel with and without the cache, and never half of one", async () => {
    const plan = await only(request([{ source: { S3Uri: "s3://data/glue/MRPC" } }]));
    const cache = new DownloadCache(join(scratch, "cache"));
    for (const [name, options] of [
      ["direct", { stores }],
      ["cached", { stores, cache }],
    ] as const) {
      const dest = join(scratch, name, "input", "data", "training");
      mkdirSync(dest, { recursive: true });
      expect(await materializeChannel(plan, dest, options)).toEqual({ files: 3, bytes: plan.bytes });
      expect(files(dest)).toEqual(["cache/features.bin", "dev.tsv", "train.tsv"]);
      expect(readFileSync(join(dest, "cache/features.bin"), "utf8")).toBe("contents of glue/MRPC/cache/features.bin");
    }

    await server.put("s3://data/vanishing/a.txt", "a");
    await server.put("s3://data/vanishing/b.txt", "b");
    const vanishing = await only(request([{ source: { S3Uri: "s3://data/vanishing/" } }]));
    await stores.for("s3://data/vanishing/b.txt").delete("s3://data/vanishing/b.txt");
    const dest = join(scratch, "half", "training");
    await expect(materializeChannel(vanishing, dest, { stores, cache })).rejects.toMatchObject({
      code: "E_OBJECT_NOT_FOUND",
      uri: "s3://data/vanishing/b.txt",
    });
    expect(readdirSync(join(scratch, "half"))).toEqual([]);
  });

  it("reads a ManifestFile channel: prefix plus relative paths, each object checked", async () => {
    const manifest = ["s3://data/glue/", "MRPC/train.tsv", "MRPC/cache/features.bin"];
    await server.put("s3://data/manifests/ok.json", JSON.stringify([{ prefix: manifest[0] }, ...manifest.slice(1)]));
    const plan = await only(
      request([{ source: { S3Uri: "s3://data/manifests/ok.json", S3DataType: "ManifestFile" } }]),
    );
    expect(plan.objects.map((o) => [o.path, o.uri])).toEqual([
      ["MRPC/cache/features.bin", "s3://data/glue/MRPC/cache/features.bin"],
      ["MRPC/train.tsv", "s3://data/glue/MRPC/train.tsv"],
    ]);
    const dest = join(scratch, "manifest-channel");
    await materializeChannel(plan, dest, { stores });
    expect(files(dest)).toEqual(["MRPC/cache/features.bin", "MRPC/train.tsv"]);

    const cases: [unknown, string][] = [
      [[{ prefix: "s3://data/glue/" }, "MRPC/missing.tsv"], "E_OBJECT_NOT_FOUND"],
      [[{ prefix: "s3://data/glue/" }, "../escape.txt"], "E_CHANNEL_KEY"],
      [[{ prefix: "s3://data/glue/" }, "/etc/passwd"], "E_CHANNEL_KEY"],
      [["s3://data/glue/", "MRPC/train.tsv"], "E_MANIFEST_INVALID"],
      [{ prefix: "s3://data/glue/" }, "E_MANIFEST_INVALID"],
    ];
    for (const [body, code] of cases) {
      await server.put("s3://data/manifests/bad.json", JSON.stringify(body));
      const req = request([{ source: { S3Uri: "s3://data/manifests/bad.json", S3DataType: "ManifestFile" } }]);
      await expect(resolveChannels(req, stores)).rejects.toMatchObject({ code });
    }
  });

  it("shards by key: every object to exactly one host, the same split every time", async () => {
    const req = (seed?: number) =>
      request([
        {
          source: { S3Uri: "s3://data/shards/", S3DataDistributionType: "ShardedByS3Key" },
          ...(seed === undefined ? {} : { ShuffleConfig: { Seed: seed } }),
        },
      ]);
    for (const seed of [undefined, 7]) {
      const hosts = await Promise.all(
        [0, 1, 2].map(async (index) =>
          paths((await resolveChannels(req(seed), stores, { index, count: 3 })).channels[0] as ChannelPlan),
        ),
      );
      expect(hosts.map((h) => h.length)).toEqual([4, 3, 3]);
      expect(hosts.flat().sort()).toEqual(Array.from({ length: 10 }, (_, i) => `part-${i}.csv`));
      const again = (await resolveChannels(req(seed), stores, { index: 1, count: 3 })).channels[0] as ChannelPlan;
      expect(paths(again)).toEqual(hosts[1]);
    }
    expect(paths(await only(req()))).toHaveLength(10);
    const plain = (await resolveChannels(req(), stores, { index: 0, count: 3 })).channels[0] as ChannelPlan;
    const shuffled = (await resolveChannels(req(7), stores, { index: 0, count: 3 })).channels[0] as ChannelPlan;
    expect(paths(shuffled)).not.toEqual(paths(plain));
  });

  it("refuses keys that would collide on disk, empty channels and missing buckets, naming the field", async () => {
    await expect(only(request([{ source: { S3Uri: "s3://data/clash/" } }]))).rejects.toMatchObject({
      code: "E_CHANNEL_KEY",
      field: "InputDataConfig[0].DataSource.S3DataSource.S3Uri",
    });
    await expect(only(request([{ source: { S3Uri: "s3://data/nothing/here" } }]))).rejects.toMatchObject({
      code: "E_CHANNEL_EMPTY",
      message: expect.stringContaining("s3://data/nothing/here"),
    });
    await expect(only(request([{ source: { S3Uri: "s3://no-such-bucket/x/" } }]))).rejects.toMatchObject({
      code: "E_OBJECT_BUCKET_NOT_FOUND",
      uri: "s3://no-such-bucket/x/",
    });
  });

  it("answers the input modes and options that need Pipe with the field and what to use", async () => {
    const refused: [Request, string, RegExp][] = [
      [request([{}], "Pipe"), "AlgorithmSpecification.TrainingInputMode", /use File .* or FastFile/],
      [request([{ InputMode: "Pipe" }]), "InputDataConfig[0].InputMode", /named pipe/],
      [request([{ CompressionType: "Gzip" }]), "InputDataConfig[0].CompressionType", /only in Pipe input mode/],
      [request([{ RecordWrapperType: "RecordIO" }]), "InputDataConfig[0].RecordWrapperType", /Pipe/],
      [
        request([{ source: { S3DataType: "AugmentedManifestFile" } }]),
        "InputDataConfig[0].DataSource.S3DataSource.S3DataType",
        /use ManifestFile or S3Prefix/,
      ],
    ];
    for (const [req, field, message] of refused) {
      const error = await resolveChannels(req, stores).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "E_REQUEST_INVALID", field });
      expect((error as Error).message).toMatch(message);
    }
    const fast = await resolveChannels(request([{ source: { S3Uri: "s3://data/glue/MRPC/" } }], "FastFile"), stores);
    expect(fast.channels[0]?.inputMode).toBe("FastFile");
    expect(fast.notices).toEqual([
      expect.stringMatching(/FastFile: channel ch0 is downloaded before the script starts/),
    ]);
    const mixed = await resolveChannels(
      request([{ InputMode: "File", source: { S3Uri: "s3://data/glue/MRPC/" } }], "Pipe"),
      stores,
    );
    expect(mixed.channels[0]?.inputMode).toBe("File");
  });

  it("reads a mapped prefix from its local directory, copying files", async () => {
    const dir = join(scratch, "local-data");
    mkdirSync(join(dir, "MRPC"), { recursive: true });
    writeFileSync(join(dir, "MRPC", "train.tsv"), "local rows\n");
    const local = new ObjectStores({ s3Map: [{ prefix: "s3://my-bucket/glue", dir }], s3: server.settings });
    const plan = (await resolveChannels(request([{ source: { S3Uri: "s3://my-bucket/glue/MRPC" } }]), local))
      .channels[0] as ChannelPlan;
    const dest = join(scratch, "local-channel");
    await materializeChannel(plan, dest, { stores: local, cache: new DownloadCache(join(scratch, "unused-cache")) });
    expect(readFileSync(join(dest, "train.tsv"), "utf8")).toBe("local rows\n");
    expect(existsSync(join(scratch, "unused-cache"))).toBe(false);
  });
});
