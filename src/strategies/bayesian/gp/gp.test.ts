import { describe, expect, it } from "vitest";
import { createRng } from "../../../random.js";
import { erfc, logExpectedImprovement, logH, normalCdf } from "./acquisition.js";
import { matern52, matern52DerivativeR2 } from "./kernel.js";
import { minimize } from "./lbfgs.js";
import { choleskyInPlace, choleskySolve, inverseFromCholesky } from "./linalg.js";
import { defaultKernelFit, fitKernel, GaussianProcess, negativeLogPosterior, type TrainingData } from "./regressor.js";

function randomSpd(n: number, seed: number): Float64Array {
  const rng = createRng(seed, "spd");
  const b = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += (b[i * n + k] as number) * (b[j * n + k] as number);
      a[i * n + j] = s;
    }
  }
  return a;
}

function dataset(n: number, d: number, seed: number, f: (x: Float64Array) => number): TrainingData {
  const rng = createRng(seed, "data");
  const x = Float64Array.from({ length: n * d }, () => rng.next());
  const y = Float64Array.from({ length: n }, (_, i) => f(x.subarray(i * d, (i + 1) * d)));
  return { x, n, d, y, categorical: new Uint8Array(d) };
}

const smooth = (x: Float64Array) => Math.sin(3 * (x[0] as number)) + (x[1] as number) ** 2;

describe("linear algebra", () => {
  it("factorises, solves and inverts a symmetric positive-definite matrix", () => {
    const n = 7;
    const a = randomSpd(n, 1);
    const l = Float64Array.from(a);
    expect(choleskyInPlace(l, n)).toBe(true);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (l[i * n + k] as number) * (l[j * n + k] as number);
        expect(s).toBeCloseTo(a[i * n + j] as number, 9);
      }
    }
    const b = Float64Array.from({ length: n }, (_, i) => i - 3);
    const x = choleskySolve(l, n, b);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += (a[i * n + k] as number) * (x[k] as number);
      expect(s).toBeCloseTo(b[i] as number, 9);
    }
    const inv = inverseFromCholesky(l, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (a[i * n + k] as number) * (inv[k * n + j] as number);
        expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
      }
    }
  });

  it("reports a matrix that is not positive definite", () => {
    expect(choleskyInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toBe(false);
  });
});

describe("Matérn-5/2 kernel", () => {
  it("is 1 at distance 0 and decays with distance", () => {
    expect(matern52(0)).toBe(1);
    expect(matern52(1)).toBeLessThan(matern52(0.1));
    expect(matern52(1)).toBeCloseTo((1 + Math.sqrt(5) + 5 / 3) * Math.exp(-Math.sqrt(5)), 12);
  });

  it("has the derivative in r² that finite differences give, finite at r = 0", () => {
    for (const r2 of [1e-4, 0.3, 2]) {
      const h = 1e-7 * Math.max(r2, 1e-3);
      expect(matern52DerivativeR2(r2)).toBeCloseTo((matern52(r2 + h) - matern52(r2 - h)) / (2 * h), 5);
    }
    expect(matern52DerivativeR2(0)).toBeCloseTo(-5 / 6, 12);
  });
});

