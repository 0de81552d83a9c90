import { describe, expect, it } from "vitest";
import { retrySync } from "./retry.js";

class Busy extends Error {}

describe("retrySync", () => {
  const options = {
    maxWaitMs: 200,
    maxDelayMs: 5,
    retryable: (e: unknown) => e instanceof Busy,
    giveUp: () => new Error("gave up"),
  };

  it("retries retryable errors until the call succeeds", () => {
    let calls = 0;
    const value = retrySync(() => {
      calls++;
      if (calls < 4) throw new Busy();
      return "done";
    }, options);
    expect([value, calls]).toEqual(["done", 4]);
  });

  it("throws any other error at once", () => {
    let calls = 0;
    expect(() =>
      retrySync(() => {
        calls++;
        throw new TypeError("broken");
      }, options),
    ).toThrow(TypeError);
    expect(calls).toBe(1);
  });

  it("gives up with the caller's error once the wait is over", () => {
    const started = Date.now();
    expect(() =>
      retrySync(() => {
        throw new Busy();
      }, options),
    ).toThrow("gave up");
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });
});
