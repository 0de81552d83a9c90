import { describe, expect, it } from "vitest";
import type { TrialView } from "../strategy.js";
import { levelCoordinate, levelData } from "./levels.js";

const finished = (index: number, x: number, series: number[]): TrialView => ({
  index,
  hyperparameters: { x },
  state: "Stopped",
  value: series[series.length - 1] as number,
  series,
});

describe("the levels the joint model sees", () => {
  // Four jobs stopped at epoch 1, two at epoch 3, one ran to 9; one is running at epoch 4.
  const history = [
    ...[0.1, 0.2, 0.3, 0.4].map((x, i) => finished(i, x, [x])),
    finished(4, 0.5, [0.5, 1.5, 2.5]),
    finished(5, 0.6, [0.6, 1.6, 2.6]),
    finished(6, 0.7, [0.7, 1.7, 2.7, 3.7, 4.7, 5.7, 6.7, 7.7, 8.7]),
  ];
  const running: TrialView = { index: 7, hyperparameters: { x: 0.8 }, state: "Pending", series: [0.8, 1.8, 2.8, 3.8] };

  it("are the finished jobs' series lengths, with every value jobs reached there, running jobs' included", () => {
    const data = levelData(history, [running], 3);
    expect(data?.levels).toEqual([1, 3, 9]);
    const at = (level: number) => data?.observations.filter((o) => o.level === level).map((o) => [o.trial, o.value]);
    expect(at(1)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8].map((v, i) => [i, v]));
    // Epoch 4 is no level: the running job counts at 1 and 3 only.
    expect(at(3)).toEqual([
      [4, 2.5],
      [5, 2.6],
      [6, 2.7],
      [7, 2.8],
    ]);
    expect(at(9)).toEqual([[6, 8.7]]);
  });

  it("judge new configurations at the highest level with the minimum of values", () => {
    expect(levelData(history, [running], 3)?.target).toBe(3);
    expect(levelData(history, [running], 5)?.target).toBe(1);
    expect(levelData(history, [running], 1)?.target).toBe(9);
    expect(levelData(history.slice(0, 2), [], 3)).toBeUndefined();
  });

  it("count a result without a learning curve at the highest level", () => {
    const parent: TrialView = { index: -1, hyperparameters: { x: 0.9 }, state: "Completed", value: 9 };
    const failed: TrialView = { index: 8, hyperparameters: { x: 0.95 }, state: "Failed" };
    const data = levelData([parent, failed, ...history], [], 2);
    expect(data?.observations.filter((o) => o.level === 9).map((o) => o.trial)).toEqual([-1, 6]);
    expect(data?.target).toBe(9);
    // Without any curve, every result is at one level.
    const plain = levelData([parent, { ...parent, index: -2, value: 3 }], [], 2);
    expect(plain?.levels).toEqual([1]);
    expect(plain?.observations.map((o) => o.level)).toEqual([1, 1]);
  });

  it("place levels on a log scale from the lowest (0) to the highest (1)", () => {
    expect(levelCoordinate(1, [1, 3, 9, 27])).toBe(0);
    expect(levelCoordinate(3, [1, 3, 9, 27])).toBeCloseTo(1 / 3, 12);
    expect(levelCoordinate(27, [1, 3, 9, 27])).toBe(1);
    expect(levelCoordinate(1, [1])).toBe(0);
  });
});
