import { Readable } from "node:stream";
import { expect, it } from "vitest";
import { systemClock } from "../clock.js";
import { type Fence, MemoryStore } from "../store/index.js";
import { JobOutput } from "./job-output.js";

it("keeps what it could not write while the store was away, and writes it with the next flush: nothing lost", async () => {
  const store = new MemoryStore();
  await store.createTrainingJob({ name: "job", hyperparameters: {}, now: 1 });
  const fence = (await store.acquireLease({ kind: "training-job", name: "job", owner: "me", ttlMs: 60_000 })) as Fence;
  // The store refuses the first write of points and of log text (a restart under way), then answers again.
  let down = true;
  const appendMetricPoints = store.appendMetricPoints.bind(store);
  const appendLog = store.appendLog.bind(store);
  store.appendMetricPoints = async (...args) => {
    if (down) throw new Error("connection terminated");
    return appendMetricPoints(...args);
  };
  store.appendLog = async (...args) => {
    if (down) throw new Error("connection terminated");
    return appendLog(...args);
  };
  const output = new JobOutput({
    store,
    name: "job",
    fence,
    attempt: 0,
    capBytes: 1 << 20,
    definitions: [{ Name: "loss", Regex: "loss=([0-9.]+)" }],
    clock: systemClock,
  });
  await output.capture.attach(Readable.from(["epoch 1 loss=0.5\n", "epoch 2 loss=0.4\n"]));
  await expect(output.flush()).rejects.toThrow(/connection terminated/);
  await output.capture.attach(Readable.from(["epoch 3 loss=0.3\n"]));
  down = false;
  await output.flush();
  const points = await store.listMetricPoints("job", { metricName: "loss" });
  expect(points.map((p) => p.value)).toEqual([0.5, 0.4, 0.3]);
  const log = (await store.readLog("job")).map((c) => c.text).join("");
  expect(log).toBe("epoch 1 loss=0.5\nepoch 2 loss=0.4\nepoch 3 loss=0.3\n");
  await output.close();
});