describe("L-BFGS", () => {
  it("minimises the Rosenbrock function", () => {
    const result = minimize(
      (x, g) => {
        const [a, b] = [x[0] as number, x[1] as number];
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      [-1.2, 1],
      { maxIterations: 500, gradientTolerance: 1e-9 },
    );
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(result.x[1]).toBeCloseTo(1, 5);
  });

  it("stops on a bound when the minimum lies outside the box", () => {
    const result = minimize(
      (x, g) => {
        g[0] = 2 * ((x[0] as number) - 3);
        g[1] = 2 * ((x[1] as number) - 0.5);
        return ((x[0] as number) - 3) ** 2 + ((x[1] as number) - 0.5) ** 2;
      },
      [0.2, 0.2],
      { lower: [0, 0], upper: [1, 1], gradientTolerance: 1e-9 },
    );
    expect(result.x[0]).toBe(1);
    expect(result.x[1]).toBeCloseTo(0.5, 6);
  });
});

describe("Gaussian-process regressor", () => {
  const data = dataset(12, 2, 3, smooth);
  const fit = { logLambda: [Math.log(4), Math.log(2)], logScale: 0, logNoise: Math.log(1e-10) };
  const gp = new GaussianProcess(data, fit);

  it("interpolates noiseless data and has almost no variance at observed points", () => {
    for (let i = 0; i < data.n; i++) {
      const p = gp.predict(data.x.subarray(i * 2, i * 2 + 2));
      expect(p.mean).toBeCloseTo(data.y[i] as number, 2);
      expect(p.variance).toBeLessThan(1e-4);
    }
  });

  it("is uncertain far from the data, up to the prior variance", () => {
    const far = new GaussianProcess({ ...data, n: 1, x: Float64Array.from([0, 0]), y: Float64Array.from([1]) }, fit);
    const p = far.predict([1, 1]);
    expect(p.variance).toBeGreaterThan(0.9);
    expect(p.variance).toBeLessThanOrEqual(1);
  });

  it("has mean and variance gradients that finite differences confirm", () => {
    const point = Float64Array.from([0.37, 0.61]);
    const gradient = { mean: new Float64Array(2), variance: new Float64Array(2) };
    gp.predict(point, gradient);
    for (let j = 0; j < 2; j++) {
      const h = 1e-6;
      const up = Float64Array.from(point);
      const down = Float64Array.from(point);
      up[j] = (up[j] as number) + h;
      down[j] = (down[j] as number) - h;
      const [pu, pd] = [gp.predict(up), gp.predict(down)];
      expect(gradient.mean[j]).toBeCloseTo((pu.mean - pd.mean) / (2 * h), 5);
      expect(gradient.variance[j]).toBeCloseTo((pu.variance - pd.variance) / (2 * h), 5);
    }
  });

  it("has a marginal-likelihood gradient that finite differences confirm", () => {
    const noisy = dataset(15, 3, 5, (x) => smooth(x) + (x[2] as number));
    const at = { logLambda: [0.3, -0.2, 1.1], logScale: 0.2, logNoise: -3 };
    const gradient = new Float64Array(5);
    negativeLogPosterior(noisy, at, gradient);
    const raw = [...at.logLambda, at.logScale, at.logNoise];
    for (let j = 0; j < raw.length; j++) {
      const h = 1e-6;
      const shifted = (delta: number) => {
        const r = [...raw];
        r[j] = (r[j] as number) + delta;
        return negativeLogPosterior(
          noisy,
          { logLambda: r.slice(0, 3), logScale: r[3] as number, logNoise: r[4] as number },
          new Float64Array(5),
        );
      };
      expect(gradient[j]).toBeCloseTo((shifted(h) - shifted(-h)) / (2 * h), 4);
    }
  });

  it("fits length scales that tell a relevant dimension from an irrelevant one", () => {
    const relevantFirst = dataset(30, 2, 9, (x) => Math.sin(6 * (x[0] as number)));
    const fitted = fitKernel(relevantFirst, undefined);
    expect(fitted.logLambda[0] as number).toBeGreaterThan((fitted.logLambda[1] as number) + 2);
    expect(negativeLogPosterior(relevantFirst, fitted, new Float64Array(4))).toBeLessThan(
      negativeLogPosterior(relevantFirst, defaultKernelFit(2), new Float64Array(4)),
    );
  });

  it("stays finite with duplicated points", () => {
    const x = Float64Array.from([0.5, 0.5, 0.5, 0.5, 0.2, 0.9]);
    const dup = { x, n: 3, d: 2, y: Float64Array.from([1, 1.0000001, -1]), categorical: new Uint8Array(2) };
    const g = new GaussianProcess(dup, { logLambda: [0, 0], logScale: 0, logNoise: -20 });
    const p = g.predict([0.4, 0.6]);
    expect(Number.isFinite(p.mean) && Number.isFinite(p.variance)).toBe(true);
    expect(Number.isFinite(negativeLogPosterior(dup, fitKernel(dup, undefined), new Float64Array(4)))).toBe(true);
  });

  it("treats categorical dimensions by equality, not by distance between indices", () => {
    const cat: TrainingData = {
      x: Float64Array.from([0, 0.5, 1, 0.5]),
      n: 2,
      d: 2,
      y: Float64Array.from([1, -1]),
      categorical: Uint8Array.from([1, 0]),
    };
    const g = new GaussianProcess(cat, { logLambda: [0, 0], logScale: 0, logNoise: -10 });
    // Index 2 is as different from 0 as index 1 is: both predictions are equally far from the data.
    expect(g.predict([2, 0.5]).variance).toBeCloseTo(g.predict([1.5 + 0.5, 0.5]).variance, 12);
    expect(g.predict([2, 0.5]).mean).toBeCloseTo(g.predict([3, 0.5]).mean, 12);
  });
});

describe("log expected improvement", () => {
  it("matches the closed form where EI is representable", () => {
    for (const [mean, variance, best] of [
      [0.3, 0.5, 0],
      [-1, 0.2, 0],
      [2, 1e-4, 1.5],
    ] as const) {
      const sigma = Math.sqrt(variance);
      const z = (mean - best) / sigma;
      const ei = sigma * (Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) + z * normalCdf(z));
      expect(logExpectedImprovement(mean, variance, best).value).toBeCloseTo(Math.log(ei), 5);
    }
  });

  it("stays finite, smooth and monotone far below the incumbent, where EI underflows", () => {
    let previous = Number.NEGATIVE_INFINITY;
    for (let z = -1000; z <= 5; z += 0.25) {
      const v = logH(z).value;
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(previous);
      previous = v;
    }
    // The two branches agree where they meet.
    expect(logH(-5 - 1e-9).value).toBeCloseTo(logH(-5).value, 5);
    expect(logH(-30 - 1e-9).value).toBeCloseTo(logH(-30).value, 6);
  });

  it("has derivatives that finite differences confirm", () => {
    for (const [mean, variance] of [
      [0.1, 0.3],
      [-3, 0.01],
      [-40, 0.5],
    ] as const) {
      const ei = logExpectedImprovement(mean, variance, 0);
      const h = 1e-6;
      const dm =
        (logExpectedImprovement(mean + h, variance, 0).value - logExpectedImprovement(mean - h, variance, 0).value) /
        (2 * h);
      const dv =
        (logExpectedImprovement(mean, variance + h * variance, 0).value -
          logExpectedImprovement(mean, variance - h * variance, 0).value) /
        (2 * h * variance);
      expect(ei.dMean).toBeCloseTo(dm, 3);
      expect(ei.dVariance / dv).toBeCloseTo(1, 4);
    }
  });

  it("erfc is accurate to 1e-7 relative", () => {
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1) / 0.157299207050285).toBeCloseTo(1, 6);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 6);
    expect(erfc(-1)).toBeCloseTo(1.842700792949715, 6);
  });
});
