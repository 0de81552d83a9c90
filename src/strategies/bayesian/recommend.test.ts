import { describe, expect, it } from "vitest";
import { createRng } from "../../random.js";
import { ContinuousParameter, SearchSpace } from "../../space/index.js";
import type { TrialView } from "../strategy.js";
import { recommendTrial } from "./recommend.js";

const space = new SearchSpace({ x: new ContinuousParameter(0, 1, "Linear") });
const truth = (x: number) => -((x - 0.62) ** 2);

function history(noiseSd: number, seed: number): TrialView[] {
  const rng = createRng(seed, "recommend-test");
  return Array.from({ length: 40 }, (_, i) => {
    const x = rng.next();
    return { index: i, hyperparameters: { x }, state: "Completed", value: truth(x) + noiseSd * rng.normal() };
  });
}
const bestObserved = (trials: readonly TrialView[]) =>
  trials.reduce((a, b) => ((b.value as number) > (a.value as number) ? b : a));
const trueValueOf = (trials: readonly TrialView[], index: number) =>
  truth(trials.find((t) => t.index === index)?.hyperparameters.x as number);

describe("the recommended configuration", () => {
  it("is the best observed one on a deterministic objective", () => {
    const trials = history(0, 1);
    const pick = recommendTrial(space, "Maximize", trials);
    expect(pick?.index).toBe(bestObserved(trials).index);
    expect(pick?.estimate).toBeCloseTo(bestObserved(trials).value as number, 4);
    expect(pick?.observations).toBe(40);
  });

  it("on a noisy objective is truly better than the luckiest draw, over most seeds", () => {
    let better = 0;
    let worse = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const trials = history(0.01, seed);
      const pick = recommendTrial(space, "Maximize", trials);
      const recommended = trueValueOf(trials, pick?.index as number);
      const observed = trueValueOf(trials, bestObserved(trials).index);
      if (recommended > observed) better++;
      if (recommended < observed) worse++;
    }
    expect(better).toBeGreaterThan(worse);
    expect(better).toBeGreaterThanOrEqual(5);
  });

  it("recommends only eligible trials and never a warm start's parent result", () => {
    const trials = history(0, 2);
    const best = bestObserved(trials);
    const parent: TrialView = { index: -1, hyperparameters: { x: 0.62 }, state: "Completed", value: 0 };
    const pick = recommendTrial(space, "Maximize", [parent, ...trials], undefined, (t) => t.index !== best.index);
    expect(pick?.index).not.toBe(best.index);
    expect(pick?.index).not.toBe(-1);
    expect(recommendTrial(space, "Maximize", trials.slice(0, 1))).toBeUndefined();
  });

  it("answers for thousands of results by conditioning on the best and a stride of the rest", () => {
    const rng = createRng(3, "many");
    const trials: TrialView[] = Array.from({ length: 3000 }, (_, i) => {
      const x = rng.next();
      return { index: i, hyperparameters: { x }, state: "Completed", value: truth(x) + 0.001 * rng.normal() };
    });
    const pick = recommendTrial(space, "Maximize", trials);
    expect(pick?.observations).toBe(3000);
    expect(Math.abs((trials[pick?.index as number]?.hyperparameters.x as number) - 0.62)).toBeLessThan(0.05);
  });
});
