import { describe, expect, it } from "vitest";
import { createRng } from "../random.js";
import type { SearchSpace } from "../space/index.js";
import type { Strategy, SuggestContext, TrialView } from "./strategy.js";
import { suggestMany } from "./suggest-batch.js";

/**
 * What every strategy owes the tuner: suggestions inside the space, a pure
 * function of the context (same context, same suggestion, in any process),
 * no mutation of the history it is shown, and "exhausted" that stays so.
 */
export function strategyContract(
  label: string,
  make: () => Strategy,
  space: SearchSpace,
  /** `seeded: false` for a strategy whose order does not depend on the seed (Grid). */
  options: { seeded?: boolean } = {},
): void {
  describe(`Strategy contract: ${label}`, () => {
    const context = (trialIndex: number, history: TrialView[] = [], seed = 11): SuggestContext => ({
      space,
      objective: "Minimize",
      history,
      pending: [],
      trialIndex,
      seed,
      rng: createRng(seed, "trial", trialIndex),
    });

    const run = (strategy: Strategy, n: number, seed = 11) => {
      const history: TrialView[] = [];
      for (let i = 0; i < n; i++) {
        const s = strategy.suggest(context(i, [...history], seed));
        if (s === "exhausted") break;
        history.push({
          index: i,
          hyperparameters: s.hyperparameters,
          state: "Completed",
          value: i % 7,
          ...(s.state === undefined ? {} : { strategyState: s.state }),
        });
      }
      return history;
    };

    it("accepts its own space", () => {
      expect(() => make().checkSpace(space)).not.toThrow();
    });

    it("suggests configurations inside the space", () => {
      for (const trial of run(make(), 25)) expect(() => space.encode(trial.hyperparameters)).not.toThrow();
    });

    it("is a pure function of its context: same seed and history, same suggestions, from a fresh instance", () => {
      const a = run(make(), 12).map((t) => t.hyperparameters);
      const b = run(make(), 12).map((t) => t.hyperparameters);
      expect(b).toEqual(a);
    });

    it.runIf(options.seeded !== false)("draws other suggestions from another seed", () => {
      const a = run(make(), 12).map((t) => t.hyperparameters);
      expect(run(make(), 12, 12).map((t) => t.hyperparameters)).not.toEqual(a);
    });

    it.runIf(space.size() >= 13)("gives distinct configurations to asks made while earlier ones are pending", () => {
      const strategy = make();
      const history = run(strategy, 10);
      const pending: TrialView[] = [];
      for (let i = 10; i < 13; i++) {
        const s = strategy.suggest({ ...context(i, history), pending: [...pending] });
        if (s === "exhausted") throw new Error("exhausted with configurations left");
        pending.push({ index: i, hyperparameters: s.hyperparameters, state: "Pending" });
      }
      const seen = [...history, ...pending].map((t) => JSON.stringify(t.hyperparameters));
      expect(new Set(seen.slice(10)).size).toBe(3);
    });

    it.runIf(space.size() >= 13)("gives every slot of a batch its own configuration (suggestMany)", () => {
      const history = run(make(), 10);
      const batch = suggestMany(make(), { ...context(10, history), pending: [] }, 3);
      const keys = batch.map((s) => (s === "exhausted" ? "exhausted" : JSON.stringify(s.hyperparameters)));
      expect(keys).not.toContain("exhausted");
      expect(new Set([...history.map((t) => JSON.stringify(t.hyperparameters)), ...keys]).size).toBe(13);
    });

    it("does not mutate the history it is shown", () => {
      const history = run(make(), 5);
      const frozen = JSON.stringify(history);
      make().suggest(context(5, history));
      expect(JSON.stringify(history)).toBe(frozen);
    });

    // An infinite space never runs out: only a finite one, walked to its end, can show this.
    it.runIf(Number.isFinite(space.size()) && space.size() < 200)("stays exhausted once exhausted", () => {
      const strategy = make();
      const n = run(strategy, 200).length;
      expect(n).toBe(space.size());
      expect(strategy.suggest(context(n))).toBe("exhausted");
      expect(strategy.suggest(context(n + 5))).toBe("exhausted");
    });
  });
}
