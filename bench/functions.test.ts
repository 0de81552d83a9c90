import { describe, expect, it } from "vitest";
import { TEST_FUNCTIONS } from "./functions.js";

// Each function must reach its published minimum at its published minimiser.
const MINIMISERS: Record<string, number[]> = {
  Branin: [Math.PI, 2.275],
  SixHumpCamel: [0.0898, -0.7126],
  Hartmann3: [0.114614, 0.555649, 0.852547],
  Hartmann6: [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573],
  Rosenbrock4: [1, 1, 1, 1],
  Ackley5: [0, 0, 0, 0, 0],
};

describe("benchmark test functions", () => {
  for (const fn of TEST_FUNCTIONS) {
    it(`${fn.name} reaches its known minimum`, () => {
      expect(fn.f(MINIMISERS[fn.name] as number[])).toBeCloseTo(fn.minimum, 4);
    });
  }
});
