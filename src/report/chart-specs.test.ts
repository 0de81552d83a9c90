import { describe, expect, it } from "vitest";
import type { TrainingJobPoint, TuningJobRecord } from "../store/index.js";
import { chartSet, type ScatterSpec } from "./chart-specs.js";
import { echartsOption, robustGeometry } from "./echarts-options.js";
import { renderSvg } from "./render-svg.js";
import type { ChartData } from "./report-data.js";
import { robustLimit } from "./robust-axis.js";
import { statusGroup } from "./status-groups.js";

const t0 = Date.UTC(2026, 10, 29, 9);

function job(i: number, objective: number | null, patch: Partial<TrainingJobPoint> = {}): TrainingJobPoint {
  return {
    name: `lr-${String(i + 1).padStart(3, "0")}`,
    trialIndex: i,
    definitionName: null,
    status: "Completed",
    stopReason: null,
    hyperparameters: { learning_rate: 1e-5 * 1.6 ** i, optimizer: i % 2 ? "adam" : "sgd" },
    objectiveValue: objective,
    objectiveStatus: objective === null ? "Failed" : "Succeeded",
    createdAt: t0 + i * 60_000,
    startedAt: t0 + i * 60_000,
    endedAt: t0 + i * 60_000 + 50_000,
    ...patch,
  };
}

function data(jobs: TrainingJobPoint[], type: "Maximize" | "Minimize" = "Maximize"): ChartData {
  return {
    job: { name: "lr", kind: "tuning-job", seed: 1, createdAt: t0 } as TuningJobRecord,
    objective: { Type: type, MetricName: "f1" },
    axes: [
      { name: "learning_rate", kind: "log" },
      { name: "optimizer", kind: "category", categories: ["adam", "sgd"] },
    ],
    jobs,
    now: t0 + 3_600_000,
  };
}

describe("robust objective axis", () => {
  it("clips one diverged job below the fence when maximising, and nothing on the good side", () => {
    const values = [0.95, 0.96, 0.94, 0.97, 0.955, 0.965, 0.02];
    expect(robustLimit(values, "Maximize")).toMatchObject({ side: "low", clipped: 1 });
    expect((robustLimit(values, "Maximize")?.limit as number) > 0.02).toBe(true);
    // Minimising, a small value is the best: it is never clipped.
    expect(robustLimit(values, "Minimize")).toBeUndefined();
    expect(robustLimit([1.2, 1.1, 1.3, 1.25, 1.15, 90], "Minimize")).toMatchObject({ side: "high", clipped: 1 });
  });

  it("leaves well-spread results alone, and needs enough of them to judge", () => {
    expect(robustLimit([0.2, 0.4, 0.5, 0.6, 0.7, 0.9, 0.95], "Maximize")).toBeUndefined();
    expect(robustLimit([0.95, 0.96, 0.02], "Maximize")).toBeUndefined();
  });

  it("still clips when most results are equal (a plateau)", () => {
    expect(robustLimit([0.816, 0.816, 0.816, 0.816, 0.821, 0.836, 0.14], "Maximize")).toMatchObject({ clipped: 1 });
  });

  it("puts clipped values in a band beyond the kept ones", () => {
    const limit = { limit: 0.9, side: "low" as const, clipped: 1 };
    const g = robustGeometry(limit, [0.94, 0.97, 0.02]);
    expect(g.min).toBeLessThan(g.band[0] + 1e-12);
    expect(g.band[1]).toBeLessThan(0.94);
    expect(g.clippedAt).toBeGreaterThan(g.band[0]);
    expect(g.clippedAt).toBeLessThan(g.band[1]);
    expect(g.max).toBeGreaterThan(0.97);
  });
});

