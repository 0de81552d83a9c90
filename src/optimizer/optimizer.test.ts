import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { stopJob } from "../api/index.js";
import { CategoricalParameter, ContinuousParameter, IntegerParameter } from "../space/index.js";
import { MemoryStore } from "../store/index.js";
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
  it("asks, tells, and reports the best trial and every trial", () => {
    const opt = createOptimizer(base());
    const a = opt.ask();
    const b = opt.ask();
    expect([a.id, b.id]).toEqual([0, 1]);
    expect(a.hyperparameters).not.toEqual(b.hyperparameters);
    expect(opt.best()).toBeUndefined();
    opt.tell(a.id, 0.5);
    opt.tell(b.id, 0.8);
    const c = opt.ask();
    opt.tell(c.id, { failed: true, reason: "out of memory" });
    expect(opt.best()).toEqual({ id: 1, hyperparameters: b.hyperparameters, value: 0.8 });
    expect(opt.trials().map((t) => [t.id, t.state, t.value, t.failureReason])).toEqual([
      [0, "Completed", 0.5, undefined],
      [1, "Completed", 0.8, undefined],
      [2, "Failed", undefined, "out of memory"],
    ]);
  });

  it("finds the smallest value when minimising", () => {
    const opt = createOptimizer(base({ objective: "Minimize" }));
    for (const v of [3, 1, 2]) opt.tell(opt.ask().id, v);
    expect(opt.best()?.value).toBe(1);
  });

  it("gives the same suggestions for the same seed, and others for another", () => {
    for (const strategy of ["Random", "Sobol"] as const) {
      const seq = (seed: number) => {
        const opt = createOptimizer(base({ strategy, seed }));
        return Array.from({ length: 5 }, () => opt.ask().hyperparameters);
      };
      expect(seq(7)).toEqual(seq(7));
      expect(seq(8)).not.toEqual(seq(7));
    }
  });

  it("resumes from its storage: pending trials stay pending and the sequence goes on unchanged", () => {
    const path = freshFile();
    const uninterrupted = createOptimizer(base());
    const expected = Array.from({ length: 6 }, () => uninterrupted.ask().hyperparameters);

    const first = createOptimizer(base({ storage: path }));
    const t0 = first.ask();
    const t1 = first.ask();
    first.ask();
    first.tell(t0.id, 1);
    first.tell(t1.id, 2);
    first.close();

    const second = createOptimizer(base({ storage: path }));
    expect(second.trials().map((t) => t.state)).toEqual(["Completed", "Completed", "Pending"]);
    second.tell(2, 3);
    const more = [second.ask(), second.ask(), second.ask()];
    expect(more.map((t) => t.id)).toEqual([3, 4, 5]);
    expect([...second.trials().slice(0, 3), ...more].map((t) => t.hyperparameters)).toEqual(expected);
    second.close();
  });

  it("keeps the stored seed when reopened without one", () => {
    const path = freshFile();
    const first = createOptimizer({ ranges: ranges(), objective: "Maximize", storage: path });
    const seed = first.seed;
    first.close();
    const again = createOptimizer({ ranges: ranges(), objective: "Maximize", storage: path });
    expect(again.seed).toBe(seed);
    again.close();
  });

  it("refuses to resume a study with different options", () => {
    const path = freshFile();
    createOptimizer(base({ storage: path })).close();
    expect(() => createOptimizer(base({ storage: path, objective: "Minimize" }))).toThrow(
      expect.objectContaining({ code: "E_STUDY_MISMATCH", field: "objective" }),
    );
    expect(() => createOptimizer(base({ storage: path, seed: 8 }))).toThrow(
      expect.objectContaining({ code: "E_STUDY_MISMATCH", field: "seed" }),
    );
    expect(() => createOptimizer(base({ storage: path, ranges: { lr: new ContinuousParameter(0, 1) } }))).toThrow(
      expect.objectContaining({ code: "E_STUDY_MISMATCH", field: "ranges" }),
    );
    const other = createOptimizer(base({ storage: path, name: "other", objective: "Minimize" }));
    expect(other.trials()).toEqual([]);
    other.close();
  });

  it("lets two optimizers on one store take turns without sharing an index", () => {
    const store = new MemoryStore();
    const a = createOptimizer(base({ store }));
    const b = createOptimizer(base({ store }));
    expect([a.ask().id, b.ask().id, a.ask().id]).toEqual([0, 1, 2]);
    expect(a.trials()).toHaveLength(3);
  });

  it("takes no new trials once its study is stopped, but still takes the pending ones' results", async () => {
    const store = new MemoryStore();
    const opt = createOptimizer(base({ store }));
    const pending = opt.ask();
    expect(stopJob(store, "tuning-job", "default", 5).action).toBe("stopped");
    expect(() => opt.ask()).toThrow(expect.objectContaining({ code: "E_STUDY_ENDED" }));
    opt.tell(pending.id, 0.4);
    expect(await opt.optimize(() => 1, { maxTrials: 10 })).toMatchObject({ id: pending.id, value: 0.4 });
    expect(opt.trials()).toHaveLength(1);
  });

  it("reports a grid that has nothing left", () => {
    const opt = createOptimizer({
      strategy: "Grid",
      objective: "Maximize",
      ranges: { a: new CategoricalParameter(["x", "y"]) },
    });
    opt.ask();
    opt.ask();
    expect(() => opt.ask()).toThrow(expect.objectContaining({ code: "E_SEARCH_EXHAUSTED" }));
  });
});

