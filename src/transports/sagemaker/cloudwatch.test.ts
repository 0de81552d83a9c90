import { cbor } from "@smithy/core/cbor";
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../store/index.js";
import { createApp } from "../http/app.js";
import { cloudWatchLogs, logStreamName } from "./cloudwatch-logs.js";
import { cloudWatchMetrics } from "./cloudwatch-metrics.js";
import { sigV4 } from "./sigv4.js";

/** A training job with a log of five lines and three metric points, in a memory store. */
async function storeWithJob() {
  const store = new MemoryStore();
  const job = await store.createTrainingJob({ name: "job", hyperparameters: {}, now: 1_000_000 });
  await store.appendLog("job", 0, "one\ntwo\nthree\n", 1_001_000);
  await store.appendLog("job", 0, "four\nfive\n", 1_002_000);
  await store.appendMetricPoints("job", 0, [
    { metricName: "loss", value: 3, timestamp: 1_001_000 },
    { metricName: "loss", value: 1, timestamp: 1_002_000 },
    { metricName: "loss", value: 2, timestamp: 1_070_000 },
  ]);
  return { store, stream: logStreamName(job) };
}

describe("CloudWatch Logs over the store's log", () => {
  it("pages forward from the head and backward from the end, a token at the end answering itself", async () => {
    const { store, stream } = await storeWithJob();
    const logs = cloudWatchLogs(store).operations;
    const base = { logGroupName: "/aws/sagemaker/TrainingJobs", logStreamName: stream, limit: 2 };
    const first = (await logs.GetLogEvents?.({ ...base, startFromHead: true })) as {
      events: { message: string }[];
      nextForwardToken: string;
    };
    expect(first.events.map((e) => e.message)).toEqual(["one", "two"]);
    const messages = [...first.events.map((e) => e.message)];
    let token = first.nextForwardToken;
    for (;;) {
      const page = (await logs.GetLogEvents?.({ ...base, nextToken: token })) as typeof first;
      messages.push(...page.events.map((e) => e.message));
      if (page.nextForwardToken === token) break;
      token = page.nextForwardToken;
    }
    expect(messages).toEqual(["one", "two", "three", "four", "five"]);
    const newest = (await logs.GetLogEvents?.(base)) as typeof first & { nextBackwardToken: string };
    expect(newest.events.map((e) => e.message)).toEqual(["four", "five"]);
    const before = (await logs.GetLogEvents?.({ ...base, nextToken: newest.nextBackwardToken })) as typeof first;
    expect(before.events.map((e) => e.message)).toEqual(["two", "three"]);
    await expect(logs.GetLogEvents?.({ ...base, logStreamName: "job/algo-1-5" })).rejects.toMatchObject({
      type: "ResourceNotFoundException",
    });
  });
});

describe("CloudWatch metrics over the metric points", () => {
  it("aggregates a job's points by period from StartTime, by Host or TrainingJobName", async () => {
    const { store } = await storeWithJob();
    const get = cloudWatchMetrics(store).operations.GetMetricStatistics;
    for (const dimension of [
      { Name: "Host", Value: "job/algo-1" },
      { Name: "TrainingJobName", Value: "job" },
    ]) {
      const answer = await get?.({
        Namespace: "/aws/sagemaker/TrainingJobs",
        MetricName: "loss",
        Dimensions: [dimension],
        StartTime: 1000,
        EndTime: 2000,
        Period: 60,
        Statistics: ["Average", "Maximum", "SampleCount"],
      });
      expect(answer).toEqual({
        Label: "loss",
        Datapoints: [
          { Timestamp: new Date(1_000_000), Average: 2, Maximum: 3, SampleCount: 2, Unit: "None" },
          { Timestamp: new Date(1_060_000), Average: 2, Maximum: 2, SampleCount: 1, Unit: "None" },
        ],
      });
    }
  });

  it("answers RPC v2 CBOR, errors included, as botocore sends CloudWatch requests", async () => {
    const { store } = await storeWithJob();
    const app = createApp({
      store,
      aws: { authenticate: sigV4({ keys: new Map() }), settings: {} as never, services: [cloudWatchMetrics(store)] },
    });
    const headers = {
      "smithy-protocol": "rpc-v2-cbor",
      "content-type": "application/cbor",
      "x-amz-date": "20261201T120000Z",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/monitoring/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
    };
    const call = (operation: string, body: object) =>
      app.request(`http://127.0.0.1/service/GraniteServiceVersion20100801/operation/${operation}`, {
        method: "POST",
        headers,
        body: new Uint8Array(cbor.serialize(body)),
      });
    const ok = await call("GetMetricStatistics", {
      Namespace: "/aws/sagemaker/TrainingJobs",
      MetricName: "loss",
      Dimensions: [{ Name: "TrainingJobName", Value: "job" }],
      StartTime: 1000,
      EndTime: 2000,
      Period: 3600,
      Statistics: ["Minimum"],
    });
    expect(ok.headers.get("smithy-protocol")).toBe("rpc-v2-cbor");
    const decoded = cbor.deserialize(new Uint8Array(await ok.arrayBuffer())) as {
      Datapoints: { Minimum: number; Timestamp: { tag: number; value: number } }[];
    };
    expect(decoded.Datapoints).toMatchObject([{ Minimum: 1, Timestamp: { tag: 1, value: 1000 } }]);
    const unknown = await call("PutMetricAlarm", {});
    expect(unknown.status).toBe(400);
    expect(cbor.deserialize(new Uint8Array(await unknown.arrayBuffer()))).toMatchObject({
      __type: "UnknownOperationException",
    });
  });
});
