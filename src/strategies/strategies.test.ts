import { describe, expect, it } from "vitest";
import { createRng } from "../random.js";
import { CategoricalParameter, ContinuousParameter, IntegerParameter, SearchSpace } from "../space/index.js";
import { BayesianStrategy } from "./bayesian/index.js";
import { GridStrategy } from "./grid/index.js";
import { RandomStrategy } from "./random/index.js";
import { createStrategy } from "./registry.js";
import { RungModelStrategy } from "./rung-model/index.js";
import { SobolSequence, SobolStrategy } from "./sobol/index.js";
import { strategyContract } from "./strategy.contract.js";

const mixed = new SearchSpace({
  lr: new ContinuousParameter(1e-5, 1e-1, "Logarithmic"),
  layers: new IntegerParameter(1, 4),
  act: new CategoricalParameter(["relu", "tanh", "gelu"]),
});
const categorical = new SearchSpace({
  act: new CategoricalParameter(["relu", "tanh", "gelu", "silu"]),
  opt: new CategoricalParameter(["adam", "sgd", "rmsprop", "adagrad"]),
});

strategyContract("Random", () => new RandomStrategy(), mixed);
strategyContract("Sobol", () => new SobolStrategy(), mixed);
strategyContract("Grid", () => new GridStrategy(), categorical, { seeded: false });
strategyContract("Bayesian", () => new BayesianStrategy(), mixed);
strategyContract("HyperbandModel", () => new RungModelStrategy(), mixed);

const ctx = (space: SearchSpace, trialIndex: number, seed = 3) => ({
  space,
  objective: "Maximize" as const,
  history: [],
  pending: [],
  trialIndex,
  seed,
  rng: createRng(seed, "trial", trialIndex),
});

describe("Grid", () => {
  it("enumerates every combination once, then reports exhausted", () => {
    const grid = new GridStrategy();
    const seen = Array.from({ length: 16 }, (_, i) => grid.suggest(ctx(categorical, i)));
    expect(seen[0]).toEqual({ hyperparameters: { act: "relu", opt: "adam" } });
    expect(seen[1]).toEqual({ hyperparameters: { act: "relu", opt: "sgd" } });
    expect(new Set(seen.map((s) => JSON.stringify(s))).size).toBe(16);
    expect(grid.suggest(ctx(categorical, 16))).toBe("exhausted");
  });

  it("refuses non-categorical ranges, as SageMaker does", () => {
    expect(() => new GridStrategy().checkSpace(mixed)).toThrow(
      expect.objectContaining({ code: "E_GRID_NON_CATEGORICAL", field: "ranges.lr" }),
    );
  });
});

describe("Sobol", () => {
  it("matches the reference unscrambled sequence", () => {
    const s = new SobolSequence(3);
    const points = Array.from({ length: 8 }, (_, i) => [...s.point(i)]);
    expect(points).toEqual([
      [0, 0, 0],
      [0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25],
      [0.25, 0.75, 0.75],
      [0.375, 0.375, 0.625],
      [0.875, 0.875, 0.125],
      [0.625, 0.125, 0.875],
      [0.125, 0.625, 0.375],
    ]);
  });

  it("keeps its stratification when scrambled: each of 2^k boxes holds one of the first 2^k points", () => {
    const s = new SobolSequence(30, createRng(5));
    for (let d = 0; d < 30; d++) {
      const boxes = new Set(Array.from({ length: 64 }, (_, i) => Math.floor((s.point(i)[d] as number) * 64)));
      expect(boxes.size).toBe(64);
    }
  });

  it("never repeats a point across trial indices, and the seed changes the scramble", () => {
    const sobol = new SobolStrategy();
    const cont = new SearchSpace({ x: new ContinuousParameter(0, 1), y: new ContinuousParameter(0, 1) });
    const keys = Array.from({ length: 512 }, (_, i) => JSON.stringify(sobol.suggest(ctx(cont, i))));
    expect(new Set(keys).size).toBe(512);
    expect(JSON.stringify(sobol.suggest(ctx(cont, 0, 4)))).not.toBe(keys[0]);
  });

  it("covers the square more evenly than random sampling", () => {
    const discrepancy = (points: number[][]) => {
      // Worst relative excess over anchored boxes on a 16x16 grid.
      let worst = 0;
      for (let a = 1; a <= 16; a++) {
        for (let b = 1; b <= 16; b++) {
          const inside = points.filter(([x, y]) => (x as number) < a / 16 && (y as number) < b / 16).length;
          worst = Math.max(worst, Math.abs(inside / points.length - (a * b) / 256));
        }
      }
      return worst;
    };
    const sobol = new SobolSequence(2, createRng(9));
    const rng = createRng(9);
    const qmc = Array.from({ length: 256 }, (_, i) => [...sobol.point(i)]);
    const random = Array.from({ length: 256 }, () => [rng.next(), rng.next()]);
    expect(discrepancy(qmc)).toBeLessThan(discrepancy(random) / 2);
  });
});

describe("createStrategy", () => {
  it("names the known strategies when given an unknown one", () => {
    expect(() => createStrategy("Annealing")).toThrow(
      expect.objectContaining({
        code: "E_UNKNOWN_STRATEGY",
        message: expect.stringContaining("Random, Grid, Sobol, Bayesian"),
      }),
    );
    for (const name of ["Random", "Grid", "Sobol", "Bayesian"]) expect(createStrategy(name).name).toBe(name);
  });
});