describe("bad input", () => {
  const rejects = (options: unknown, code: string, field?: string) => {
    const path = freshFile();
    expect(() => createOptimizer({ ...(options as OptimizerOptions), storage: path })).toThrow(
      expect.objectContaining(field === undefined ? { code } : { code, field }),
    );
    expect(existsSync(path)).toBe(false);
  };

  it("rejects bad options before touching the storage", () => {
    rejects(base({ strategy: "Annealing" as "Random" }), "E_UNKNOWN_STRATEGY", "strategy");
    rejects(base({ objective: "Max" as "Maximize" }), "E_VALIDATION", "objective");
    rejects(base({ seed: -1 }), "E_VALIDATION", "seed");
    rejects(base({ seed: 1.5 }), "E_VALIDATION", "seed");
    rejects(base({ name: "bad name!" }), "E_VALIDATION", "name");
    rejects({ ...base(), colour: "red" }, "E_VALIDATION", "colour");
    rejects(base({ ranges: { lr: new ContinuousParameter(Number.NaN, 1) } }), "E_RANGE_NOT_FINITE", "lr.min");
    rejects(base({ ranges: { lr: new ContinuousParameter(1, Number.POSITIVE_INFINITY) } }), "E_RANGE_NOT_FINITE");
    rejects(base({ ranges: { lr: new ContinuousParameter(1, 0) } }), "E_RANGE_REVERSED", "lr");
    rejects(base({ ranges: { lr: "0..1" as never } }), "E_RANGE_TYPE");
    rejects(base({ strategy: "Grid" }), "E_GRID_NON_CATEGORICAL", "ranges.lr");
  });

  it("rejects tells that make no sense and leaves the trial as it was", () => {
    const opt = createOptimizer(base({ storage: freshFile() }));
    const t = opt.ask();
    const rejectsTell = (id: unknown, value: unknown, code: string) =>
      expect(() => opt.tell(id as number, value as number)).toThrow(expect.objectContaining({ code }));
    rejectsTell(t.id, Number.NaN, "E_VALIDATION");
    rejectsTell(t.id, Number.POSITIVE_INFINITY, "E_VALIDATION");
    rejectsTell(t.id, "0.5", "E_VALIDATION");
    rejectsTell(t.id, { failed: false }, "E_VALIDATION");
    rejectsTell(t.id, { failed: true, reason: 42 }, "E_VALIDATION");
    rejectsTell(99, 0.5, "E_UNKNOWN_TRIAL");
    rejectsTell(-1, 0.5, "E_UNKNOWN_TRIAL");
    rejectsTell("0", 0.5, "E_UNKNOWN_TRIAL");
    expect(opt.trials()[0]?.state).toBe("Pending");
    opt.tell(t.id, 0.5);
    rejectsTell(t.id, 0.6, "E_TRIAL_FINISHED");
    expect(opt.trials()[0]?.value).toBe(0.5);
    opt.close();
  });

  it("rejects a storage file that is corrupt or from a newer tunekit", () => {
    const corrupt = freshFile();
    writeFileSync(corrupt, "not a database at all, just some bytes that go on for a while");
    expect(() => createOptimizer(base({ storage: corrupt }))).toThrow(
      expect.objectContaining({ code: "E_STORE_CORRUPT" }),
    );

    const newer = freshFile();
    createOptimizer(base({ storage: newer })).close();
    const db = new Database(newer);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)").run();
    db.close();
    expect(() => createOptimizer(base({ storage: newer }))).toThrow(
      expect.objectContaining({ code: "E_STORE_SCHEMA_TOO_NEW" }),
    );
  });
});

describe("optimize", () => {
  it("runs maxTrials evaluations, at most maxParallel at once", async () => {
    const opt = createOptimizer(base());
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
    expect(opt.trials()).toHaveLength(20);
    expect(peak).toBe(3);
    expect(best?.value).toBe(Math.max(...opt.trials().map((t) => t.value as number)));
  });

  it("fails the trials whose objective throws or returns a non-number, and goes on", async () => {
    const opt = createOptimizer(base());
    await opt.optimize(
      (_hp, trial) => {
        if (trial.id === 1) throw new Error("diverged");
        if (trial.id === 2) return Number.NaN;
        return trial.id;
      },
      { maxTrials: 4 },
    );
    expect(opt.trials().map((t) => [t.state, t.failureReason])).toEqual([
      ["Completed", undefined],
      ["Failed", "diverged"],
      ["Failed", "the objective returned NaN"],
      ["Completed", undefined],
    ]);
  });

  it("finishes a resumed study's budget, evaluating its pending trials first", async () => {
    const path = freshFile();
    const first = createOptimizer(base({ storage: path }));
    first.tell(first.ask().id, 1);
    first.ask();
    first.close();
    const second = createOptimizer(base({ storage: path }));
    const evaluated: number[] = [];
    await second.optimize(
      (_hp, trial) => {
        evaluated.push(trial.id);
        return trial.id;
      },
      { maxTrials: 5 },
    );
    expect(evaluated).toEqual([1, 2, 3, 4]);
    expect(second.trials().every((t) => t.state === "Completed")).toBe(true);
    second.close();
  });

  it("stops at an exhausted grid and validates its options", async () => {
    const opt = createOptimizer({
      strategy: "Grid",
      objective: "Minimize",
      ranges: { a: new CategoricalParameter([1, 2, 3]) },
    });
    await opt.optimize((hp) => hp.a as number, { maxTrials: 10, maxParallel: 2 });
    expect(opt.trials()).toHaveLength(3);
    await expect(opt.optimize(() => 1, { maxTrials: 0 })).rejects.toMatchObject({ field: "maxTrials" });
    await expect(opt.optimize(() => 1, { maxTrials: 5, maxParallel: 1.5 })).rejects.toMatchObject({
      field: "maxParallel",
    });
  });
});
