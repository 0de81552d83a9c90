import { describe, expect, it } from "vitest";
import { createRng } from "../random.js";
import { CategoricalParameter, ContinuousParameter, IntegerParameter } from "./parameter.js";

const invalid = (fn: () => void, code: string, ...fragments: string[]) => {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toMatchObject({ code });
  for (const fragment of fragments) expect((caught as Error).message).toContain(fragment);
};

describe("ContinuousParameter", () => {
  it("maps the unit interval onto each scale and back", () => {
    const lin = new ContinuousParameter(-2, 6, "Linear");
    expect(lin.decode(0)).toBe(-2);
    expect(lin.decode(0.5)).toBe(2);
    expect(lin.encode(4, "x")).toBeCloseTo(0.75);
    const log = new ContinuousParameter(1e-6, 1e-2, "Logarithmic");
    expect(log.decode(0.5)).toBeCloseTo(1e-4, 12);
    expect(log.decode(1)).toBe(1e-2);
    expect(log.encode(1e-5, "lr")).toBeCloseTo(0.25);
    const rev = new ContinuousParameter(0.9, 0.999, "ReverseLogarithmic");
    expect(rev.decode(0)).toBeCloseTo(0.9);
    expect(rev.decode(0.5)).toBeCloseTo(1 - Math.sqrt(0.1 * 0.001), 10);
    expect(rev.decode(1)).toBeCloseTo(0.999);
    for (const u of [0, 0.13, 0.5, 0.77, 1]) {
      for (const p of [lin, log, rev]) expect(p.encode(p.decode(u), "x")).toBeCloseTo(u, 9);
    }
  });

  it("resolves Auto to a log scale only for positive ranges spanning three decades", () => {
    expect(new ContinuousParameter(1e-5, 1e-1).resolvedScaling).toBe("Logarithmic");
    expect(new ContinuousParameter(1, 100).resolvedScaling).toBe("Linear");
    expect(new ContinuousParameter(0, 1000).resolvedScaling).toBe("Linear");
  });

  it("rejects broken ranges with a code, the parameter, the rule and the value", () => {
    invalid(() => new ContinuousParameter(5, 1).validate("lr"), "E_RANGE_REVERSED", '"lr"', "min <= max", '"min":5');
    invalid(() => new ContinuousParameter(Number.NaN, 1).validate("lr"), "E_RANGE_NOT_FINITE", "lr.min", "NaN");
    invalid(
      () => new ContinuousParameter(0, Number.POSITIVE_INFINITY).validate("lr"),
      "E_RANGE_NOT_FINITE",
      "Infinity",
    );
    invalid(
      () => new ContinuousParameter("1" as unknown as number, 2).validate("lr"),
      "E_RANGE_TYPE",
      "must be a number",
    );
    invalid(() => new ContinuousParameter(0, 1, "Logarithmic").validate("lr"), "E_RANGE_LOG_NONPOSITIVE", "min > 0");
    invalid(
      () => new ContinuousParameter(0.5, 1, "ReverseLogarithmic").validate("b"),
      "E_RANGE_REVERSE_LOG_BOUNDS",
      "max < 1",
    );
    invalid(() => new ContinuousParameter(-0.1, 0.5, "ReverseLogarithmic").validate("b"), "E_RANGE_REVERSE_LOG_BOUNDS");
    invalid(() => new ContinuousParameter(0, 1, "Cubic" as "Linear").validate("b"), "E_RANGE_SCALING", "Cubic");
    invalid(() => new ContinuousParameter(0, 1).encode(2, "x"), "E_VALUE_OUT_OF_RANGE", "[0, 1]");
  });
});

describe("IntegerParameter", () => {
  it("reaches every integer with equal probability on a linear scale", () => {
    const p = new IntegerParameter(1, 4);
    const rng = createRng(1);
    const counts = new Map<number, number>();
    const n = 40_000;
    for (let i = 0; i < n; i++) {
      const v = p.decode(rng.next());
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([1, 2, 3, 4]);
    for (const c of counts.values()) expect(Math.abs(c / n - 0.25)).toBeLessThan(0.01);
    expect(p.decode(0)).toBe(1);
    expect(p.decode(0.9999999)).toBe(4);
    expect(p.decode(1)).toBe(4);
  });

  it("reaches both bounds and every integer between on a log scale, round-tripping", () => {
    const p = new IntegerParameter(1, 1024, "Logarithmic");
    expect(p.decode(0)).toBe(1);
    expect(p.decode(1)).toBe(1024);
    for (const v of [1, 2, 3, 17, 1000, 1023, 1024]) expect(p.decode(p.encode(v, "n"))).toBe(v);
    const seen = new Set<number>();
    const small = new IntegerParameter(1, 8, "Logarithmic");
    for (let u = 0; u <= 1; u += 0.001) seen.add(small.decode(u));
    expect([...seen].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("rejects non-integer bounds and reverse-log scaling", () => {
    invalid(() => new IntegerParameter(1.5, 4).validate("layers"), "E_RANGE_NOT_INTEGER", "layers.min", "1.5");
    invalid(() => new IntegerParameter(0, 1, "ReverseLogarithmic").validate("k"), "E_RANGE_REVERSE_LOG_INTEGER");
    invalid(() => new IntegerParameter(0, 8, "Logarithmic").validate("k"), "E_RANGE_LOG_NONPOSITIVE");
    invalid(() => new IntegerParameter(1, 4).encode(2.5, "k"), "E_VALUE_OUT_OF_RANGE", "integer");
  });
});

describe("CategoricalParameter", () => {
  it("gives each value an equal share and matches request strings", () => {
    const p = new CategoricalParameter(["relu", "tanh", 3]);
    expect([0, 0.34, 0.99, 1].map((u) => p.decode(u))).toEqual(["relu", "tanh", 3, 3]);
    expect(p.decode(p.encode("tanh", "act"))).toBe("tanh");
    expect(p.encode("3", "act")).toBeCloseTo(5 / 6);
  });

  it("needs 1 to 30 distinct values", () => {
    invalid(() => new CategoricalParameter([]).validate("act"), "E_RANGE_CATEGORICAL_COUNT", "1 to 30", "0 values");
    invalid(
      () => new CategoricalParameter(Array.from({ length: 31 }, (_, i) => i)).validate("act"),
      "E_RANGE_CATEGORICAL_COUNT",
      "31 values",
    );
    invalid(
      () => new CategoricalParameter(["a", "a"]).validate("act"),
      "E_RANGE_CATEGORICAL_DUPLICATE",
      "act.values[1]",
    );
    invalid(() => new CategoricalParameter([1, "1"]).validate("act"), "E_RANGE_CATEGORICAL_DUPLICATE");
    invalid(() => new CategoricalParameter([{}] as never).validate("act"), "E_RANGE_CATEGORICAL_VALUE");
    invalid(() => new CategoricalParameter(["x".repeat(257)]).validate("act"), "E_RANGE_CATEGORICAL_VALUE", "256");
    invalid(() => new CategoricalParameter(["a"]).encode("b", "act"), "E_VALUE_OUT_OF_RANGE", '"a"');
  });
});
