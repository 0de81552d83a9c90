import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Lease } from "./records.js";
import type { Store } from "./store.js";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The behaviour every Store must have. Each implementation's test file calls
 * this with a factory for a fresh, empty store.
 */
export function storeContract(label: string, open: () => Store | Promise<Store>): void {
  describe(`Store contract: ${label}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(() => store.close());

    const study = (name = "study-a", now = 1000) =>
      store.createTuningJob({ name, kind: "study", config: { ranges: { x: 1 } }, seed: 7, now });

    describe("tuning jobs", () => {
      it("creates, reads back and lists newest first", async () => {
        const created = await study("first", 1);
        await study("second", 2);
        expect(created).toMatchObject({ name: "first", status: "InProgress", trialCount: 0, seed: 7, endedAt: null });
        expect((await store.getTuningJob("first"))?.config).toEqual({ ranges: { x: 1 } });
        expect((await store.listTuningJobs()).map((j) => j.name)).toEqual(["second", "first"]);
        expect((await store.listTuningJobs({ limit: 1, offset: 1 })).map((j) => j.name)).toEqual(["first"]);
      });

      it("treats names case-insensitively and refuses duplicates", async () => {
        await study("Tune-1");
        expect((await store.getTuningJob("tune-1"))?.name).toBe("Tune-1");
        await expect(study("TUNE-1")).rejects.toMatchObject({ code: "E_STORE_ALREADY_EXISTS" });
        expect(await store.listTuningJobs()).toHaveLength(1);
      });

      it("moves status by compare-and-set", async () => {
        await study();
        const stopped = await store.updateTuningJob(
          "study-a",
          { status: "Stopped", endedAt: 5, now: 5 },
          { from: ["InProgress"] },
        );
        expect(stopped).toMatchObject({ status: "Stopped", endedAt: 5, updatedAt: 5 });
        expect(
          await store.updateTuningJob("study-a", { status: "Completed", now: 6 }, { from: ["InProgress"] }),
        ).toBeUndefined();
        expect((await store.getTuningJob("study-a"))?.status).toBe("Stopped");
        expect(await store.listTuningJobs({ status: "Stopped" })).toHaveLength(1);
        await expect(store.updateTuningJob("missing", { now: 1 })).rejects.toMatchObject({ code: "E_STORE_NOT_FOUND" });
      });

      it("hands out copies that cannot change the store", async () => {
        const record = await study();
        (record.config as { ranges: { x: number } }).ranges.x = 99;
        expect((await store.getTuningJob("study-a"))?.config).toEqual({ ranges: { x: 1 } });
      });
    });

    describe("training jobs", () => {
      it("allocates trial indices in order and refuses a taken or skipped one", async () => {
        await study();
        await store.createTrainingJob({
          name: "t-0",
          tuningJobName: "study-a",
          trialIndex: 0,
          hyperparameters: { x: 1 },
          now: 1,
        });
        expect((await store.getTuningJob("study-a"))?.trialCount).toBe(1);
        for (const trialIndex of [0, 2]) {
          await expect(
            store.createTrainingJob({ name: "t-x", tuningJobName: "study-a", trialIndex, hyperparameters: {}, now: 2 }),
          ).rejects.toMatchObject({ code: "E_STORE_CONFLICT" });
        }
        expect(await store.getTrainingJob("t-x")).toBeUndefined();
        expect((await store.getTuningJob("study-a"))?.trialCount).toBe(1);
      });

      it("refuses a duplicate name or an unknown tuning job without side effects", async () => {
        await study();
        await store.createTrainingJob({ name: "job", hyperparameters: {}, now: 1 });
        await expect(store.createTrainingJob({ name: "JOB", hyperparameters: {}, now: 1 })).rejects.toMatchObject({
          code: "E_STORE_ALREADY_EXISTS",
        });
        await expect(
          store.createTrainingJob({
            name: "orphan",
            tuningJobName: "nope",
            trialIndex: 0,
            hyperparameters: {},
            now: 1,
          }),
        ).rejects.toMatchObject({ code: "E_STORE_NOT_FOUND" });
        expect((await store.listTrainingJobs()).map((j) => j.name)).toEqual(["job"]);
      });

      it("lists by tuning job in trial order, filters by status and counts", async () => {
        await study();
        for (let i = 0; i < 3; i++) {
          await store.createTrainingJob({
            name: `t-${i}`,
            tuningJobName: "study-a",
            trialIndex: i,
            hyperparameters: { i },
            now: 10 - i,
          });
        }
        await store.createTrainingJob({ name: "standalone", hyperparameters: {}, now: 0 });
        await store.updateTrainingJob("t-1", {
          status: "Completed",
          objectiveValue: 0.5,
          objectiveStatus: "Succeeded",
          now: 20,
        });
        await store.updateTrainingJob("t-2", {
          status: "Failed",
          objectiveStatus: "Failed",
          failureReason: "boom",
          now: 21,
        });
        expect((await store.listTrainingJobs({ tuningJobName: "STUDY-A" })).map((j) => j.name)).toEqual([
          "t-0",
          "t-1",
          "t-2",
        ]);
        expect((await store.listTrainingJobs({ tuningJobName: "study-a", status: "Completed" }))[0]).toMatchObject({
          name: "t-1",
          objectiveValue: 0.5,
          hyperparameters: { i: 1 },
        });
        expect(
          (await store.listTrainingJobs({ tuningJobName: "study-a", limit: 2, offset: 1 })).map((j) => j.name),
        ).toEqual(["t-1", "t-2"]);
        expect(await store.countTrainingJobs("study-a")).toEqual({
          status: { InProgress: 1, Completed: 1, Failed: 1, Stopping: 0, Stopped: 0 },
          objective: { Pending: 1, Succeeded: 1, Failed: 1 },
        });
      });

      it("finds the best succeeded job in either direction, the earliest trial winning a tie", async () => {
        await study();
        const values = [0.5, 0.9, 0.2, 0.9, 0.1];
        for (const [i, value] of values.entries()) {
          await store.createTrainingJob({
            name: `t-${i}`,
            tuningJobName: "study-a",
            trialIndex: i,
            hyperparameters: {},
            now: i,
          });
          const failed = i === 4;
          await store.updateTrainingJob(`t-${i}`, {
            status: failed ? "Failed" : "Completed",
            objectiveValue: value,
            objectiveStatus: failed ? "Failed" : "Succeeded",
            now: 10,
          });
        }
        await store.createTrainingJob({
          name: "t-5",
          tuningJobName: "study-a",
          trialIndex: 5,
          hyperparameters: {},
          now: 5,
        });
        expect((await store.bestTrainingJob("STUDY-A", "Maximize"))?.name).toBe("t-1");
        expect((await store.bestTrainingJob("study-a", "Minimize"))?.name).toBe("t-2");
        expect(await store.bestTrainingJob("nothing-here", "Minimize")).toBeUndefined();
      });

      it("pages a tuning job's jobs in any order with the total, and lists finished results in the order they ended", async () => {
        await study();
        // name, objective value (null: none), status, ended at
        const spec: [string, number | null, "Completed" | "Stopped" | "InProgress", number | null][] = [
          ["Job-c", 0.5, "Completed", 30],
          ["job-a", 0.9, "Stopped", 10],
          ["job-B", null, "InProgress", null],
          ["job-d", 0.2, "Completed", 20],
          ["job-e", 0.9, "Completed", 20],
        ];
        for (const [i, [name, value, status, endedAt]] of spec.entries()) {
          await store.createTrainingJob({
            name,
            tuningJobName: "study-a",
            trialIndex: i,
            hyperparameters: {},
            now: 100 - i,
          });
          await store.updateTrainingJob(name, {
            status,
            ...(value === null ? {} : { objectiveValue: value, objectiveStatus: "Succeeded" as const }),
            ...(endedAt === null ? {} : { endedAt }),
            now: 200,
          });
        }
        const names = async (o: Parameters<typeof store.pageTrainingJobs>[1]) => {
          const { jobs, total } = await store.pageTrainingJobs("STUDY-A", o);
          return { names: jobs.map((j) => j.name), total };
        };
        expect(await names({ sortBy: "name" })).toEqual({
          names: ["job-a", "job-B", "Job-c", "job-d", "job-e"],
          total: 5,
        });
        // Ties keep trial order whichever the direction; jobs without a value are left out of an objective sort.
        expect(await names({ sortBy: "objectiveValue", descending: true })).toEqual({
          names: ["job-a", "job-e", "Job-c", "job-d"],
          total: 4,
        });
        expect(await names({ sortBy: "objectiveValue", limit: 2, offset: 1 })).toEqual({
          names: ["Job-c", "job-a"],
          total: 4,
        });
        expect((await names({ sortBy: "createdAt" })).names).toEqual(["job-e", "job-d", "job-B", "job-a", "Job-c"]);
        expect(await names({ sortBy: "status", status: "Completed", descending: true })).toEqual({
          names: ["Job-c", "job-d", "job-e"],
          total: 3,
        });
        expect(await names({ sortBy: "name", status: "Failed" })).toEqual({ names: [], total: 0 });
        expect(await store.listObjectiveResults("study-a")).toEqual([
          { value: 0.9, endedAt: 10, trialIndex: 1 },
          { value: 0.2, endedAt: 20, trialIndex: 3 },
          { value: 0.9, endedAt: 20, trialIndex: 4 },
          { value: 0.5, endedAt: 30, trialIndex: 0 },
        ]);
        expect(await store.listObjectiveResults("nothing-here")).toEqual([]);
      });

      it("lists what charts draw of a tuning job's jobs, in trial order, without the rest of their records", async () => {
        await study();
        await store.createTrainingJob({
          name: "early",
          tuningJobName: "study-a",
          trialIndex: 0,
          hyperparameters: {},
          now: 6,
        });
        await store.createTrainingJob({
          name: "late",
          tuningJobName: "study-a",
          trialIndex: 1,
          definitionName: "def-a",
          hyperparameters: { lr: 0.1, optimizer: "adam" },
          request: { Large: "x".repeat(1000) },
          now: 5,
        });
        await store.updateTrainingJob("late", {
          status: "Stopped",
          stopReason: "early stopping",
          objectiveValue: 0.7,
          objectiveStatus: "Succeeded",
          startedAt: 7,
          endedAt: 9,
          now: 9,
        });
        expect(await store.listTrainingJobPoints("STUDY-A")).toEqual([
          {
            name: "early",
            trialIndex: 0,
            definitionName: null,
            status: "InProgress",
            stopReason: null,
            hyperparameters: {},
            objectiveValue: null,
            objectiveStatus: "Pending",
            createdAt: 6,
            startedAt: null,
            endedAt: null,
          },
          {
            name: "late",
            trialIndex: 1,
            definitionName: "def-a",
            status: "Stopped",
            stopReason: "early stopping",
            hyperparameters: { lr: 0.1, optimizer: "adam" },
            objectiveValue: 0.7,
            objectiveStatus: "Succeeded",
            createdAt: 5,
            startedAt: 7,
            endedAt: 9,
          },
        ]);
        expect(await store.listTrainingJobPoints("nothing-here")).toEqual([]);
      });

      it("moves status by compare-and-set and keeps the fields not patched", async () => {
        await store.createTrainingJob({ name: "job", hyperparameters: { a: "x" }, request: { R: 1 }, now: 1 });
        expect(
          (await store.updateTrainingJob("job", { status: "Stopping", now: 2 }, { from: ["InProgress"] }))?.status,
        ).toBe("Stopping");
        expect(
          await store.updateTrainingJob("job", { status: "Completed", now: 3 }, { from: ["InProgress"] }),
        ).toBeUndefined();
        const stopped = await store.updateTrainingJob(
          "job",
          { status: "Stopped", stopReason: "user", endedAt: 4, now: 4 },
          {
            from: ["Stopping"],
          },
        );
        expect(stopped).toMatchObject({ status: "Stopped", stopReason: "user", endedAt: 4, request: { R: 1 } });
        expect(stopped?.hyperparameters).toEqual({ a: "x" });
      });
    });

    describe("training jobs that run a process", () => {
      it("refuses a write guarded by an attempt that is no longer the job's current one", async () => {
        await store.createTrainingJob({ name: "moved", hyperparameters: {}, now: 1 });
        await store.updateTrainingJob("moved", { retryAttempt: 1, now: 2 }, { attempt: 0 });
        await expect(
          store.updateTrainingJob("moved", { status: "Completed", endedAt: 3, now: 3 }, { attempt: 0 }),
        ).rejects.toMatchObject({ code: "E_STALE_ATTEMPT" });
        expect(await store.getTrainingJob("moved")).toMatchObject({ status: "InProgress", retryAttempt: 1 });
        expect(await store.updateTrainingJob("moved", { status: "Completed", now: 4 }, { attempt: 1 })).toMatchObject({
          status: "Completed",
        });
      });

      it("records the secondary status history, directory and model artifact", async () => {
        await store.createTrainingJob({
          name: "run",
          hyperparameters: {},
          secondaryStatus: "Starting",
          jobDir: "/jobs/run",
          now: 1,
        });
        const transitions = [
          { Status: "Starting", StartTime: 1, EndTime: 2, StatusMessage: "Preparing" },
          { Status: "Training", StartTime: 2, StatusMessage: "Training" },
        ];
        await store.updateTrainingJob("run", { secondaryStatus: "Training", statusTransitions: transitions, now: 2 });
        await store.updateTrainingJob("run", { modelArtifacts: "/out/run/output/model.tar.gz", now: 3 });
        expect(await store.getTrainingJob("run")).toMatchObject({
          secondaryStatus: "Training",
          statusTransitions: transitions,
          jobDir: "/jobs/run",
          modelArtifacts: "/out/run/output/model.tar.gz",
        });
      });

      it("lists whole records, with their request, status history and strategy state", async () => {
        await store.createTrainingJob({
          name: "full",
          hyperparameters: { lr: 0.1 },
          request: { TrainingJobName: "full" },
          strategyState: { step: 3 },
          now: 1,
        });
        await store.updateTrainingJob("full", {
          statusTransitions: [{ Status: "Starting", StartTime: 1, StatusMessage: "Preparing" }],
          objectiveValue: 0.5,
          objectiveStatus: "Succeeded",
          now: 2,
        });
        const full = await store.getTrainingJob("full");
        expect(full).toMatchObject({ request: { TrainingJobName: "full" }, strategyState: { step: 3 } });
        expect(await store.listTrainingJobs()).toEqual([full]);
      });

      it("deletes a job with its metrics, log, lease and stop requests", async () => {
        await store.createTrainingJob({ name: "gone", hyperparameters: {}, now: 1 });
        await store.appendMetricPoints("gone", 0, [{ metricName: "loss", value: 1, timestamp: 1 }]);
        await store.appendLog("gone", 0, "hello\n", 1);
        await store.acquireLease({ kind: "training-job", name: "gone", owner: "me", ttlMs: 60_000 });
        await store.acquireLease({ kind: "training-run", name: "gone", owner: "worker", ttlMs: 60_000 });
        await store.requestStop("training-job", "gone", 1);
        expect(await store.deleteTrainingJob("GONE")).toBe(true);
        expect(await store.getTrainingJob("gone")).toBeUndefined();
        expect(await store.getLease("training-job", "gone")).toBeUndefined();
        expect(await store.getLease("training-run", "gone")).toBeUndefined();
        expect(await store.pendingStopRequests("training-job", "gone")).toEqual([]);
        await store.createTrainingJob({ name: "gone", hyperparameters: {}, now: 2 });
        expect(await store.listMetricPoints("gone")).toEqual([]);
        expect(await store.readLog("gone")).toEqual([]);
        expect(await store.deleteTrainingJob("never")).toBe(false);
      });

      it("deletes a tuning job with its training jobs and everything theirs", async () => {
        await study();
        await store.createTrainingJob({
          name: "t-0",
          tuningJobName: "study-a",
          trialIndex: 0,
          hyperparameters: {},
          now: 1,
        });
        await store.createTrainingJob({ name: "other", hyperparameters: {}, now: 1 });
        await store.appendMetricPoints("t-0", 0, [{ metricName: "loss", value: 1, timestamp: 1 }]);
        await store.appendLog("t-0", 0, "line\n", 1);
        await store.acquireLease({ kind: "training-job", name: "t-0", owner: "me", ttlMs: 60_000 });
        await store.acquireLease({ kind: "training-run", name: "t-0", owner: "worker", ttlMs: 60_000 });
        await store.acquireLease({ kind: "tuning-job", name: "study-a", owner: "me", ttlMs: 60_000 });
        await store.requestStop("tuning-job", "study-a", 1);
        expect(await store.deleteTuningJob("STUDY-A")).toBe(true);
        expect(await store.getTuningJob("study-a")).toBeUndefined();
        expect(await store.getTrainingJob("t-0")).toBeUndefined();
        expect(await store.getLease("training-job", "t-0")).toBeUndefined();
        expect(await store.getLease("training-run", "t-0")).toBeUndefined();
        expect(await store.getLease("tuning-job", "study-a")).toBeUndefined();
        expect(await store.pendingStopRequests("tuning-job", "study-a")).toEqual([]);
        expect((await store.listTrainingJobs()).map((j) => j.name)).toEqual(["other"]);
        await study();
        await store.createTrainingJob({
          name: "t-0",
          tuningJobName: "study-a",
          trialIndex: 0,
          hyperparameters: {},
          now: 2,
        });
        expect(await store.listMetricPoints("t-0")).toEqual([]);
        expect(await store.readLog("t-0")).toEqual([]);
        expect(await store.deleteTuningJob("never")).toBe(false);
      });

      it("keeps run options with tuning jobs and standalone training jobs", async () => {
        const options = { baseDir: "/work", s3Map: [{ prefix: "s3://b/p", dir: "/data" }], python: "python3" };
        await store.createTuningJob({
          name: "tj",
          kind: "tuning-job",
          config: {},
          seed: 1,
          runOptions: options,
          now: 1,
        });
        await store.createTrainingJob({ name: "alone", hyperparameters: {}, request: {}, runOptions: options, now: 1 });
        expect((await store.getTuningJob("tj"))?.runOptions).toEqual(options);
        expect((await store.getTrainingJob("alone"))?.runOptions).toEqual(options);
        expect((await study("plain")).runOptions).toBeNull();
      });
    });

    describe("listings", () => {
      it("filters by name, status and time windows, and sorts either way", async () => {
        for (const [i, name] of ["Bert-lr", "bert-wd", "resnet-lr"].entries()) {
          await store.createTuningJob({ name, kind: "tuning-job", config: {}, seed: 1, now: 10 + i });
          await store.createTrainingJob({ name: `${name}-solo`, hyperparameters: {}, request: {}, now: 10 + i });
        }
        await store.updateTuningJob("bert-wd", { status: "Completed", now: 50 });
        await store.updateTrainingJob("bert-wd-solo", { status: "Completed", now: 50 });
        const tuning = async (o: Parameters<typeof store.listTuningJobs>[0]) =>
          (await store.listTuningJobs(o)).map((j) => j.name);
        const training = async (o: Parameters<typeof store.listTrainingJobs>[0]) =>
          (await store.listTrainingJobs(o)).map((j) => j.name);
        expect(await tuning({ nameContains: "BERT" })).toEqual(["bert-wd", "Bert-lr"]);
        expect(await tuning({ status: "Completed" })).toEqual(["bert-wd"]);
        expect(await tuning({ createdAfter: 10, createdBefore: 12 })).toEqual(["bert-wd"]);
        expect(await tuning({ modifiedAfter: 20 })).toEqual(["bert-wd"]);
        expect(await tuning({ modifiedBefore: 20 })).toEqual(["resnet-lr", "Bert-lr"]);
        expect(await tuning({ sortBy: "name" })).toEqual(["Bert-lr", "bert-wd", "resnet-lr"]);
        expect(await tuning({ sortBy: "name", descending: true, limit: 2 })).toEqual(["resnet-lr", "bert-wd"]);
        expect(await tuning({ sortBy: "status", offset: 1 })).toEqual(["Bert-lr", "resnet-lr"]);
        expect(await tuning({ kind: "study" })).toEqual([]);
        expect(await training({ nameContains: "-LR-" })).toEqual(["Bert-lr-solo", "resnet-lr-solo"]);
        expect(await training({ sortBy: "createdAt", descending: true, limit: 1 })).toEqual(["resnet-lr-solo"]);
        expect(await training({ status: "Completed", modifiedAfter: 49 })).toEqual(["bert-wd-solo"]);
      });

      it("tells standalone training jobs from a tuning job's", async () => {
        await study();
        await store.createTrainingJob({
          name: "t-0",
          tuningJobName: "study-a",
          trialIndex: 0,
          hyperparameters: {},
          now: 1,
        });
        await store.createTrainingJob({ name: "solo", hyperparameters: {}, now: 2 });
        expect((await store.listTrainingJobs({ standalone: true })).map((j) => j.name)).toEqual(["solo"]);
      });
    });

    describe("metrics and logs", () => {
      it("keeps metric points in emission order, per metric or all, and reads on from a cursor", async () => {
        await store.createTrainingJob({ name: "job", hyperparameters: {}, now: 1 });
        await store.appendMetricPoints("job", 0, [
          { metricName: "loss", value: 0.9, timestamp: 1 },
          { metricName: "f1", value: 0.5, timestamp: 1 },
        ]);
        await store.appendMetricPoints("job", 0, [{ metricName: "f1", value: 0.7, timestamp: 2 }]);
        expect(await store.listMetricPoints("job", { metricName: "f1" })).toEqual([
          { seq: 1, attempt: 0, metricName: "f1", value: 0.5, timestamp: 1 },
          { seq: 2, attempt: 0, metricName: "f1", value: 0.7, timestamp: 2 },
        ]);
        expect((await store.listMetricPoints("job")).map((p) => p.seq)).toEqual([0, 1, 2]);
        expect((await store.listMetricPoints("job", { afterSeq: 0 })).map((p) => p.seq)).toEqual([1, 2]);
        expect(await store.listMetricPoints("job", { afterSeq: 2 })).toEqual([]);
        await expect(store.appendMetricPoints("nope", 0, [])).rejects.toMatchObject({ code: "E_STORE_NOT_FOUND" });
      });

      it("reads one metric's series of many jobs at once, the current attempt's only", async () => {
        await store.createTrainingJob({ name: "a", hyperparameters: {}, now: 1 });
        await store.createTrainingJob({ name: "b", hyperparameters: {}, now: 1 });
        await store.appendMetricPoints("a", 0, [
          { metricName: "f1", value: 0.1, timestamp: 1 },
          { metricName: "loss", value: 0.9, timestamp: 1 },
          { metricName: "f1", value: 0.2, timestamp: 2 },
        ]);
        await store.appendMetricPoints("b", 0, [{ metricName: "acc", value: 0.5, timestamp: 1 }]);
        await store.updateTrainingJob("b", { retryAttempt: 1, now: 2 });
        await store.appendMetricPoints("b", 1, [{ metricName: "acc", value: 0.6, timestamp: 3 }]);
        const series = await store.listMetricSeries([
          { trainingJobName: "a", metricName: "f1" },
          { trainingJobName: "b", metricName: "acc" },
          { trainingJobName: "missing", metricName: "f1" },
        ]);
        expect([...series.keys()].sort()).toEqual(["a", "b", "missing"]);
        expect(series.get("a")?.map((p) => p.value)).toEqual([0.1, 0.2]);
        expect(series.get("b")).toEqual([{ seq: 1, attempt: 1, metricName: "acc", value: 0.6, timestamp: 3 }]);
        expect(series.get("missing")).toEqual([]);
        expect((await store.listMetricSeries([])).size).toBe(0);
      });

      it("keeps each attempt's metric points apart and refuses a stale attempt's", async () => {
        await store.createTrainingJob({ name: "job", hyperparameters: {}, now: 1 });
        await store.appendMetricPoints("job", 0, [
          { metricName: "f1", value: 0.1, timestamp: 1 },
          { metricName: "f1", value: 0.2, timestamp: 2 },
        ]);
        await store.updateTrainingJob("job", { retryAttempt: 1, now: 3 });
        expect(await store.listMetricPoints("job")).toEqual([]);
        await store.appendMetricPoints("job", 1, [{ metricName: "f1", value: 0.3, timestamp: 4 }]);
        await expect(
          store.appendMetricPoints("job", 0, [{ metricName: "f1", value: 0.9, timestamp: 5 }]),
        ).rejects.toMatchObject({ code: "E_STALE_ATTEMPT" });
        expect(await store.listMetricPoints("job", { metricName: "f1" })).toEqual([
          { seq: 2, attempt: 1, metricName: "f1", value: 0.3, timestamp: 4 },
        ]);
      });

      it("keeps the log in order across attempts and pages it from a cursor", async () => {
        await store.createTrainingJob({ name: "job", hyperparameters: {}, now: 1 });
        await store.appendLog("job", 0, "first\n", 10);
        await store.appendLog("job", 0, "second\n", 11);
        await store.updateTrainingJob("job", { retryAttempt: 1, now: 12 });
        await expect(store.appendLog("job", 0, "late\n", 13)).rejects.toMatchObject({ code: "E_STALE_ATTEMPT" });
        await store.appendLog("job", 1, "third ✓\n", 14);
        expect(await store.readLog("JOB")).toEqual([
          { seq: 0, attempt: 0, timestamp: 10, text: "first\n" },
          { seq: 1, attempt: 0, timestamp: 11, text: "second\n" },
          { seq: 2, attempt: 1, timestamp: 14, text: "third ✓\n" },
        ]);
        expect((await store.readLog("job", { afterSeq: 0, limit: 1 })).map((c) => c.text)).toEqual(["second\n"]);
        expect((await store.readLog("job", { newest: true, limit: 2 })).map((c) => c.seq)).toEqual([1, 2]);
        expect(await store.readLog("job", { afterSeq: 2 })).toEqual([]);
        await expect(store.appendLog("nope", 0, "x", 1)).rejects.toMatchObject({ code: "E_STORE_NOT_FOUND" });
      });
    });

    describe("leases", () => {
      const request = { kind: "tuning-job" as const, name: "tj", pid: 42, pgid: 42, processStartTime: 5 };

      it("belongs to one owner while it lives, with a token that changes hands with it", async () => {
        const a = await store.acquireLease({ ...request, owner: "a", ttlMs: 60_000 });
        expect(a).toMatchObject({ owner: "a", pid: 42, kind: "tuning-job", name: "tj" });
        expect(await store.acquireLease({ ...request, owner: "b", ttlMs: 60_000 })).toBeUndefined();
        const again = await store.acquireLease({ ...request, owner: "a", ttlMs: 60_000 });
        expect(again?.token).toBe(a?.token);
        expect(again?.acquiredAt).toBe(a?.acquiredAt);
        expect(await store.renewLease(a as Lease, 60_000)).toMatchObject({ owner: "a", token: a?.token });
        expect(await store.releaseLease(a as Lease)).toBe(true);
        expect(await store.getLease("tuning-job", "tj")).toBeUndefined();
        const b = await store.acquireLease({ ...request, owner: "b", ttlMs: 60_000 });
        expect(b?.token).toBeGreaterThan(a?.token as number);
        expect(await store.releaseLease(a as Lease)).toBe(false);
      });

      it("is timed by the store's clock: an expired lease passes to the next owner, and its holder loses it", async () => {
        const before = await store.now();
        const a = (await store.acquireLease({ ...request, owner: "a", ttlMs: 1 })) as Lease;
        expect(a.expiresAt).toBeGreaterThanOrEqual(before + 1);
        await pause(30);
        expect(await store.listUnleased("tuning-job")).toEqual([]);
        const b = (await store.acquireLease({ ...request, owner: "b", ttlMs: 60_000 })) as Lease;
        expect(b).toMatchObject({ owner: "b" });
        expect(b.token).not.toBe(a.token);
        expect(await store.renewLease(a, 60_000)).toBeUndefined();
        expect(await store.releaseLease(a)).toBe(false);
        expect(await store.getLease("tuning-job", "tj")).toMatchObject({ owner: "b", token: b.token });
      });

      it("holds a job's run apart from the job: its controller and the worker running it each have their own", async () => {
        await store.createTrainingJob({ name: "job", hyperparameters: {}, now: 1 });
        const job = (await store.acquireLease({
          kind: "training-job",
          name: "job",
          owner: "ctl",
          ttlMs: 60_000,
        })) as Lease;
        const run = await store.acquireLease({ kind: "training-run", name: "JOB", owner: "w1", ttlMs: 60_000 });
        expect(run).toMatchObject({ kind: "training-run", owner: "w1" });
        // A second worker handed the same attempt is kept out; the job's own lease is untouched by either.
        expect(
          await store.acquireLease({ kind: "training-run", name: "job", owner: "w2", ttlMs: 60_000 }),
        ).toBeUndefined();
        expect(await store.getLease("training-job", "job")).toMatchObject({ owner: "ctl", token: job.token });
        expect(await store.listUnleased("training-job")).toEqual([]);
        // A write fenced by the controller's lease lands while the worker holds the run.
        const patched = await store.updateTrainingJob("job", { secondaryStatus: "Training", now: 2 }, { fence: job });
        expect(patched?.secondaryStatus).toBe("Training");
        expect(await store.releaseLease(run as Lease)).toBe(true);
        expect(await store.getLease("training-job", "job")).toMatchObject({ owner: "ctl" });
      });

      it("records the process running the job when renewed", async () => {
        const a = (await store.acquireLease({ kind: "training-job", name: "job", owner: "a", ttlMs: 60_000 })) as Lease;
        expect(a).toMatchObject({ pid: null, pgid: null, host: null });
        const renewed = await store.renewLease(a, 60_000, { host: "box", pid: 7, pgid: 7, processStartTime: 99 });
        expect(renewed).toMatchObject({ host: "box", pid: 7, pgid: 7, processStartTime: 99, token: a.token });
        expect(await store.renewLease(a, 60_000)).toMatchObject({ pid: 7 });
      });

      it("refuses every write made under a lease that was taken over, and changes nothing", async () => {
        await store.createTuningJob({ name: "tj", kind: "tuning-job", config: {}, seed: 1, now: 1 });
        const a = (await store.acquireLease({ ...request, owner: "a", ttlMs: 1 })) as Lease;
        await store.createTrainingJob(
          { name: "tj-1", tuningJobName: "tj", trialIndex: 0, hyperparameters: {}, now: 2 },
          a,
        );
        await store.updateTuningJob("tj", { failureReason: "ours", now: 3 }, { fence: a });
        await pause(30);
        const b = (await store.acquireLease({ ...request, owner: "b", ttlMs: 60_000 })) as Lease;
        const lost = { code: "E_LEASE_LOST" };
        await expect(store.updateTuningJob("tj", { status: "Completed", now: 4 }, { fence: a })).rejects.toMatchObject(
          lost,
        );
        await expect(
          store.createTrainingJob({ name: "tj-2", tuningJobName: "tj", trialIndex: 1, hyperparameters: {}, now: 4 }, a),
        ).rejects.toMatchObject(lost);
        await expect(store.updateTrainingJob("tj-1", { status: "Failed", now: 4 }, { fence: a })).rejects.toMatchObject(
          lost,
        );
        await expect(
          store.appendMetricPoints("tj-1", 0, [{ metricName: "m", value: 1, timestamp: 4 }], a),
        ).rejects.toMatchObject(lost);
        await expect(store.appendLog("tj-1", 0, "late\n", 4, a)).rejects.toMatchObject(lost);
        expect(await store.getTuningJob("tj")).toMatchObject({
          status: "InProgress",
          trialCount: 1,
          failureReason: "ours",
        });
        expect(await store.getTrainingJob("tj-1")).toMatchObject({ status: "InProgress" });
        expect(await store.listMetricPoints("tj-1")).toEqual([]);
        expect(await store.readLog("tj-1")).toEqual([]);
        expect(await store.updateTuningJob("tj", { status: "Completed", now: 5 }, { fence: b })).toMatchObject({
          status: "Completed",
        });
      });

      it("lists running jobs nobody holds a live lease on", async () => {
        for (const name of ["free", "held", "expired", "done"])
          await store.createTuningJob({ name, kind: "tuning-job", config: {}, seed: 1, now: 1 });
        await study("a-study");
        await store.updateTuningJob("done", { status: "Completed", now: 2 });
        await store.updateTuningJob("expired", { status: "Stopping", now: 2 });
        await store.acquireLease({ kind: "tuning-job", name: "held", owner: "x", ttlMs: 60_000 });
        await store.acquireLease({ kind: "tuning-job", name: "expired", owner: "x", ttlMs: 1 });
        await store.createTrainingJob({ name: "solo", hyperparameters: {}, request: {}, now: 1 });
        await store.createTrainingJob({ name: "trial", hyperparameters: {}, now: 1 });
        await store.createTrainingJob({
          name: "child",
          tuningJobName: "free",
          trialIndex: 0,
          hyperparameters: {},
          request: {},
          now: 1,
        });
        await pause(30);
        expect((await store.listUnleased("tuning-job")).sort()).toEqual(["expired", "free"]);
        expect(await store.listUnleased("training-job")).toEqual(["solo"]);
      });
    });

    describe("stop requests", () => {
      it("records one pending request per job until acknowledged", async () => {
        const first = await store.requestStop("tuning-job", "tj", 1, "user");
        expect((await store.requestStop("tuning-job", "TJ", 2)).id).toBe(first.id);
        await store.requestStop("training-job", "job", 3);
        expect((await store.pendingStopRequests("tuning-job", "tj")).map((r) => r.reason)).toEqual(["user"]);
        expect(await store.pendingStopRequests("training-job", "job")).toHaveLength(1);
        expect(await store.acknowledgeStopRequest(first.id, 4)).toBe(true);
        expect(await store.acknowledgeStopRequest(first.id, 5)).toBe(false);
        expect(await store.pendingStopRequests("tuning-job", "tj")).toEqual([]);
        expect((await store.requestStop("tuning-job", "tj", 6)).id).not.toBe(first.id);
      });
    });

    describe("tags", () => {
      it("adds over, lists in key order, deletes by key, names case-insensitive", async () => {
        await study("tagged");
        await store.addTags("tuning-job", "tagged", [
          { Key: "team", Value: "nlp" },
          { Key: "Project", Value: "mrpc" },
        ]);
        await store.addTags("tuning-job", "TAGGED", [{ Key: "team", Value: "vision" }]);
        expect(await store.listTags("tuning-job", "tagged")).toEqual([
          { Key: "Project", Value: "mrpc" },
          { Key: "team", Value: "vision" },
        ]);
        // Another kind with the same name holds its own tags.
        expect(await store.listTags("training-job", "tagged")).toEqual([]);
        await store.deleteTags("tuning-job", "Tagged", ["team", "absent"]);
        expect(await store.listTags("tuning-job", "tagged")).toEqual([{ Key: "Project", Value: "mrpc" }]);
      });

      it("go with their job, and a tuning job's with its training jobs'", async () => {
        await study("parent");
        await store.createTrainingJob({
          name: "child",
          tuningJobName: "parent",
          trialIndex: 0,
          hyperparameters: {},
          now: 1,
        });
        await store.createTrainingJob({ name: "solo", hyperparameters: {}, now: 1 });
        await store.addTags("tuning-job", "parent", [{ Key: "k", Value: "v" }]);
        await store.addTags("training-job", "child", [{ Key: "k", Value: "v" }]);
        await store.addTags("training-job", "solo", [{ Key: "k", Value: "v" }]);
        await store.deleteTuningJob("parent");
        await store.deleteTrainingJob("solo");
        // Jobs created again under the same names start with no tags.
        await study("parent");
        await store.createTrainingJob({ name: "solo", hyperparameters: {}, now: 2 });
        expect(await store.listTags("tuning-job", "parent")).toEqual([]);
        expect(await store.listTags("training-job", "child")).toEqual([]);
        expect(await store.listTags("training-job", "solo")).toEqual([]);
      });
    });

    describe("workers and source bundles", () => {
      const beat = (name: string, pid: number, running: string[] = []) => ({
        name,
        host: "gpu-1",
        pid,
        slots: 2,
        gpus: ["0", "1"],
        running,
        accepting: true,
      });

      it("records each worker's heartbeat by the store's clock, keeping its start while the same process reports", async () => {
        const first = await store.heartbeatWorker(beat("w-b", 10));
        await store.heartbeatWorker(beat("w-a", 20));
        await pause(5);
        const again = await store.heartbeatWorker({ ...beat("w-b", 10, ["job-1@0"]), accepting: false });
        expect(again).toMatchObject({ running: ["job-1@0"], accepting: false, gpus: ["0", "1"], slots: 2 });
        expect(again.startedAt).toBe(first.startedAt);
        expect(again.heartbeatAt).toBeGreaterThanOrEqual(first.heartbeatAt);
        const restarted = await store.heartbeatWorker(beat("w-b", 11));
        expect(restarted.startedAt).toBeGreaterThanOrEqual(again.heartbeatAt);
        expect((await store.listWorkers()).map((w) => [w.name, w.pid])).toEqual([
          ["w-a", 20],
          ["w-b", 11],
        ]);
        expect(await store.removeWorker("w-a")).toBe(true);
        expect(await store.removeWorker("w-a")).toBe(false);
        expect((await store.listWorkers()).map((w) => w.name)).toEqual(["w-b"]);
      });

      it("keeps a source bundle under its content address, the first copy winning", async () => {
        const bytes = new Uint8Array([31, 139, 0, 255, 7]);
        await store.putSourceBundle("abc", bytes);
        await store.putSourceBundle("abc", new Uint8Array([1]));
        expect(Array.from((await store.getSourceBundle("abc")) ?? [])).toEqual([31, 139, 0, 255, 7]);
        expect(await store.getSourceBundle("missing")).toBeUndefined();
      });
    });

    it("refuses use after close", async () => {
      await store.close();
      await expect(store.listTuningJobs()).rejects.toThrow();
      store = await open();
    });
  });
}
