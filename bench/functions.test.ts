import { describe, expect, it } from "vitest";
import { SHIFTS, TEST_FUNCTIONS } from "./functions.js";

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
  Ackley5Shifted: [...(SHIFTS.Ackley5Shifted as number[])],
  Ackley10Shifted: [...(SHIFTS.Ackley10Shifted as number[])],
  Rastrigin5Shifted: [...(SHIFTS.Rastrigin5Shifted as number[])],
  Rastrigin10Shifted: [...(SHIFTS.Rastrigin10Shifted as number[])],
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
  for (const name of [
    "Ackley10",
    "Rastrigin5",
    "Rastrigin10",
    "Schwefel5",
    "Schwefel10",
    "Ackley5Shifted",
    "Ackley10Shifted",
    "Rastrigin5Shifted",
    "Rastrigin10Shifted",
  ]) {
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

  describe("shifted functions", () => {
    const named = (name: string) => {
      const fn = TEST_FUNCTIONS.find((f) => f.name === name);
      if (!fn) throw new Error(`no ${name}`);
      return fn;
    };
    // bench/test_functions.py's values at x = (0, ..., 0), (1.5, ..., 1.5) and lo + 0.3 (hi - lo) in every
    // coordinate, printed once with repr(): the Python peers optimise the same functions.
    const PYTHON_VALUES: Record<string, [number, number, number]> = {
      Ackley5Shifted: [21.44387077823436, 21.40624979515516, 21.48685707148334],
      Ackley10Shifted: [21.063561083539952, 21.29829182115769, 21.33695263008954],
      Rastrigin5Shifted: [94.24236708426253, 77.11775091573749, 134.70895700277356],
      Rastrigin10Shifted: [154.0466397638208, 243.45719823617915, 199.86565725102048],
    };

    for (const [name, shift] of Object.entries(SHIFTS)) {
      it(`${name}: the unshifted function at x - shift, its minimum at the shift, off the centre`, () => {
        const fn = named(name);
        const base = named(name.replace("Shifted", ""));
        expect(fn.bounds).toEqual(base.bounds);
        expect(fn.minimum).toBe(base.minimum);
        expect(fn.f(shift)).toBe(base.f(fill(shift.length, 0)));
        const x = shift.map((s, i) => s + 0.37 * (i + 1));
        expect(fn.f(x)).toBeCloseTo(base.f(x.map((v, i) => v - (shift[i] as number))), 12);
        // Inside the middle 80% of each range, at least a tenth of the range from its centre.
        shift.forEach((s, i) => {
          const [lo, hi] = fn.bounds[i] as readonly [number, number];
          const u = (s - lo) / (hi - lo);
          expect(u).toBeGreaterThanOrEqual(0.1);
          expect(u).toBeLessThanOrEqual(0.9);
          expect(Math.abs(u - 0.5)).toBeGreaterThanOrEqual(0.1);
        });
        // The centre, the unshifted optimum, is far from optimal.
        expect(fn.f(fn.bounds.map(([lo, hi]) => (lo + hi) / 2))).toBeGreaterThan(fn.minimum + 10);
      });

      it(`${name} agrees with bench/test_functions.py`, () => {
        const fn = named(name);
        const [lo, hi] = fn.bounds[0] as readonly [number, number];
        const points = [fill(shift.length, 0), fill(shift.length, 1.5), fill(shift.length, lo + 0.3 * (hi - lo))];
        points.forEach((x, k) => {
          expect(fn.f(x)).toBeCloseTo((PYTHON_VALUES[name] as number[])[k] as number, 9);
        });
      });
    }
  });

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
