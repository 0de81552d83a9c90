import { describe, expect, it } from "vitest";
import { createRng } from "../../random.js";
import { ContinuousParameter, SearchSpace } from "../../space/index.js";
import type { TrialView } from "../strategy.js";
import { suggestContext } from "../suggest-request.js";
import { minimumPoints, modelRung, RANDOM_FRACTION, RungModelStrategy } from "./index.js";

const view = (index: number, x: number, series: number[]): TrialView => ({
  index,
  hyperparameters: { x },
  state: "Completed",
  value: series[series.length - 1] as number,
  series,
});

describe("the rung model's data", () => {
  it("is the highest rung with enough values, each job's value at that epoch, and those stopped below as pending", () => {
    // Six jobs stopped at epoch 1, four reached epoch 3, one went to 9.
    const history = [
      ...[0.1, 0.2, 0.3, 0.4, 0.5, 0.6].map((x, i) => view(i, x, [x])),
      ...[0.7, 0.75, 0.8, 0.85].map((x, i) => view(6 + i, x, [x, x + 1, x + 2])),
      view(10, 0.9, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
    ];
    // Epoch 9 has one value, epoch 3 five (with the full job's): below six, so epoch 1, where all eleven are.
    expect(modelRung(history, 6)?.epoch).toBe(1);
    const atThree = modelRung(history, 5);
    expect(atThree?.epoch).toBe(3);
    expect(atThree?.history.map((t) => t.value)).toEqual([2.7, 2.75, 2.8, 2.85, 3]);
    // The six stopped at epoch 1 are shown as pending, without a value: believed at the model's mean, never repeated.
    expect(atThree?.below.map((t) => [t.index, t.state, t.value])).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => [i, "Pending", undefined]),
    );
    expect(modelRung(history.slice(0, 3), 6)).toBeUndefined();
    expect(minimumPoints(2)).toBe(6);
    expect(minimumPoints(8)).toBe(10);
  });
});

describe("the rung model strategy", () => {
  const space = new SearchSpace({ x: new ContinuousParameter(0, 1, "Linear") });
  /** Learning curves whose every epoch ranks configurations alike: the best x is 0.8. */
  const curve = (x: number, epochs: number) => Array.from({ length: epochs }, (_, e) => -((x - 0.8) ** 2) + 0.1 * e);

  it("samples at random until a rung has enough values, then mostly from the model around the rung's best", () => {
    const rng = createRng(1, "rung-model-test");
    const history: TrialView[] = Array.from({ length: 12 }, (_, i) => {
      const x = rng.next();
      return view(i, x, curve(x, i % 3 === 0 ? 3 : 1));
    });
    const strategy = new RungModelStrategy();
    const suggestions = Array.from({ length: 30 }, (_, k) =>
      strategy.suggest(
        suggestContext(space, { objective: "Maximize", history, pending: [], trialIndex: 12 + k, seed: 4 }),
      ),
    );
    const fromModel = suggestions.filter((s) => s !== "exhausted" && s.state !== undefined);
    // About two thirds come from the model (a stored kernel fit), and they crowd the optimum.
    expect(fromModel.length).toBeGreaterThan(30 * (1 - RANDOM_FRACTION) - 8);
    expect(fromModel.length).toBeLessThan(30);
    const near = fromModel.filter((s) => s !== "exhausted" && Math.abs((s.hyperparameters.x as number) - 0.8) < 0.15);
    expect(near.length).toBeGreaterThan(fromModel.length / 2);
    // Too little data at every rung: all random (no kernel fit stored).
    const early = strategy.suggest(
      suggestContext(space, {
        objective: "Maximize",
        history: history.slice(0, 3),
        pending: [],
        trialIndex: 3,
        seed: 4,
      }),
    );
    expect(early !== "exhausted" && early.state).toBeUndefined();
  });
});
