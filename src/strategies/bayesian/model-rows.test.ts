import { describe, expect, it } from "vitest";
import { createRng } from "../../random.js";
import { defaultKernelFit, type TrainingData } from "./gp/regressor.js";
import { modelRows, outsideModel } from "./model-rows.js";

function data(n: number): TrainingData {
  const rng = createRng(1, "model-rows");
  const x = Float64Array.from({ length: n * 2 }, () => rng.next());
  // Maximised outputs: best at (0.5, 0.5).
  const y = Float64Array.from(
    { length: n },
    (_, i) => -(((x[2 * i] as number) - 0.5) ** 2 + ((x[2 * i + 1] as number) - 0.5) ** 2),
  );
  return { x, n, d: 2, y, categorical: new Uint8Array(2) };
}

describe("modelRows", () => {
  const fit = defaultKernelFit(2);

  it("keeps every row, and no trust region, while the history fits", () => {
    const all = data(50);
    const { data: kept, rows } = modelRows(all, fit, 50);
    expect(kept).toBe(all);
    expect(rows).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(outsideModel(all, rows, fit)).toBeUndefined();
  });

  it("keeps `size` rows in history order: the best, its neighbours, and the far corners tried", () => {
    const all = data(400);
    const { data: kept, rows } = modelRows(all, fit, 80);
    expect(kept.n).toBe(80);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    rows.forEach((i, r) => {
      expect(kept.y[r]).toBe(all.y[i]);
      expect(Array.from(kept.x.subarray(2 * r, 2 * r + 2))).toEqual(Array.from(all.x.subarray(2 * i, 2 * i + 2)));
    });
    let best = 0;
    for (let i = 1; i < all.n; i++) if ((all.y[i] as number) > (all.y[best] as number)) best = i;
    expect(rows).toContain(best);
    // Farthest-point sampling reaches the results farthest from the best (the worst ones, here).
    let worst = 0;
    for (let i = 1; i < all.n; i++) if ((all.y[i] as number) < (all.y[worst] as number)) worst = i;
    expect(rows).toContain(worst);
  });

  it("confines suggestions to the ball around the best that holds the nearest rows", () => {
    const all = data(400);
    const { rows } = modelRows(all, fit, 80);
    const outside = outsideModel(all, rows, fit) as (p: Float64Array) => boolean;
    expect(outside(Float64Array.from([0.5, 0.5]))).toBe(false);
    expect(outside(Float64Array.from([0.02, 0.98]))).toBe(true);
  });
});