describe("chart specs", () => {
  it("tells jobs stopped early from jobs stopped by the user, and from the budget Hyperband gave them", () => {
    expect(statusGroup({ status: "Stopped", stopReason: "early-stopping" })).toBe(1);
    expect(statusGroup({ status: "Stopped", stopReason: "hyperband-rung" })).toBe(1);
    expect(statusGroup({ status: "Stopped", stopReason: "user" })).toBe(2);
    expect(statusGroup({ status: "Stopped", stopReason: "tuning-job-stopped" })).toBe(2);
    expect(statusGroup({ status: "Stopped", stopReason: "hyperband-max-resource" })).toBe(0);
    expect(statusGroup({ status: "InProgress", stopReason: null })).toBe(4);
  });

  it("sends every job once as columns, with its group, stop reason in words and duration", () => {
    const set = chartSet(
      data([
        job(0, 0.9),
        job(1, 0.5, { status: "Stopped", stopReason: "early-stopping" }),
        job(2, 0.7, { status: "Stopped", stopReason: "user" }),
        job(3, null, { status: "InProgress", endedAt: null }),
      ]),
    );
    expect(set.columns.name).toEqual(["lr-001", "lr-002", "lr-003", "lr-004"]);
    expect(set.columns.group).toEqual([0, 1, 2, 4]);
    expect(set.reasons).toEqual({ 1: "stopped early by the median rule", 2: "stopped by the user" });
    expect(set.columns.duration?.slice(0, 3)).toEqual([50, 50, 50]);
    // A running job's duration so far, to when the data was read.
    expect(set.columns.duration?.[3]).toBe(3600 - 180);
    expect(set.columns["hp:optimizer"]).toEqual(["sgd", "adam", "sgd", "adam"]);
    expect(set.charts.map((c) => c.id)).toEqual([
      "objective-over-time",
      "over-time-learning_rate",
      "over-time-optimizer",
      "objective-vs-learning_rate",
      "objective-vs-optimizer",
      "parallel-coordinates",
      "timeline",
    ]);
  });

  it("marks the objective axes robust when a job diverged", () => {
    const jobs = [0.95, 0.96, 0.94, 0.97, 0.955, 0.965, 0.02].map((v, i) => job(i, v));
    const set = chartSet(data(jobs));
    const scatter = set.charts.find((c) => c.id === "objective-vs-learning_rate") as ScatterSpec;
    expect(scatter.y.robust).toMatchObject({ side: "low", clipped: 1 });
    expect((set.charts.find((c) => c.id === "over-time-learning_rate") as ScatterSpec).y.robust).toBeUndefined();
  });
});

describe("the report's ECharts options", () => {
  const jobs = [0.95, 0.96, 0.94, 0.97, 0.955, 0.965, 0.02].map((v, i) => job(i, v));
  const set = chartSet(data(jobs));
  const option = (id: string) =>
    echartsOption(set.charts.find((c) => c.id === id) as never, set) as never as Record<
      string,
      // biome-ignore lint/suspicious/noExplicitAny: ECharts options are loosely typed records.
      any
    >;

  it("draws a clipped job in the marked band, and keeps the axis to the range that matters", () => {
    const o = option("objective-vs-learning_rate");
    expect(o.yAxis.min).toBeGreaterThan(0.8);
    const points = o.series
      .filter((s: { type: string }) => s.type === "scatter")
      .flatMap((s: { data: number[][] }) => s.data);
    expect(points).toHaveLength(7);
    const lowest = Math.min(...points.map((p: number[]) => p[1]));
    expect(lowest).toBeGreaterThan(o.yAxis.min);
    const band = o.series.find((s: { markArea?: unknown }) => s.markArea).markArea.data[0];
    expect(band[0].name).toMatch(/^below 0\.\d+: 1 job$/);
    expect(lowest).toBeGreaterThan(band[0].yAxis);
    expect(lowest).toBeLessThan(band[1].yAxis);
    // No tick label inside the band: its points are not at their values.
    expect(o.yAxis.axisLabel.formatter(o.yAxis.min)).toBe("");
    expect(o.yAxis.axisLabel.formatter(0.95)).toBe("0.95");
  });

  it("labels log axes and parallel axes without binary noise, and colours parallel lines by the objective", () => {
    const parallel = option("parallel-coordinates");
    const lr = parallel.parallelAxis[0];
    expect(lr.type).toBe("log");
    expect(lr.axisLabel.formatter(0.0000999999999999999)).toBe("1e-4");
    expect(parallel.visualMap.dimension).toBe(2);
    // The colours span the kept results: the diverged job takes the worst colour instead of stretching the scale.
    expect(parallel.visualMap.min).toBe(0.94);
    const svg = renderSvg(parallel);
    expect(svg).not.toMatch(/0\.0000\d{6,}/);
    expect(svg).toMatch(/>1e-4</);
  });
});
