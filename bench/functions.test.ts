import { describe, expect, it } from "vitest";
import { TEST_FUNCTIONS } from "./functions.js";

const fill = (n: number, v: number) => new Array<number>(n).fill(v);
const SCHWEFEL_ARGMIN = 420.968748785683;

// Each function must reach its published minimum at its published minimiser.
const MINIMISERS: Record<string, number[]> = {
  Branin: [Math.PI, 2.275],
  SixHumpCamel: [0.0898, -0.7126],
  Hartmann3: [0.114614, 0.555649, 0.852547],
  Hartmann6: [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573],
  Rosenbrock4: [1, 1, 1, 1],
  Ackley5: fill(5, 0),
  Ackley10: fill(10, 0),
  Rastrigin5: fill(5, 0),
  Rastrigin10: fill(10, 0),
  Schwefel5: fill(5, SCHWEFEL_ARGMIN),
  Schwefel10: fill(10, SCHWEFEL_ARGMIN),
};

describe("benchmark test functions", () => {
  it("every function has a known minimiser", () => {
    expect(TEST_FUNCTIONS.map((fn) => fn.name).sort()).toEqual(Object.keys(MINIMISERS).sort());
  });

  for (const fn of TEST_FUNCTIONS) {
    it(`${fn.name} reaches its known minimum`, () => {
      expect(fn.f(MINIMISERS[fn.name] as number[])).toBeCloseTo(fn.minimum, 4);
    });
  }

  // The multimodal functions' minima are exact (regrets go down to 1e-12): nothing nearby is lower, and their
  // best local minima elsewhere are well above.
  for (const name of ["Ackley10", "Rastrigin5", "Rastrigin10", "Schwefel5", "Schwefel10"]) {
    it(`${name}: the known minimum is exact and global among nearby points and the next basins`, () => {
      const fn = TEST_FUNCTIONS.find((f) => f.name === name);
      if (!fn) throw new Error(`no ${name}`);
      const at = MINIMISERS[name] as number[];
      expect(Math.abs(fn.f(at) - fn.minimum)).toBeLessThan(1e-9);
      const span = (fn.bounds[0]?.[1] as number) - (fn.bounds[0]?.[0] as number);
      for (const step of [1e-6, 1e-3, 0.05]) {
        for (let j = 0; j < at.length; j++) {
          for (const sign of [-1, 1]) {
            const x = [...at];
            x[j] = (x[j] as number) + sign * step * span;
            expect(fn.f(x)).toBeGreaterThan(fn.minimum);
          }
        }
      }
    });
  }

  it("Rastrigin's local minima at integer points: one coordinate at 1 costs about 1", () => {
    const fn = TEST_FUNCTIONS.find((f) => f.name === "Rastrigin5");
    expect(fn?.f([1, 0, 0, 0, 0])).toBeCloseTo(1, 9);
  });

  it("Schwefel's second-best basin, one coordinate at -302.52, costs about 119", () => {
    const fn = TEST_FUNCTIONS.find((f) => f.name === "Schwefel5");
    const x = fill(5, SCHWEFEL_ARGMIN);
    x[0] = -302.5249;
    expect(fn?.f(x)).toBeCloseTo(118.44, 1);
  });
});
