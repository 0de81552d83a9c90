import { describe, expect, it } from "vitest";
import type { Store, TrainingJobRecord } from "../store/index.js";
import type { Executor, ExecutorEvent } from "./executor.js";

/** A job the contract runs: the objective values it emits, one per epoch, the time an epoch takes, and whether it fails. */
export interface Behaviour {
  readonly values: readonly number[];
  readonly seconds: number;
  readonly fails?: boolean;
}

export interface ExecutorHarness {
  readonly store: Store;
  readonly executor: Executor;
  /** The record of trial `index` of tuning job "contract" that behaves as told, as the tuner would create it. */
  trial(index: number, behaviour: Behaviour): Promise<TrainingJobRecord>;
}

/** Collects events until `count` jobs have ended. */
async function untilEnded(executor: Executor, count: number, seen: ExecutorEvent[] = []) {
  for (let i = 0; i < 10_000 && seen.filter((e) => e.type === "ended").length < count; i++) {
    seen.push(...(await executor.next(executor.clock.now() + 60_000)));
  }
  return seen;
}

const ended = (events: ExecutorEvent[]) => events.flatMap((e) => (e.type === "ended" ? [e.record] : []));

/** What every executor must do for the tuner: the same loop drives them all. */
export function executorContract(name: string, make: () => Promise<ExecutorHarness>): void {
  describe(`Executor contract: ${name}`, () => {
    it("runs a trial: it reports it started, each metric point once, and its end, and the store has them", async () => {
      const h = await make();
      expect(h.executor.reserve()).toBe(true);
      const trial = await h.trial(0, { values: [3, 2, 1], seconds: 0.05 });
      await h.executor.launch(trial);
      expect(h.executor.running).toBe(1);
      const events = await untilEnded(h.executor, 1);
      expect(events[0]).toMatchObject({ type: "started", job: trial.name, attempt: 0 });
      const reported = events.flatMap((e) => (e.type === "metrics" ? e.points.map((p) => p.value) : []));
      expect(reported).toEqual([3, 2, 1]);
      expect(ended(events)).toEqual([expect.objectContaining({ name: trial.name, status: "Completed" })]);
      expect((await h.store.listMetricPoints(trial.name, { metricName: "loss" })).map((p) => p.value)).toEqual([
        3, 2, 1,
      ]);
      expect(h.executor.running).toBe(0);
      await h.executor.close();
    });

    it("reports a failing trial as Failed with a reason", async () => {
      const h = await make();
      h.executor.reserve();
      const trial = await h.trial(0, { values: [5], seconds: 0, fails: true });
      await h.executor.launch(trial);
      const [record] = ended(await untilEnded(h.executor, 1));
      expect(record?.status).toBe("Failed");
      expect(record?.failureReason).toBeTruthy();
      await h.executor.close();
    });

    it("stops a running trial on request, recording why", async () => {
      const h = await make();
      h.executor.reserve();
      const trial = await h.trial(0, { values: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], seconds: 0.5 });
      await h.executor.launch(trial);
      const events: ExecutorEvent[] = [];
      // Let it emit something first.
      for (let i = 0; i < 200 && !events.some((e) => e.type === "metrics"); i++) {
        events.push(...(await h.executor.next(h.executor.clock.now() + 600)));
      }
      await h.executor.stop(trial.name, "early-stopping");
      const [record] = ended(await untilEnded(h.executor, 1, events));
      expect(record).toMatchObject({ status: "Stopped", stopReason: "early-stopping" });
      expect((await h.store.listMetricPoints(trial.name)).length).toBeLessThan(10);
      await h.executor.close();
    });

    it("runs a further attempt of a job: only that attempt's points count", async () => {
      const h = await make();
      h.executor.reserve();
      const first = await h.trial(0, { values: [9, 8], seconds: 0.01 });
      await h.executor.launch(first);
      await untilEnded(h.executor, 1);
      const again = (await h.store.updateTrainingJob(first.name, {
        status: "InProgress",
        retryAttempt: 1,
        endedAt: null,
        now: h.executor.clock.now(),
      })) as TrainingJobRecord;
      h.executor.reserve();
      await h.executor.launch(again, { resumeReason: "the contract runs it again" });
      const events = await untilEnded(h.executor, 1);
      expect(events.filter((e) => e.type === "metrics").every((e) => e.attempt === 1)).toBe(true);
      expect((await h.store.listMetricPoints(first.name)).map((p) => [p.attempt, p.value])).toEqual([
        [1, 9],
        [1, 8],
      ]);
      await h.executor.close();
    });

    it("runs trials side by side, each ending on its own", async () => {
      const h = await make();
      const trials = [
        await h.trial(0, { values: [1], seconds: 0.05 }),
        await h.trial(1, { values: [2], seconds: 0.1 }),
      ];
      for (const t of trials) {
        expect(h.executor.reserve()).toBe(true);
        await h.executor.launch(t);
      }
      expect(h.executor.running).toBe(2);
      const names = ended(await untilEnded(h.executor, 2)).map((r) => r.name);
      expect(names.sort()).toEqual(trials.map((t) => t.name).sort());
      await h.executor.close();
    });
  });
}
