import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseTuningJobRequest } from "../config/tuning-job-request.js";
import { SimulatedExecutor } from "../executors/index.js";
import { MemoryStore } from "../store/memory/memory-store.js";
import { runTuningJob, suggestInProcess } from "../tuner/index.js";
import {
  chartSet,
  exportCharts,
  findingsSentences,
  renderReport,
  reportCharts,
  reportData,
  tuningFindings,
} from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "tunekit-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A finished tuning job (simulated: 12 jobs, early stopping) to report on. */
async function tuned() {
  const store = new MemoryStore();
  const request = {
    HyperParameterTuningJobName: "report-me",
    HyperParameterTuningJobConfig: {
      Strategy: "Random",
      RandomSeed: 3,
      HyperParameterTuningJobObjective: { Type: "Maximize", MetricName: "f1" },
      ResourceLimits: { MaxNumberOfTrainingJobs: 12, MaxParallelTrainingJobs: 3 },
      ParameterRanges: {
        ContinuousParameterRanges: [{ Name: "lr", MinValue: "1e-5", MaxValue: "1e-1", ScalingType: "Logarithmic" }],
        CategoricalParameterRanges: [{ Name: "optimizer", Values: ["adam", "sgd"] }],
      },
      TrainingJobEarlyStoppingType: "Auto",
    },
    TrainingJobDefinition: {
      AlgorithmSpecification: {
        TrainingImage: "x",
        TrainingInputMode: "File",
        MetricDefinitions: [{ Name: "f1", Regex: "f1=(\\S+)" }],
      },
    },
  };
  const executor = new SimulatedExecutor(store, "f1", (hp) => {
    const top = 0.9 - 0.05 * (Math.log10(hp.lr as number) + 3.5) ** 2 - (hp.optimizer === "sgd" ? 0.05 : 0);
    return { values: [0.5, 0.7, 0.8, 1].map((f) => top * f), epochSeconds: 600 };
  });
  const job = await runTuningJob({ store, job: parseTuningJobRequest(request), executor, suggest: suggestInProcess });
  return { store, job };
}

describe("report", () => {
  it("draws every chart from the jobs' data, with log axes for logarithmic ranges", async () => {
    const { store, job } = await tuned();
    const data = await reportData(store, job);
    const charts = reportCharts(chartSet(data));
    expect(charts.map((c) => c.id)).toEqual([
      "objective-over-time",
      "over-time-lr",
      "over-time-optimizer",
      "objective-vs-lr",
      "objective-vs-optimizer",
      "parallel-coordinates",
      "timeline",
    ]);
    const chart = (id: string) => {
      const found = charts.find((c) => c.id === id);
      if (!found) throw new Error(`no chart ${id}`);
      return found.option;
    };
    const points = (id: string) =>
      (chart(id).series as { type: string; data: unknown[] }[])
        .filter((s) => s.type === "scatter" || s.type === "parallel" || s.type === "custom")
        .reduce((n, s) => n + s.data.length, 0);
    expect(points("objective-over-time")).toBe(12);
    expect(points("objective-vs-lr")).toBe(12);
    expect(points("parallel-coordinates")).toBe(12);
    expect(points("timeline")).toBe(12);
    expect((chart("objective-vs-lr").xAxis as { type: string }).type).toBe("log");
    expect((chart("objective-vs-optimizer").xAxis as { type: string }).type).toBe("category");
  });

  it("is one self-contained HTML page: inline SVG charts, no script, nothing fetched", async () => {
    const { store, job } = await tuned();
    const { html, charts } = await renderReport(store, job);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|\bsrc=|url\(\s*['"]?https?:/i);
    expect(html.match(/<svg /g)?.length).toBe(charts.length);
    expect(html).toContain("report-me");
    expect(html).toMatch(/Best training job/);
    expect((html.match(/<tr><td class="num">/g) ?? []).length).toBe(12);
    // Stopped-early jobs say so.
    expect(html).toMatch(/Stopped \(stopped early by the median rule\)/);
    for (const { svg } of charts) expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 640 360"/);
  });

  it("exports each chart as SVG and PNG", async () => {
    const { store, job } = await tuned();
    const written = await exportCharts(await renderReport(store, job), join(dir, "charts"), true);
    expect(written).toHaveLength(14);
    const png = readFileSync(join(dir, "charts", "timeline.png"));
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(readdirSync(join(dir, "charts")).filter((f) => f.endsWith(".svg"))).toHaveLength(7);
  });

  it("finds after how many jobs the best was found and how many jobs ran within a factor of 2 of its values", async () => {
    const { store, job } = await tuned();
    const data = await reportData(store, job);
    const template = data.jobs[0] as (typeof data.jobs)[number];
    // Five jobs launched in this order; the best (0.9) is the 4th; lr 1e-3 has 2e-3 and 6e-4 within a factor of 2.
    const spec: [number, number | null, number][] = [
      [0, 0.5, 1e-5],
      [1, 0.8, 2e-3],
      [2, null, 6e-4],
      [3, 0.9, 1e-3],
      [4, 0.7, 2.1e-3],
    ];
    const jobs = spec.map(([trialIndex, objectiveValue, lr]) => ({
      ...template,
      name: `job-${trialIndex}`,
      trialIndex,
      objectiveValue,
      hyperparameters: { lr, optimizer: "adam" },
    }));
    const findings = tuningFindings([...jobs].reverse(), data.objective, data.axes);
    expect(findings).toEqual({
      bestJob: "job-3",
      bestValue: 0.9,
      foundAfter: 4,
      jobsRun: 5,
      nearOptimum: [{ name: "lr", best: 1e-3, near: 3, of: 5 }],
    });
    expect(findingsSentences(findings as NonNullable<typeof findings>, "f1")).toEqual([
      "The best job, job-3 (f1 0.9), was the 4th of 5 jobs: the optimum was found after 4 jobs.",
      "3 of 5 jobs ran near the optimum of lr: within a factor of 2 of the best job's 0.001.",
    ]);
    // Minimising, the best is the lowest value.
    expect(tuningFindings(jobs, { ...data.objective, Type: "Minimize" }, data.axes)?.bestJob).toBe("job-0");
    expect(tuningFindings([], data.objective, data.axes)).toBeUndefined();
    expect((await renderReport(store, job)).html).toMatch(/<div id="findings"><p>The best job, report-me-\d+/);
  });
});
