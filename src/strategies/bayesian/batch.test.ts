import { describe, expect, it } from "vitest";
import { createRng } from "../../random.js";
import { ContinuousParameter, IntegerParameter, SearchSpace } from "../../space/index.js";
import { RandomStrategy } from "../random/index.js";
import { SobolStrategy } from "../sobol/index.js";
import type { SuggestContext, Suggestion, TrialView } from "../strategy.js";
import { suggestMany } from "../suggest-batch.js";
import { suggestContext } from "../suggest-request.js";
import { type BayesianState, BayesianStrategy } from "./index.js";

/** Batches: one model fit for every free slot, each slot's suggestion a pending trial to the next. */

const space = new SearchSpace({
  a: new ContinuousParameter(0, 1, "Linear"),
  b: new ContinuousParameter(0, 1, "Linear"),
  c: new IntegerParameter(1, 40, "Linear"),
});
const f = (hp: Record<string, unknown>) =>
  ((hp.a as number) - 0.3) ** 2 + ((hp.b as number) - 0.7) ** 2 + ((hp.c as number) - 12) ** 2 / 400;

function context(observed: number, pendingCount: number, seed = 5): SuggestContext {
  const rng = createRng(seed, "batch-history");
  const trial = (index: number, state: TrialView["state"]): TrialView => {
    const hyperparameters = space.decode([rng.next(), rng.next(), rng.next()]);
    return { index, hyperparameters, state, ...(state === "Completed" ? { value: f(hyperparameters) } : {}) };
  };
  const history = Array.from({ length: observed }, (_, i) => trial(i, "Completed"));
  const pending = Array.from({ length: pendingCount }, (_, i) => trial(observed + i, "Pending"));
  return suggestContext(space, { objective: "Minimize", history, pending, trialIndex: observed + pendingCount, seed });
}

const made = (s: Suggestion) => {
  if (s === "exhausted") throw new Error("exhausted");
  return s;
};
const unit = (hp: Record<string, unknown>) => space.encode(hp as Parameters<SearchSpace["encode"]>[0]);
const distance = (p: ArrayLike<number>, q: ArrayLike<number>) =>
  Math.hypot(...Array.from(p, (v, j) => v - (q[j] as number)));

describe("BayesianStrategy.suggestBatch", () => {
  it("gives every slot its own configuration, away from the pending trials and from each other", () => {
    const ctx = context(30, 4);
    const batch = new BayesianStrategy().suggestBatch(ctx, 12).map(made);
    expect(batch).toHaveLength(12);
    const keys = batch.map((s) => JSON.stringify(s.hyperparameters));
    const earlier = [...ctx.history, ...ctx.pending].map((t) => JSON.stringify(t.hyperparameters));
    expect(new Set(keys).size).toBe(12);
    for (const key of keys) expect(earlier).not.toContain(key);
    // The believer leaves no uncertainty at a pending point (the batch's earlier slots are pending to later ones).
    const points = batch.map((s) => unit(s.hyperparameters));
    const pendingPoints = ctx.pending.map((t) => unit(t.hyperparameters));
    points.forEach((p, i) => {
      for (const q of [...pendingPoints, ...points.slice(0, i)]) expect(distance(p, q)).toBeGreaterThan(1e-3);
    });
    // Every slot carries the one kernel fit the batch used.
    const kernel = (s: Suggestion) => (made(s).state as BayesianState).kernel;
    for (const s of batch) expect(kernel(s)).toEqual(kernel(batch[0] as Suggestion));
  });

  it("suggests for its first slot what a single suggestion would", () => {
    const ctx = context(30, 4);
    const [first] = new BayesianStrategy().suggestBatch(ctx, 5);
    expect(first).toEqual(new BayesianStrategy().suggest(ctx));
  });

  it("believes the pending trials it is given: other pending trials, other suggestions", () => {
    const without = context(30, 0);
    // Pending trials beside the best result, inside the trust region the search looks in (far ones barely move it).
    const best = without.history.reduce((a, b) => ((a.value as number) <= (b.value as number) ? a : b));
    const beside = (i: number, da: number, db: number): TrialView => ({
      index: 30 + i,
      state: "Pending",
      hyperparameters: {
        ...best.hyperparameters,
        a: Math.min(1, Math.max(0, (best.hyperparameters.a as number) + da)),
        b: Math.min(1, Math.max(0, (best.hyperparameters.b as number) + db)),
      },
    });
    const withPending = {
      ...without,
      pending: [beside(0, 0.03, 0), beside(1, -0.03, 0), beside(2, 0, 0.03), beside(3, 0, -0.03)],
      trialIndex: 34,
      rng: createRng(5, "trial", 34),
    };
    const a = new BayesianStrategy().suggestBatch(withPending, 3).map((s) => made(s).hyperparameters);
    const b = new BayesianStrategy()
      .suggestBatch({ ...without, trialIndex: 34, rng: createRng(5, "trial", 34) }, 3)
      .map((s) => made(s).hyperparameters);
    expect(a).not.toEqual(b);
  });

  it("draws the initial design's slots from Sobol, as single suggestions at those indices would", () => {
    const ctx = { ...context(2, 1), trialIndex: 3, rng: createRng(5, "trial", 3) };
    const batch = new BayesianStrategy().suggestBatch(ctx, 4).map(made);
    const sobol = new SobolStrategy();
    // Three ranges: a design of max(5, d + 1) = 5 points, so trials 3 and 4 are Sobol's.
    for (const i of [0, 1]) {
      const at = { ...ctx, trialIndex: 3 + i, rng: createRng(5, "trial", 3 + i) };
      expect(batch[i]?.hyperparameters).toEqual(made(sobol.suggest(at)).hyperparameters);
    }
    expect(new Set(batch.map((s) => JSON.stringify(s.hyperparameters))).size).toBe(4);
  });

  it("conditions on a subset once the history outgrows modelRows, and still spreads the batch", () => {
    const ctx = context(80, 2);
    const batch = new BayesianStrategy({ modelRows: 40 }).suggestBatch(ctx, 6).map(made);
    expect(new Set(batch.map((s) => JSON.stringify(s.hyperparameters))).size).toBe(6);
    const taken = new Set([...ctx.history, ...ctx.pending].map((t) => JSON.stringify(t.hyperparameters)));
    for (const s of batch) expect(taken.has(JSON.stringify(s.hyperparameters))).toBe(false);
  });
});

describe("suggestMany", () => {
  it("asks a strategy without batches once per slot, each earlier suggestion pending", () => {
    const ctx = context(10, 1);
    const batch = suggestMany(new RandomStrategy(), ctx, 5).map(made);
    expect(batch).toHaveLength(5);
    expect(new Set(batch.map((s) => JSON.stringify(s.hyperparameters))).size).toBe(5);
    // Slot i is trial trialIndex + i, drawn from that trial's own stream.
    const second = new RandomStrategy().suggest({
      ...ctx,
      trialIndex: ctx.trialIndex + 1,
      rng: createRng(5, "trial", ctx.trialIndex + 1),
    });
    expect(batch[1]?.hyperparameters).toEqual(made(second).hyperparameters);
  });
});
