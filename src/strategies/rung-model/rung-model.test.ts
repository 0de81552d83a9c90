import { describe, expect, it } from "vitest";
import { createRng } from "../../random.js";
import { ContinuousParameter, SearchSpace } from "../../space/index.js";
import type { Suggestion, TrialView } from "../strategy.js";
import { suggestContext } from "../suggest-request.js";
import { minimumPoints, RANDOM_FRACTION, RungModelStrategy } from "./index.js";

const view = (index: number, x: number, series: number[]): TrialView => ({
  index,
  hyperparameters: { x },
  state: "Stopped",
  value: series[series.length - 1] as number,
  series,
});

const space = new SearchSpace({ x: new ContinuousParameter(0, 1, "Linear") });
const modelled = (suggestions: Suggestion[]) =>
  suggestions.flatMap((s) => (s !== "exhausted" && s.state !== undefined ? [s.hyperparameters.x as number] : []));

function ask(
  history: TrialView[],
  count: number,
  pending: TrialView[] = [],
  judgedAt?: readonly number[],
): Suggestion[] {
  const strategy = new RungModelStrategy();
  return Array.from({ length: count }, (_, k) => {
    const trialIndex = 40 + k;
    const request = { objective: "Maximize" as const, history, pending, trialIndex, seed: 4 };
    return strategy.suggest(
      suggestContext(space, judgedAt ? { ...request, judgedAt: { [trialIndex]: judgedAt } } : request),
    );
  });
}
/** `count` stopped jobs at seeded random x, job i's curve run for `epochsOf(i)` epochs. */
function stoppedJobs(
  seed: number,
  count: number,
  curve: (x: number, epochs: number) => number[],
  epochsOf: (i: number) => number,
): TrialView[] {
  const rng = createRng(seed, "rung-model-test");
  return Array.from({ length: count }, (_, i) => {
    const x = rng.next();
    return view(i, x, curve(x, epochsOf(i)));
  });
}

/** Learning curves whose ranking crosses: at epoch 1 the best x is `early`, from the second epoch on 0.8. */
const crossing = (early: number) => (x: number, epochs: number) =>
  Array.from({ length: epochs }, (_, e) => (e === 0 ? -((x - early) ** 2) : 1 - (x - 0.8) ** 2 + 0.01 * e));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] as number;

describe("the rung model strategy", () => {
  /** Learning curves whose every epoch ranks configurations alike: the best x is 0.8. */
  const alike = (x: number, epochs: number) => Array.from({ length: epochs }, (_, e) => -((x - 0.8) ** 2) + 0.1 * e);

  it("samples at random until a level has enough values, then mostly from the model around the best", () => {
    const history = stoppedJobs(1, 12, alike, (i) => (i % 3 === 0 ? 3 : 1));
    const fromModel = modelled(ask(history, 30));
    // About two thirds come from the model (a stored kernel fit), and they crowd the optimum.
    expect(fromModel.length).toBeGreaterThan(30 * (1 - RANDOM_FRACTION) - 8);
    expect(fromModel.length).toBeLessThan(30);
    expect(fromModel.filter((x) => Math.abs(x - 0.8) < 0.15).length).toBeGreaterThan(fromModel.length / 2);
    // Too little data at every level: all random (no kernel fit stored).
    expect(modelled(ask(history.slice(0, 3), 10))).toEqual([]);
    expect(minimumPoints(2)).toBe(6);
    expect(minimumPoints(8)).toBe(10);
  });

  it("judges at the highest level with enough values, where early epochs rank configurations otherwise", () => {
    // At epoch 1 the best x is 0.2; from epoch 3 on it is 0.8. Many jobs stopped at 1, eight reached 9.
    const history = stoppedJobs(2, 40, crossing(0.2), (i) => (i % 5 === 0 ? 9 : 1));
    const fromModel = modelled(ask(history, 20));
    expect(fromModel.length).toBeGreaterThan(6);
    expect(fromModel.filter((x) => Math.abs(x - 0.8) < 0.2).length).toBeGreaterThan(fromModel.length / 2);
    expect(fromModel.filter((x) => Math.abs(x - 0.2) < 0.1).length).toBeLessThan(fromModel.length / 4);
  });

  it("learns from running jobs' early values before any job has finished", () => {
    const rng = createRng(3, "rung-model-test");
    const running = Array.from({ length: 10 }, (_, i): TrialView => {
      const x = rng.next();
      return { index: i, hyperparameters: { x }, state: "Pending", series: alike(x, 1) };
    });
    const suggestions = ask([], 9, running);
    const fromModel = modelled(suggestions);
    expect(fromModel.length).toBeGreaterThan(3);
    // Never a configuration a running job has.
    const runningX = new Set(running.map((t) => t.hyperparameters.x));
    expect(fromModel.some((x) => runningX.has(x))).toBe(false);
  });

  it("chooses a trial no rung will judge for the end, and the others at the highest level with enough values", () => {
    // After one epoch the best x is 0.3; at the end, 0.8. Most jobs stopped at epoch 1, four ran to 9: too few
    // for the model's target, which stays epoch 1, except for a trial that runs to the end unjudged.
    const history = stoppedJobs(5, 40, crossing(0.3), (i) => (i % 10 === 0 ? 9 : 1));
    const unjudged = modelled(ask(history, 20, [], []));
    expect(unjudged.length).toBeGreaterThan(6);
    expect(median(unjudged)).toBeGreaterThan(0.6);
    for (const judgedAt of [[1, 3], undefined]) {
      const judged = modelled(ask(history, 20, [], judgedAt));
      expect(judged.length).toBeGreaterThan(6);
      expect(Math.abs(median(judged) - 0.3)).toBeLessThan(0.1);
    }
  });
});
