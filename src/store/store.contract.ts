import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "./store.js";

/**
 * The behaviour every Store must have. Each implementation's test file calls
 * this with a factory for a fresh, empty store.
 */
export function storeContract(label: string, open: () => Store): void {
  describe(`Store contract: ${label}`, () => {
    let store: Store;
    beforeEach(() => {
      store = open();
    });
    afterEach(() => store.close());

    const study = (name = "study-a", now = 1000) =>
      store.createTuningJob({ name, kind: "study", config: { ranges: { x: 1 } }, seed: 7, now });

    describe("tuning jobs", () => {
      it("creates, reads back and lists newest first", () => {
        const created = study("first", 1);
        study("second", 2);
        expect(created).toMatchObject({ name: "first", status: "InProgress", trialCount: 0, seed: 7, endedAt: null });
        expect(store.getTuningJob("first")?.config).toEqual({ ranges: { x: 1 } });
        expect(store.listTuningJobs().map((j) => j.name)).toEqual(["second", "first"]);
        expect(store.listTuningJobs({ limit: 1, offset: 1 }).map((j) => j.name)).toEqual(["first"]);
      });

      it("treats names case-insensitively and refuses duplicates", () => {
        study("Tune-1");
        expect(store.getTuningJob("tune-1")?.name).toBe("Tune-1");
        expect(() => study("TUNE-1")).toThrow(expect.objectContaining({ code: "E_STORE_ALREADY_EXISTS" }));
        expect(store.listTuningJobs()).toHaveLength(1);
      });

      it("moves status by compare-and-set", () => {
        study();
        const stopped = store.updateTuningJob("study-a", { status: "Stopped", endedAt: 5, now: 5 }, ["InProgress"]);
        expect(stopped).toMatchObject({ status: "Stopped", endedAt: 5, updatedAt: 5 });
        expect(store.updateTuningJob("study-a", { status: "Completed", now: 6 }, ["InProgress"])).toBeUndefined();
        expect(store.getTuningJob("study-a")?.status).toBe("Stopped");
        expect(store.listTuningJobs({ status: "Stopped" })).toHaveLength(1);
        expect(() => store.updateTuningJob("missing", { now: 1 })).toThrow(
          expect.objectContaining({ code: "E_STORE_NOT_FOUND" }),
        );
      });

      it("hands out copies that cannot change the store", () => {
        const record = study();
        (record.config as { ranges: { x: number } }).ranges.x = 99;
        expect(store.getTuningJob("study-a")?.config).toEqual({ ranges: { x: 1 } });
      });
    });

    describe("training jobs", () => {
      it("allocates trial indices in order and refuses a taken or skipped one", () => {
        study();
        store.createTrainingJob({
          name: "t-0",
          tuningJobName: "study-a",
          trialIndex: 0,
          hyperparameters: { x: 1 },
          now: 1,
        });
        expect(store.getTuningJob("study-a")?.trialCount).toBe(1);
        for (const trialIndex of [0, 2]) {
          expect(() =>
            store.createTrainingJob({ name: "t-x", tuningJobName: "study-a", trialIndex, hyperparameters: {}, now: 2 }),
          ).toThrow(expect.objectContaining({ code: "E_STORE_CONFLICT" }));
        }
        expect(store.getTrainingJob("t-x")).toBeUndefined();
        expect(store.getTuningJob("study-a")?.trialCount).toBe(1);
      });

      it("refuses a duplicate name or an unknown tuning job without side effects", () => {
        study();
        store.createTrainingJob({ name: "job", hyperparameters: {}, now: 1 });
        expect(() => store.createTrainingJob({ name: "JOB", hyperparameters: {}, now: 1 })).toThrow(
          expect.objectContaining({ code: "E_STORE_ALREADY_EXISTS" }),
        );
        expect(() =>
          store.createTrainingJob({
            name: "orphan",
            tuningJobName: "nope",
            trialIndex: 0,
            hyperparameters: {},
            now: 1,
          }),
        ).toThrow(expect.objectContaining({ code: "E_STORE_NOT_FOUND" }));
        expect(store.listTrainingJobs().map((j) => j.name)).toEqual(["job"]);
      });

      it("lists by tuning job in trial order, filters by status and counts", () => {
        study();
        for (let i = 0; i < 3; i++) {
          store.createTrainingJob({
            name: `t-${i}`,
            tuningJobName: "study-a",
            trialIndex: i,
            hyperparameters: { i },
            now: 10 - i,
          });
        }
        store.createTrainingJob({ name: "standalone", hyperparameters: {}, now: 0 });
        store.updateTrainingJob("t-1", {
          status: "Completed",
          objectiveValue: 0.5,
          objectiveStatus: "Succeeded",
          now: 20,
        });
        store.updateTrainingJob("t-2", { status: "Failed", objectiveStatus: "Failed", failureReason: "boom", now: 21 });
        expect(store.listTrainingJobs({ tuningJobName: "STUDY-A" }).map((j) => j.name)).toEqual(["t-0", "t-1", "t-2"]);
        expect(store.listTrainingJobs({ tuningJobName: "study-a", status: "Completed" })[0]).toMatchObject({
          name: "t-1",
          objectiveValue: 0.5,
          hyperparameters: { i: 1 },
        });
        expect(store.listTrainingJobs({ tuningJobName: "study-a", limit: 2, offset: 1 }).map((j) => j.name)).toEqual([
          "t-1",
          "t-2",
        ]);
        expect(store.countTrainingJobs("study-a")).toEqual({
          status: { InProgress: 1, Completed: 1, Failed: 1, Stopping: 0, Stopped: 0 },
          objective: { Pending: 1, Succeeded: 1, Failed: 1 },
        });
      });

      it("finds the best succeeded job in either direction, the earliest trial winning a tie", () => {
        study();
        const values = [0.5, 0.9, 0.2, 0.9, 0.1];
        values.forEach((value, i) => {
          store.createTrainingJob({
            name: `t-${i}`,
            tuningJobName: "study-a",
            trialIndex: i,
            hyperparameters: {},
            now: i,
          });
          const failed = i === 4;
          store.updateTrainingJob(`t-${i}`, {
            status: failed ? "Failed" : "Completed",
            objectiveValue: value,
            objectiveStatus: failed ? "Failed" : "Succeeded",
            now: 10,
          });
        });
        store.createTrainingJob({ name: "t-5", tuningJobName: "study-a", trialIndex: 5, hyperparameters: {}, now: 5 });
        expect(store.bestTrainingJob("STUDY-A", "Maximize")?.name).toBe("t-1");
        expect(store.bestTrainingJob("study-a", "Minimize")?.name).toBe("t-2");
        expect(store.bestTrainingJob("nothing-here", "Minimize")).toBeUndefined();
      });

      it("pages a tuning job's jobs in any order with the total, and lists finished results in the order they ended", () => {
        study();
        // name, objective value (null: none), status, ended at
        const spec: [string, number | null, "Completed" | "Stopped" | "InProgress", number | null][] = [
          ["Job-c", 0.5, "Completed", 30],
          ["job-a", 0.9, "Stopped", 10],
          ["job-B", null, "InProgress", null],
          ["job-d", 0.2, "Completed", 20],
          ["job-e", 0.9, "Completed", 20],
        ];
        spec.forEach(([name, value, status, endedAt], i) => {
          store.createTrainingJob({ name, tuningJobName: "study-a", trialIndex: i, hyperparameters: {}, now: 100 - i });
          store.updateTrainingJob(name, {
            status,
            ...(value === null ? {} : { objectiveValue: value, objectiveStatus: "Succeeded" as const }),
            ...(endedAt === null ? {} : { endedAt }),
            now: 200,
          });
        });
        const names = (o: Parameters<typeof store.pageTrainingJobs>[1]) => {
          const { jobs, total } = store.pageTrainingJobs("STUDY-A", o);
          return { names: jobs.map((j) => j.name), total };
        };
        expect(names({ sortBy: "name" })).toEqual({ names: ["job-a", "job-B", "Job-c", "job-d", "job-e"], total: 5 });
        // Ties keep trial order whichever the direction; jobs without a value are left out of an objective sort.
        expect(names({ sortBy: "objectiveValue", descending: true })).toEqual({
          names: ["job-a", "job-e", "Job-c", "job-d"],
          total: 4,
        });
        expect(names({ sortBy: "objectiveValue", limit: 2, offset: 1 })).toEqual({
          names: ["Job-c", "job-a"],
          total: 4,
        });
        expect(names({ sortBy: "createdAt" }).names).toEqual(["job-e", "job-d", "job-B", "job-a", "Job-c"]);
        expect(names({ sortBy: "status", status: "Completed", descending: true })).toEqual({
          names: ["Job-c", "job-d", "job-e"],
          total: 3,
        });
        expect(names({ sortBy: "name", status: "Failed" })).toEqual({ names: [], total: 0 });
        expect(store.listObjectiveResults("study-a")).toEqual([
          { value: 0.9, endedAt: 10, trialIndex: 1 },
          { value: 0.2, endedAt: 20, trialIndex: 3 },
          { value: 0.9, endedAt: 20, trialIndex: 4 },
          { value: 0.5, endedAt: 30, trialIndex: 0 },
        ]);
        expect(store.listObjectiveResults("nothing-here")).toEqual([]);
      });

      it("lists what charts draw of a tuning job's jobs, in trial order, without the rest of their records", () => {
        study();
        store.createTrainingJob({
          name: "early",
          tuningJobName: "study-a",
          trialIndex: 0,
          hyperparameters: {},
          now: 6,
        });
        store.createTrainingJob({
          name: "late",
          tuningJobName: "study-a",
          trialIndex: 1,
          definitionName: "def-a",
          hyperparameters: { lr: 0.1, optimizer: "adam" },
          request: { Large: "x".repeat(1000) },
          now: 5,
        });
        store.updateTrainingJob("late", {
          status: "Stopped",
          stopReason: "early stopping",
          objectiveValue: 0.7,
          objectiveStatus: "Succeeded",
          startedAt: 7,
          endedAt: 9,
          now: 9,
        });
        expect(store.listTrainingJobPoints("STUDY-A")).toEqual([
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
        expect(store.listTrainingJobPoints("nothing-here")).toEqual([]);
      });

      it("moves status by compare-and-set and keeps the fields not patched", () => {
        store.createTrainingJob({ name: "job", hyperparameters: { a: "x" }, request: { R: 1 }, now: 1 });
        expect(store.updateTrainingJob("job", { status: "Stopping", now: 2 }, ["InProgress"])?.status).toBe("Stopping");
        expect(store.updateTrainingJob("job", { status: "Completed", now: 3 }, ["InProgress"])).toBeUndefined();
        const stopped = store.updateTrainingJob("job", { status: "Stopped", stopReason: "user", endedAt: 4, now: 4 }, [
          "Stopping",
        ]);
        expect(stopped).toMatchObject({ status: "Stopped", stopReason: "user", endedAt: 4, request: { R: 1 } });
        expect(stopped?.hyperparameters).toEqual({ a: "x" });
      });
    });

    describe("training jobs that run a process", () => {
      it("records the secondary status history, directory and model artifact", () => {
        store.createTrainingJob({
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
        store.updateTrainingJob("run", { secondaryStatus: "Training", statusTransitions: transitions, now: 2 });
        store.updateTrainingJob("run", { modelArtifacts: "/out/run/output/model.tar.gz", now: 3 });
        expect(store.getTrainingJob("run")).toMatchObject({
          secondaryStatus: "Training",
          statusTransitions: transitions,
          jobDir: "/jobs/run",
          modelArtifacts: "/out/run/output/model.tar.gz",
        });
      });

      it("lists summaries: every field but the request, status history and strategy state", () => {
        store.createTrainingJob({
          name: "full",
          hyperparameters: { lr: 0.1 },
          request: { TrainingJobName: "full" },
          strategyState: { step: 3 },
          now: 1,
        });
        store.updateTrainingJob("full", {
          statusTransitions: [{ Status: "Starting", StartTime: 1, StatusMessage: "Preparing" }],
          objectiveValue: 0.5,
          objectiveStatus: "Succeeded",
          now: 2,
        });
        const full = store.getTrainingJob("full");
        expect(full).toMatchObject({ request: { TrainingJobName: "full" }, strategyState: { step: 3 } });
        expect(store.listTrainingJobs()).toEqual([full]);
      });

      it("deletes a job with its metrics, logs, lease and stop requests", () => {
        store.createTrainingJob({ name: "gone", hyperparameters: {}, now: 1 });
        store.appendMetricPoints("gone", [{ metricName: "loss", value: 1, timestamp: 1 }]);
        store.setLogCursor({ trainingJobName: "gone", stream: "combined", path: "/x", offset: 1, updatedAt: 1 });
        store.acquireLease({ kind: "training-job", name: "gone", owner: "me", ttlMs: 100, now: 1 });
        store.requestStop("training-job", "gone", 1);
        expect(store.deleteTrainingJob("GONE")).toBe(true);
        expect(store.getTrainingJob("gone")).toBeUndefined();
        expect(store.getLease("training-job", "gone")).toBeUndefined();
        expect(store.pendingStopRequests("training-job", "gone")).toEqual([]);
        store.createTrainingJob({ name: "gone", hyperparameters: {}, now: 2 });
        expect(store.listMetricPoints("gone")).toEqual([]);
        expect(store.getLogCursor("gone", "combined")).toBeUndefined();
        expect(store.deleteTrainingJob("never")).toBe(false);
      });
    });

    describe("metrics and logs", () => {
      it("keeps metric points in emission order, per metric or all", () => {
        store.createTrainingJob({ name: "job", hyperparameters: {}, now: 1 });
        store.appendMetricPoints("job", [
          { metricName: "loss", value: 0.9, timestamp: 1 },
          { metricName: "f1", value: 0.5, timestamp: 1 },
        ]);
        store.appendMetricPoints("job", [{ metricName: "f1", value: 0.7, timestamp: 2 }]);
        expect(store.listMetricPoints("job", "f1")).toEqual([
          { seq: 1, metricName: "f1", value: 0.5, timestamp: 1 },
          { seq: 2, metricName: "f1", value: 0.7, timestamp: 2 },
        ]);
        expect(store.listMetricPoints("job").map((p) => p.seq)).toEqual([0, 1, 2]);
        expect(() => store.appendMetricPoints("nope", [])).toThrow(
          expect.objectContaining({ code: "E_STORE_NOT_FOUND" }),
        );
      });

      it("remembers how far each log was read", () => {
        store.createTrainingJob({ name: "job", hyperparameters: {}, now: 1 });
        const cursor = { trainingJobName: "job", stream: "combined", path: "/tmp/job.log", offset: 10, updatedAt: 1 };
        store.setLogCursor(cursor);
        store.setLogCursor({ ...cursor, offset: 25, updatedAt: 2 });
        expect(store.getLogCursor("job", "combined")).toEqual({ ...cursor, offset: 25, updatedAt: 2 });
        expect(store.getLogCursor("job", "other")).toBeUndefined();
      });
    });

    describe("leases", () => {
      const request = { kind: "tuning-job" as const, name: "tj", ttlMs: 100, pid: 42, pgid: 42, processStartTime: 5 };

      it("belongs to one owner until it expires", () => {
        expect(store.acquireLease({ ...request, owner: "a", now: 0 })).toMatchObject({
          owner: "a",
          expiresAt: 100,
          pid: 42,
        });
        expect(store.acquireLease({ ...request, owner: "b", now: 50 })).toBeUndefined();
        expect(store.renewLease("tuning-job", "tj", "a", 100, 60)).toBe(true);
        expect(store.acquireLease({ ...request, owner: "b", now: 150 })).toBeUndefined();
        expect(store.listExpiredLeases(159)).toEqual([]);
        expect(store.listExpiredLeases(160).map((l) => l.owner)).toEqual(["a"]);
        const taken = store.acquireLease({ ...request, owner: "b", now: 161 });
        expect(taken).toMatchObject({ owner: "b", acquiredAt: 161 });
        expect(store.renewLease("tuning-job", "tj", "a", 100, 162)).toBe(false);
        expect(store.releaseLease("tuning-job", "tj", "a")).toBe(false);
        expect(store.releaseLease("tuning-job", "tj", "b")).toBe(true);
        expect(store.getLease("tuning-job", "tj")).toBeUndefined();
      });

      it("keeps the first acquisition time when its owner re-acquires", () => {
        store.acquireLease({ ...request, owner: "a", now: 0 });
        expect(store.acquireLease({ ...request, owner: "a", now: 30 })).toMatchObject({
          acquiredAt: 0,
          heartbeatAt: 30,
        });
      });
    });

    describe("stop requests", () => {
      it("records one pending request per job until acknowledged", () => {
        const first = store.requestStop("tuning-job", "tj", 1, "user");
        expect(store.requestStop("tuning-job", "TJ", 2).id).toBe(first.id);
        store.requestStop("training-job", "job", 3);
        expect(store.pendingStopRequests("tuning-job").map((r) => r.reason)).toEqual(["user"]);
        expect(store.pendingStopRequests()).toHaveLength(2);
        expect(store.acknowledgeStopRequest(first.id, 4)).toBe(true);
        expect(store.acknowledgeStopRequest(first.id, 5)).toBe(false);
        expect(store.pendingStopRequests("tuning-job", "tj")).toEqual([]);
        expect(store.requestStop("tuning-job", "tj", 6).id).not.toBe(first.id);
      });
    });

    describe("counters", () => {
      it("advances atomically and returns the value before", () => {
        expect(store.advanceCounter("tj", "bracket")).toBe(0);
        expect(store.advanceCounter("tj", "bracket", 5)).toBe(1);
        expect(store.advanceCounter("tj", "bracket")).toBe(6);
        expect(store.advanceCounter("other", "bracket")).toBe(0);
      });
    });

    it("refuses use after close", () => {
      store.close();
      expect(() => store.listTuningJobs()).toThrow();
      store = open();
    });
  });
}
