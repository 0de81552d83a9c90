import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts", "examples/**/*.test.ts"],
    // Limits, not expectations: on a busy 2-core machine an end-to-end test can take many times its quiet
    // duration, and a test that waits for something fails by its own assertion, not by a clock. Timings are
    // measured by the benchmarks (bench/), never asserted here.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: "forks",
  },
});
