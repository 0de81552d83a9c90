import { describe, expect, it } from "vitest";
import { normalCdf } from "../bayesian/gp/acquisition.js";
import { logNormalCdf } from "./joint-model.js";

describe("log Φ", () => {
  it("agrees with the normal cdf where it is representable, and stays finite and smooth in the far tail", () => {
    for (const z of [3, 0, -2, -4.9, -5.1, -8, -20]) {
      expect(logNormalCdf(z).value).toBeCloseTo(Math.log(normalCdf(z)), 4);
    }
    // Slope φ/Φ against a finite difference, on both sides of the switch to the asymptotic form.
    for (const z of [-1, -4.99, -5.01, -30]) {
      const h = 1e-5;
      const slope = (logNormalCdf(z + h).value - logNormalCdf(z - h).value) / (2 * h);
      expect(logNormalCdf(z).ratio).toBeCloseTo(slope, 2);
    }
    expect(Number.isFinite(logNormalCdf(-1e3).value)).toBe(true);
  });
});
