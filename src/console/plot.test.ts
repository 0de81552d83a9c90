import { describe, expect, it } from "vitest";
import { type AxisOption, axisScale, chartItems, niceTicks, resolveSeries, tickLabel } from "./plot.js";

/** An axis scaled to these values, as a chart scales it to its series' values. */
const scaleOf = (axis: AxisOption, values: readonly unknown[]) =>
  axisScale(axis, (visit) => {
    for (const v of values) visit(v);
  });
const labels = (axis: AxisOption, values: readonly unknown[]) => scaleOf(axis, values).ticks.map((t) => t.label);

describe("tickLabel", () => {
  it("prints short numbers, and powers of ten where they are very small or large", () => {
    expect(tickLabel(0)).toBe("0");
    expect(tickLabel(0.25)).toBe("0.25");
    expect(tickLabel(0.1 + 0.2)).toBe("0.3");
    expect(tickLabel(1e-5)).toBe("1e-5");
    expect(tickLabel(2.5e-5)).toBe("2.5e-5");
    expect(tickLabel(-123456)).toBe("-1.23e5");
  });
});

describe("niceTicks", () => {
  it("steps by 1, 2 or 5 times a power of ten and covers the range", () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 97)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0.0004, 0.0019)).toEqual([0, 0.0005, 0.001, 0.0015, 0.002]);
  });

  it("widens a range of one value around it", () => {
    const ticks = niceTicks(5, 5);
    expect(ticks[0]).toBeLessThan(5);
    expect(ticks[ticks.length - 1]).toBeGreaterThan(5);
    expect(niceTicks(0, 0).length).toBeGreaterThan(1);
  });
});

describe("axisScale", () => {
  it("puts a log axis's ticks on whole powers of ten around the values", () => {
    const scale = scaleOf({ type: "log" }, [5e-6, 2e-5, 5e-4, 0, -1, "x"]);
    expect(scale.ticks.map((t) => t.label)).toEqual(["1e-6", "1e-5", "1e-4", "0.001"]);
    expect(scale.position(1e-6)).toBe(0);
    expect(scale.position(1e-4)).toBeCloseTo(2 / 3);
    expect(scale.position(0)).toBeNaN();
  });

  it("includes zero on a value axis unless it is scaled to the data, as ECharts does", () => {
    expect(labels({ type: "value" }, [0.8, 0.9])).toEqual(["0", "0.2", "0.4", "0.6", "0.8", "1"]);
    const scaled = scaleOf({ type: "value", scale: true }, [0.81, 0.93]);
    expect(scaled.ticks.map((t) => t.label)).toEqual(["0.8", "0.85", "0.9", "0.95"]);
    expect(scaled.position(0.8)).toBe(0);
    expect(scaled.position(0.95)).toBeCloseTo(1);
  });

  it("keeps a fixed min and max and only whole ticks under minInterval", () => {
    const fixed = scaleOf({ type: "value", min: 0, max: 1 }, [0.2, 7]);
    expect(fixed.position(0.5)).toBe(0.5);
    expect(fixed.ticks.every((t) => t.at >= 0 && t.at <= 1)).toBe(true);
    expect(labels({ type: "value", scale: true, minInterval: 1 }, [1, 3])).toEqual(["1", "2", "3"]);
  });

  it("places categories in the middle of equal bands, in the order given or first seen", () => {
    const given = scaleOf({ type: "category", data: ["adam", "sgd"] }, ["sgd"]);
    expect(given.position("adam")).toBe(0.25);
    expect(given.position("sgd")).toBe(0.75);
    expect(given.position("rmsprop")).toBeNaN();
    expect(labels({ type: "category" }, ["b", "a", "b", 3])).toEqual(["b", "a", "3"]);
  });

  it("falls back to a unit range when no value can be placed", () => {
    expect(labels({ type: "value", scale: true }, [])).toEqual(["0", "0.2", "0.4", "0.6", "0.8", "1"]);
    expect(labels({ type: "log" }, [0, null])).toEqual(["1", "10"]);
  });
});

describe("resolveSeries", () => {
  // As chartSet sends them: `status` is each job's status group (0 completed, 1 stopped early).
  const columns = {
    status: [0, 1, 0, 0],
    start: [10, 20, 30, 40],
    objective: [0.5, 0.6, null, 0.8],
  };

  it("draws the rows of a scatter's status group that have both values", () => {
    const series = resolveSeries({ type: "scatter", columns: { x: "start", y: "objective", status: 0 } }, columns);
    expect(Array.from(series.rows ?? [])).toEqual([0, 3]);
    expect(series.xs).toBe(columns.start);
    expect(chartItems([series])).toBe(2);
  });

  it("draws a column that is not there as no points", () => {
    const series = resolveSeries({ type: "scatter", columns: { x: "hp:lr", y: "objective", status: 0 } }, columns);
    expect(Array.from(series.rows ?? [])).toEqual([]);
  });

  it("reads inline points of scatters and lines, and counts bars and parallel lines as items", () => {
    const line = resolveSeries(
      {
        type: "line",
        data: [
          [1, 2],
          [3, 4],
        ],
      },
      {},
    );
    expect(line.xs).toEqual([1, 3]);
    expect(line.ys).toEqual([2, 4]);
    const bars = resolveSeries(
      {
        type: "custom",
        data: [
          [1, 0, 5, 0],
          [2, 1, 6, 1],
        ],
      },
      {},
    );
    const lines = resolveSeries({ type: "parallel", data: [[1, 2]] }, {});
    // A line series is drawn but is not a job, so it is not counted.
    expect(chartItems([line, bars, lines])).toBe(3);
  });
});
