import { describe, expect, it } from "vitest";
import type { Store } from "../store/index.js";
import type { Executor, TrialLaunch } from "./executor.js";

/** A job the contract runs: the objective values it emits, one per epoch, the time an epoch takes, and whether it fails. */
export interface Behaviour {
  readonly values: readonly number[];
  readonly seconds: number;
  readonly fails?: boolean;
}

export interface ExecutorHarness {
  readonly store: Store;
  readonly executor: Executor;
  /** A trial of tuning job "contract" that behaves as told. */
  trial(index: number, behaviour: Behaviour): TrialLaunch;
}

async function untilEnded(executor: Executor, count: number) {
  const ended = [];
  for (let i = 0; i < 10_000 && ended.length < count; i++) {
    await executor.wait(executor.clock.now() + 60_000);
    ended.push(...executor.takeEnded());
  }
  return ended;
}

/** A fresh executor with the tuning job its trials belong to. */
function harness(make: () => ExecutorHarness): ExecutorHarness {
  const h = make();
  h.store.createTuningJob({ name: "contract", kind: "tuning-job", config: {}, seed: 1, now: h.executor.clock.now() });
  return h;
}

/** What every executor must do for the tuner: the same loop drives them all. */
export function executorContract(name: string, make: () => ExecutorHarness): void {
  describe(`Executor contract: ${name}`, () => {
    it("runs a trial: its record exists at once, its values land in the store, and it ends Completed", async () => {
      const h = harness(make);
      expect(h.executor.reserve()).toBe(true);
      const trial = h.trial(0, { values: [3, 2, 1], seconds: 0.05 });
      h.executor.launch(trial);
      const record = h.store.getTrainingJob(trial.name);
      expect(record).toMatchObject({ tuningJobName: "contract", trialIndex: 0, status: "InProgress" });
      expect(h.executor.running).toBe(1);
      const [ended] = await untilEnded(h.executor, 1);
      expect(ended).toMatchObject({ name: trial.name, status: "Completed" });
      expect(h.store.listMetricPoints(trial.name, "loss").map((p) => p.value)).toEqual([3, 2, 1]);
      expect(h.executor.running).toBe(0);
      await h.executor.close();
    });

    it("reports a failing trial as Failed", async () => {
      const h = harness(make);
      h.executor.reserve();
      const trial = h.trial(0, { values: [5], seconds: 0, fails: true });
      h.executor.launch(trial);
      const [ended] = await untilEnded(h.executor, 1);
      expect(ended?.status).toBe("Failed");
      expect(ended?.failureReason).toBeTruthy();
      await h.executor.close();
    });

    it("stops a running trial on request, recording why", async () => {
      const h = harness(make);
      h.executor.reserve();
      const trial = h.trial(0, { values: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], seconds: 0.5 });
      h.executor.launch(trial);
      // Let it emit something first.
      for (let i = 0; i < 200 && h.store.listMetricPoints(trial.name).length === 0; i++) {
        await h.executor.wait(h.executor.clock.now() + 600);
      }
      h.executor.stop(trial.name, "early-stopping");
      const [ended] = await untilEnded(h.executor, 1);
      expect(ended).toMatchObject({ status: "Stopped", stopReason: "early-stopping" });
      expect(h.store.listMetricPoints(trial.name).length).toBeLessThan(10);
      await h.executor.close();
    });

    it("runs trials side by side, each ending on its own", async () => {
      const h = harness(make);
      const trials = [0, 1].map((i) => h.trial(i, { values: [i + 1], seconds: 0.05 * (i + 1) }));
      for (const t of trials) {
        expect(h.executor.reserve()).toBe(true);
        h.executor.launch(t);
      }
      expect(h.executor.running).toBe(2);
      const ended = await untilEnded(h.executor, 2);
      expect(ended.map((r) => r.name).sort()).toEqual(trials.map((t) => t.name).sort());
      await h.executor.close();
    });
  });
}
