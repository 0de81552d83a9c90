import { describe, expect, it } from "vitest";
import {
  exactNumber,
  exactTime,
  formatDuration,
  formatNumber,
  formatPowerOfTen,
  formatTicks,
  formatTime,
} from "./format.js";

describe("formatNumber", () => {
  it("drops the noise of binary fractions and trailing zeros", () => {
    expect(formatNumber(1.0000000000000004e-6)).toBe("1e-6");
    expect(formatNumber(0.000001)).toBe("1e-6");
    expect(formatNumber(0.1 + 0.2)).toBe("0.3");
    expect(formatNumber(0.9701)).toBe("0.9701");
    expect(formatNumber(0.970123456)).toBe("0.970123");
    expect(formatNumber(0.00535)).toBe("0.00535");
  });

  it("writes very small and very large magnitudes with an exponent", () => {
    expect(formatNumber(5.35e-4)).toBe("5.35e-4");
    expect(formatNumber(0.0000999999999999999)).toBe("1e-4");
    expect(formatNumber(-2.5e-7)).toBe("-2.5e-7");
    expect(formatNumber(1234567.8)).toBe("1.23457e6");
    expect(formatNumber(12345678)).toBe("1.23457e7");
  });

  it("prints integers whole, and what is not a number as it is", () => {
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(64)).toBe("64");
    expect(formatNumber(-3)).toBe("-3");
    expect(formatNumber("adam")).toBe("adam");
    expect(formatNumber(null)).toBe("");
    expect(formatNumber(undefined)).toBe("");
    expect(formatNumber(Number.NaN)).toBe("NaN");
  });

  it("takes fewer digits where asked", () => {
    expect(formatNumber(0.970123456, 4)).toBe("0.9701");
    expect(formatNumber(4.7612e-4, 3)).toBe("4.76e-4");
  });

  it("keeps the exact value for tooltips", () => {
    expect(exactNumber(1.0000000000000004e-6)).toBe("0.0000010000000000000004");
    expect(exactNumber("sgd")).toBe("sgd");
  });
});

describe("formatTicks", () => {
  it("gives ticks as many decimals as their step needs", () => {
    expect(formatTicks([0.9, 0.92, 0.94, 0.96], 0.02)).toEqual(["0.90", "0.92", "0.94", "0.96"]);
    expect(formatTicks([0, 0.1, 0.2, 0.30000000000000004], 0.1)).toEqual(["0", "0.1", "0.2", "0.3"]);
    expect(formatTicks([0, 20, 40], 20)).toEqual(["0", "20", "40"]);
    expect(formatTicks([-0.00000000001, 0.5], 0.5)).toEqual(["0", "0.5"]);
  });

  it("uses exponents on very small values, with digits enough to tell ticks apart", () => {
    expect(formatTicks([0.0001, 0.0002, 0.0003], 0.0001)).toEqual(["1e-4", "2e-4", "3e-4"]);
    expect(formatTicks([0.00001, 0.000015, 0.00002], 0.000005)).toEqual(["1e-5", "1.5e-5", "2e-5"]);
  });

  it("labels powers of ten compactly", () => {
    expect([-6, -4, -3, -1, 0, 2, 3, 4].map(formatPowerOfTen)).toEqual([
      "1e-6",
      "1e-4",
      "0.001",
      "0.1",
      "1",
      "100",
      "1000",
      "1e4",
    ]);
  });
});

describe("durations and times", () => {
  it("says durations as people do", () => {
    expect(formatDuration(0.85)).toBe("850 ms");
    expect(formatDuration(42)).toBe("42 s");
    expect(formatDuration(185)).toBe("3 min 05 s");
    expect(formatDuration(7620)).toBe("2 h 07 min");
    expect(formatDuration(null)).toBe("");
  });

  it("writes a moment in the locale, with the exact ISO time kept for tooltips", () => {
    const ms = Date.UTC(2026, 10, 29, 9, 15, 2);
    expect(formatTime(ms)).toBe(
      new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "medium" }).format(new Date(ms)),
    );
    expect(formatTime("2026-11-29T09:15:02.000Z")).toBe(formatTime(ms));
    expect(exactTime(ms)).toBe("2026-11-29T09:15:02.000Z");
    expect(formatTime(undefined)).toBe("");
  });
});
