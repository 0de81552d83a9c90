import { describe, expect, it } from "vitest";
import { createRng } from "../random.js";
import { CategoricalParameter, ContinuousParameter, SearchSpace } from "../space/index.js";
import { hyperparameterImportance } from "./importance.js";

function sample(space: SearchSpace, n: number, f: (hp: Record<string, number | string>) => number) {
  const rng = createRng(1, "importance-test");
  return Array.from({ length: n }, () => {
    const hyperparameters = space.decode(Float64Array.from({ length: space.dimension }, () => rng.next()));
    return { hyperparameters, value: f(hyperparameters as Record<string, number | string>) };
  });
}

describe("hyperparameterImportance", () => {
  it("gives 0.9 and 0.1 for f = 3·x1 + x2 on the unit square", () => {
    const space = new SearchSpace({
      x1: new ContinuousParameter(0, 1, "Linear"),
      x2: new ContinuousParameter(0, 1, "Linear"),
    });
    const result = hyperparameterImportance(
      space,
      sample(space, 40, (hp) => 3 * (hp.x1 as number) + (hp.x2 as number)),
    );
    expect(result.map((r) => r.name)).toEqual(["x1", "x2"]);
    expect(result[0]?.importance).toBeCloseTo(0.9, 1);
    expect(result[1]?.importance).toBeCloseTo(0.1, 1);
  });

  it("finds nothing in a hyperparameter the objective ignores, and measures on a range's own scale", () => {
    const space = new SearchSpace({
      lr: new ContinuousParameter(1e-5, 1e-1, "Logarithmic"),
      noise: new ContinuousParameter(0, 1, "Linear"),
      optimizer: new CategoricalParameter(["adam", "sgd"]),
    });
    // Quadratic in log10(lr) with its minimum at 1e-3, plus a categorical offset.
    const result = hyperparameterImportance(
      space,
      sample(space, 60, (hp) => (Math.log10(hp.lr as number) + 3) ** 2 + (hp.optimizer === "sgd" ? 1 : 0)),
    );
    const by = Object.fromEntries(result.map((r) => [r.name, r.importance]));
    expect(by.noise).toBeLessThan(0.02);
    expect(by.lr).toBeGreaterThan(by.optimizer as number);
    expect((by.lr as number) + (by.optimizer as number)).toBeGreaterThan(0.9);
  });
});
