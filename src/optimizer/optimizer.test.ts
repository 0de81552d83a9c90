import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { stopJob } from "../services/index.js";
import { CategoricalParameter, ContinuousParameter, IntegerParameter } from "../space/index.js";
import { MemoryStore, SqliteStore } from "../store/index.js";
import { createOptimizer } from "./optimizer.js";
import type { OptimizerOptions } from "./options.js";

const dir = mkdtempSync(join(tmpdir(), "tunekit-optimizer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshFile = () => join(dir, `study-${files++}.db`);

const ranges = () => ({
  lr: new ContinuousParameter(1e-6, 1e-2, "Logarithmic"),
  layers: new IntegerParameter(1, 4),
  act: new CategoricalParameter(["relu", "tanh"]),
});
const base = (extra: Partial<OptimizerOptions> = {}): OptimizerOptions => ({
  strategy: "Random",
  ranges: ranges(),
  objective: "Maximize",
  seed: 7,
  ...extra,
});

describe("ask/tell", () => {
  it("asks, tells, and reports the best trial and every trial", async () => {
    const opt = await createOptimizer(base());
    const a = await opt.ask();
    const b = await opt.ask();
    expect([a.id, b.id]).toEqual([0, 1]);
    expect(a.hyperparameters).not.toEqual(b.hyperparameters);
    expect(await opt.best()).toBeUndefined();
    await opt.tell(a.id, 0.5);
    await opt.tell(b.id, 0.8);
    const c = await opt.ask();
    await opt.tell(c.id, { failed: true, reason: "out of memory" });
    expect(await opt.best()).toEqual({ id: 1, hyperparameters: b.hyperparameters, value: 0.8 });
    expect((await opt.trials()).map((t) => [t.id, t.state, t.value, t.failureReason])).toEqual([
      [0, "Completed", 0.5, undefined],
      [1, "Completed", 0.8, undefined],
      [2, "Failed", undefined, "out of memory"],
    ]);
  });

  it("finds the smallest value when minimising", async () => {
    const opt = await createOptimizer(base({ objective: "Minimize" }));
    for (const v of [3, 1, 2]) await opt.tell((await opt.ask()).id, v);
    expect((await opt.best())?.value).toBe(1);
  });

  it("gives the same suggestions for the same seed, and others for another", async () => {
    for (const strategy of ["Random", "Sobol"] as const) {
      const seq = async (seed: number) => {
        const opt = await createOptimizer(base({ strategy, seed }));
        const asked = [];
        for (let i = 0; i < 5; i++) asked.push((await opt.ask()).hyperparameters);
        return asked;
      };
      expect(await seq(7)).toEqual(await seq(7));
      expect(await seq(8)).not.toEqual(await seq(7));
    }
  });

  it("resumes from its storage: pending trials stay pending and the sequence goes on unchanged", async () => {
    const path = freshFile();
    const uninterrupted = await createOptimizer(base());
    const expected = [];
    for (let i = 0; i < 6; i++) expected.push((await uninterrupted.ask()).hyperparameters);

    const first = await createOptimizer(base({ storage: path }));
    const t0 = await first.ask();
    const t1 = await first.ask();
    await first.ask();
    await first.tell(t0.id, 1);
    await first.tell(t1.id, 2);
    await first.close();

    const second = await createOptimizer(base({ storage: path }));
    expect((await second.trials()).map((t) => t.state)).toEqual(["Completed", "Completed", "Pending"]);
    await second.tell(2, 3);
    const more = [await second.ask(), await second.ask(), await second.ask()];
    expect(more.map((t) => t.id)).toEqual([3, 4, 5]);
    expect([...(await second.trials()).slice(0, 3), ...more].map((t) => t.hyperparameters)).toEqual(expected);
    await second.close();
  });

  it("keeps the stored seed when reopened without one", async () => {
    const path = freshFile();
    const first = await createOptimizer({ ranges: ranges(), objective: "Maximize", storage: path });
    const seed = first.seed;
    await first.close();
    const again = await createOptimizer({ ranges: ranges(), objective: "Maximize", storage: path });
    expect(again.seed).toBe(seed);
    await again.close();
  });

  it("refuses to resume a study with different options", async () => {
    const path = freshFile();
    (await createOptimizer(base({ storage: path }))).close();
    await expect(createOptimizer(base({ storage: path, objective: "Minimize" }))).rejects.toMatchObject({
      code: "E_STUDY_MISMATCH",
      field: "objective",
    });
    await expect(createOptimizer(base({ storage: path, seed: 8 }))).rejects.toMatchObject({
      code: "E_STUDY_MISMATCH",
      field: "seed",
    });
    await expect(
      createOptimizer(base({ storage: path, ranges: { lr: new ContinuousParameter(0, 1) } })),
    ).rejects.toMatchObject({ code: "E_STUDY_MISMATCH", field: "ranges" });
    const other = await createOptimizer(base({ storage: path, name: "other", objective: "Minimize" }));
    expect(await other.trials()).toEqual([]);
    await other.close();
  });

  it("lets two optimizers on one store take turns without sharing an index", async () => {
    const store = new MemoryStore();
    const a = await createOptimizer(base({ store }));
    const b = await createOptimizer(base({ store }));
    expect([(await a.ask()).id, (await b.ask()).id, (await a.ask()).id]).toEqual([0, 1, 2]);
    expect(await a.trials()).toHaveLength(3);
  });

  it("takes no new trials once its study is stopped, but still takes the pending ones' results", async () => {
    const store = new MemoryStore();
    const opt = await createOptimizer(base({ store }));
    const pending = await opt.ask();
    expect((await stopJob(store, "tuning-job", "default", 5)).action).toBe("stopped");
    await expect(opt.ask()).rejects.toMatchObject({ code: "E_STUDY_ENDED" });
    await opt.tell(pending.id, 0.4);
    expect(await opt.optimize(() => 1, { maxTrials: 10 })).toMatchObject({ id: pending.id, value: 0.4 });
    expect(await opt.trials()).toHaveLength(1);
  });

  it("reports a grid that has nothing left", async () => {
    const opt = await createOptimizer({
      strategy: "Grid",
      objective: "Maximize",
      ranges: { a: new CategoricalParameter(["x", "y"]) },
    });
    await opt.ask();
    await opt.ask();
    await expect(opt.ask()).rejects.toMatchObject({ code: "E_SEARCH_EXHAUSTED" });
  });
});

describe("bad input", () => {
  const rejects = async (options: unknown, code: string, field?: string) => {
    const path = freshFile();
    await expect(createOptimizer({ ...(options as OptimizerOptions), storage: path })).rejects.toThrow(
      expect.objectContaining(field === undefined ? { code } : { code, field }),
    );
    expect(existsSync(path)).toBe(false);
  };

  it("rejects bad options before touching the storage", async () => {
    await rejects(base({ strategy: "Annealing" as "Random" }), "E_UNKNOWN_STRATEGY", "strategy");
    await rejects(base({ objective: "Max" as "Maximize" }), "E_VALIDATION", "objective");
    await rejects(base({ seed: -1 }), "E_VALIDATION", "seed");
    await rejects(base({ seed: 1.5 }), "E_VALIDATION", "seed");
    await rejects(base({ name: "bad name!" }), "E_VALIDATION", "name");
    await rejects({ ...base(), colour: "red" }, "E_VALIDATION", "colour");
    await rejects(base({ ranges: { lr: new ContinuousParameter(Number.NaN, 1) } }), "E_RANGE_NOT_FINITE", "lr.min");
    await rejects(base({ ranges: { lr: new ContinuousParameter(1, Number.POSITIVE_INFINITY) } }), "E_RANGE_NOT_FINITE");
    await rejects(base({ ranges: { lr: new ContinuousParameter(1, 0) } }), "E_RANGE_REVERSED", "lr");
    await rejects(base({ ranges: { lr: "0..1" as never } }), "E_RANGE_TYPE");
    await rejects(base({ strategy: "Grid" }), "E_GRID_NON_CATEGORICAL", "ranges.lr");
  });

  it("rejects tells that make no sense and leaves the trial as it was", async () => {
    const opt = await createOptimizer(base({ storage: freshFile() }));
    const t = await opt.ask();
    const rejectsTell = async (id: unknown, value: unknown, code: string) =>
      await expect(opt.tell(id as number, value as number)).rejects.toMatchObject({ code });
    await rejectsTell(t.id, Number.NaN, "E_VALIDATION");
    await rejectsTell(t.id, Number.POSITIVE_INFINITY, "E_VALIDATION");
    await rejectsTell(t.id, "0.5", "E_VALIDATION");
    await rejectsTell(t.id, { failed: false }, "E_VALIDATION");
    await rejectsTell(t.id, { failed: true, reason: 42 }, "E_VALIDATION");
    await rejectsTell(99, 0.5, "E_UNKNOWN_TRIAL");
    await rejectsTell(-1, 0.5, "E_UNKNOWN_TRIAL");
    await rejectsTell("0", 0.5, "E_UNKNOWN_TRIAL");
    expect((await opt.trials())[0]?.state).toBe("Pending");
    await opt.tell(t.id, 0.5);
    await rejectsTell(t.id, 0.6, "E_TRIAL_FINISHED");
    expect((await opt.trials())[0]?.value).toBe(0.5);
    await opt.close();
  });

  it("rejects a storage file that is corrupt or from a newer tunekit", async () => {
    const corrupt = freshFile();
    writeFileSync(corrupt, "not a database at all, just some bytes that go on for a while");
    await expect(createOptimizer(base({ storage: corrupt }))).rejects.toMatchObject({ code: "E_STORE_CORRUPT" });

    const newer = freshFile();
    (await createOptimizer(base({ storage: newer }))).close();
    const db = new Database(newer);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)").run();
    db.close();
    await expect(createOptimizer(base({ storage: newer }))).rejects.toMatchObject({ code: "E_STORE_SCHEMA_TOO_NEW" });
  });
});

describe("optimize", () => {
  it("runs maxTrials evaluations, at most maxParallel at once", async () => {
    const opt = await createOptimizer(base());
    let running = 0;
    let peak = 0;
    const best = await opt.optimize(
      async (hp) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return -Math.abs(Math.log10(hp.lr as number) + 4);
      },
      { maxTrials: 20, maxParallel: 3 },
    );
    expect(await opt.trials()).toHaveLength(20);
    expect(peak).toBe(3);
    expect(best?.value).toBe(Math.max(...(await opt.trials()).map((t) => t.value as number)));
  });

  it("fails the trials whose objective throws or returns a non-number, and goes on", async () => {
    const opt = await createOptimizer(base());
    await opt.optimize(
      (_hp, trial) => {
        if (trial.id === 1) throw new Error("diverged");
        if (trial.id === 2) return Number.NaN;
        return trial.id;
      },
      { maxTrials: 4 },
    );
    expect((await opt.trials()).map((t) => [t.state, t.failureReason])).toEqual([
      ["Completed", undefined],
      ["Failed", "diverged"],
      ["Failed", "the objective returned NaN"],
      ["Completed", undefined],
    ]);
  });

  it("finishes a resumed study's budget, evaluating its pending trials first", async () => {
    const path = freshFile();
    const first = await createOptimizer(base({ storage: path }));
    await first.tell((await first.ask()).id, 1);
    await first.ask();
    await first.close();
    const second = await createOptimizer(base({ storage: path }));
    const evaluated: number[] = [];
    await second.optimize(
      (_hp, trial) => {
        evaluated.push(trial.id);
        return trial.id;
      },
      { maxTrials: 5 },
    );
    expect(evaluated).toEqual([1, 2, 3, 4]);
    expect((await second.trials()).every((t) => t.state === "Completed")).toBe(true);
    await second.close();
  });

  it("is Completed once optimize() has told every trial, and carries on when asked for more", async () => {
    const path = freshFile();
    const opt = await createOptimizer(base({ storage: path }));
    expect(await opt.status()).toBe("InProgress");
    await opt.optimize((_hp, trial) => trial.id, { maxTrials: 3 });
    expect(await opt.status()).toBe("Completed");
    const store = new SqliteStore(path);
    expect((await store.getTuningJob("default"))?.endedAt).not.toBeNull();
    await store.close();
    await opt.optimize((_hp, trial) => trial.id, { maxTrials: 5 });
    expect((await opt.trials()).map((t) => t.id)).toEqual([0, 1, 2, 3, 4]);
    expect(await opt.status()).toBe("Completed");
    const extra = await opt.ask();
    expect(extra.id).toBe(5);
    expect(await opt.status()).toBe("InProgress");
    await opt.close();
  });

  it("stops at an exhausted grid and validates its options", async () => {
    const opt = await createOptimizer({
      strategy: "Grid",
      objective: "Minimize",
      ranges: { a: new CategoricalParameter([1, 2, 3]) },
    });
    await opt.optimize((hp) => hp.a as number, { maxTrials: 10, maxParallel: 2 });
    expect(await opt.trials()).toHaveLength(3);
    await expect(opt.optimize(() => 1, { maxTrials: 0 })).rejects.toMatchObject({ field: "maxTrials" });
    await expect(opt.optimize(() => 1, { maxTrials: 5, maxParallel: 1.5 })).rejects.toMatchObject({
      field: "maxParallel",
    });
  });
});
