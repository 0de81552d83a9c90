/// <reference lib="dom" />
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChartSet, ScatterSpec } from "../src/report/chart-specs.js";
import {
  CHROMIUM,
  type ConsoleServer,
  drawnAt,
  hoverAt,
  openTuningJob,
  rgb,
  startConsole,
} from "./fixtures/console-browser.js";
import { EDGE_JOBS } from "./fixtures/console-store.js";

/**
 * What the console's charts draw, read back from their canvases in Chromium: every job at the extremes of
 * every axis is drawn whole inside the plot in its colour and named by the tooltip there; the linked views
 * (hover, click, brush), the learning curves' verdicts and the model view.
 */
let server: ConsoleServer;
let set: ChartSet;

beforeAll(async () => {
  server = await startConsole();
  set = (await (await fetch(`${server.base}/api/tuning-jobs/edges/charts`)).json()) as ChartSet;
}, 600_000);
afterAll(async () => server?.close());

const name = (row: number) => `edges-${String(row + 1).padStart(3, "0")}`;

/** The rows a scatter draws whose x or y is the smallest or largest it draws. */
function extremeRows(spec: ScatterSpec): number[] {
  const drawn = (set.columns.name ?? [])
    .map((_, row) => row)
    .filter((row) => set.columns[spec.x.column]?.[row] != null && set.columns[spec.y.column]?.[row] != null);
  const rows = new Set<number>();
  for (const column of [spec.x.column, spec.y.column]) {
    if (typeof set.columns[column]?.[drawn[0] as number] !== "number") continue;
    const value = (row: number) => set.columns[column]?.[row] as number;
    const sorted = [...drawn].sort((a, b) => value(a) - value(b));
    rows.add(sorted[0] as number);
    rows.add(sorted[sorted.length - 1] as number);
  }
  return [...rows];
}

describe.skipIf(!existsSync(CHROMIUM))("the console's charts in Chromium", () => {
  it("draws every job at the extremes of every axis whole inside the plot, in its colour, and names it on hover", async () => {
    const page = await server.newPage({ viewport: { width: 1360, height: 900 } });
    await openTuningJob(page, server.base, "edges");
    const scatters = set.charts.filter((c): c is ScatterSpec => c.kind === "scatter");
    expect(scatters.length).toBe(7);
    let checked = 0;
    for (const spec of scatters) {
      const figure = page.locator(`[data-chart="${spec.id}"]`);
      await figure.scrollIntoViewIfNeeded();
      for (const row of extremeRows(spec)) {
        const drawn = await drawnAt(page, spec.id, row);
        expect(drawn, `${spec.id}: ${name(row)} drawn`).toBeDefined();
        if (!drawn) continue;
        const { canvas, box, radius, pixel } = drawn;
        // The whole marker is inside the plot area: no axis ends exactly at a value.
        expect(canvas[0] - radius, `${spec.id} ${name(row)} left`).toBeGreaterThanOrEqual(box.left);
        expect(canvas[0] + radius, `${spec.id} ${name(row)} right`).toBeLessThanOrEqual(box.left + box.width);
        expect(canvas[1] - radius, `${spec.id} ${name(row)} top`).toBeGreaterThanOrEqual(box.top);
        expect(canvas[1] + radius, `${spec.id} ${name(row)} bottom`).toBeLessThanOrEqual(box.top + box.height);
        // The canvas holds the job's status colour there.
        const colour = rgb(set.groups[set.columns.group?.[row] as number]?.color as string);
        expect(pixel.slice(0, 3), `${spec.id} ${name(row)} colour`).toEqual(colour);
        expect(await hoverAt(page, spec.id, drawn.css)).toContain(name(row));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    await page.close();
  });

  it("clips the diverged job into the marked band, with its true value on hover, and shows the full range on request", async () => {
    const page = await server.newPage({ viewport: { width: 1360, height: 900 } });
    await openTuningJob(page, server.base, "edges");
    const diverged = EDGE_JOBS.findIndex((j) => j.series[j.series.length - 1] === 0.02);
    const id = "objective-vs-learning_rate";
    const clipped = (await drawnAt(page, id, diverged)) as NonNullable<Awaited<ReturnType<typeof drawnAt>>>;
    const lowest = (await drawnAt(page, id, 5)) as NonNullable<Awaited<ReturnType<typeof drawnAt>>>;
    // The band is below every kept job, and the kept ones use most of the plot's height.
    expect(clipped.canvas[1]).toBeGreaterThan(lowest.canvas[1]);
    const best = (await drawnAt(page, id, 1)) as NonNullable<Awaited<ReturnType<typeof drawnAt>>>;
    expect(lowest.canvas[1] - best.canvas[1]).toBeGreaterThan(best.box.height * 0.6);
    expect(await hoverAt(page, id, clipped.css)).toMatch(/edges-008.*f1 0\.02/);

    await page.check('[data-test="full-range"]');
    await page.waitForFunction(() => true);
    const full = (await drawnAt(page, id, diverged)) as NonNullable<Awaited<ReturnType<typeof drawnAt>>>;
    const fullBest = (await drawnAt(page, id, 1)) as NonNullable<Awaited<ReturnType<typeof drawnAt>>>;
    const fullLowest = (await drawnAt(page, id, 5)) as NonNullable<Awaited<ReturnType<typeof drawnAt>>>;
    // At its true value, the diverged job squashes the rest into a few pixels.
    expect(fullLowest.canvas[1] - fullBest.canvas[1]).toBeLessThan(fullBest.box.height * 0.2);
    expect(full.canvas[1] + full.radius).toBeLessThanOrEqual(full.box.top + full.box.height);
    expect(full.pixel.slice(0, 3)).toEqual(rgb(set.groups[0]?.color as string));
    await page.close();
  });

  it("colours a job stopped by the user apart from one stopped early, and parallel coordinates by the objective", async () => {
    const page = await server.newPage({ viewport: { width: 1360, height: 900 } });
    await openTuningJob(page, server.base, "edges");
    const user = (await drawnAt(page, "objective-over-time", 6)) as NonNullable<Awaited<ReturnType<typeof drawnAt>>>;
    const early = (await drawnAt(page, "objective-over-time", 5)) as NonNullable<Awaited<ReturnType<typeof drawnAt>>>;
    expect(user.pixel.slice(0, 3)).toEqual(rgb("#8e5ea2"));
    expect(early.pixel.slice(0, 3)).toEqual(rgb("#e08a1e"));
    expect(await hoverAt(page, "objective-over-time", user.css)).toContain("stopped by the user");

    // Along each line's first segment, the best job's line is blue and the diverged job's red.
    await page.locator('[data-chart="parallel-coordinates"]').scrollIntoViewIfNeeded();
    const colours = await page.evaluate(() => {
      const plot = document.querySelector('[data-chart="parallel-coordinates"] .plot') as HTMLElement & {
        chartView: { canvasPosition(row: number, d: number): [number, number] };
      };
      const ctx = (plot.querySelector("canvas") as HTMLCanvasElement).getContext("2d") as CanvasRenderingContext2D;
      return [1, 7].map((row) => {
        const [a, b] = [plot.chartView.canvasPosition(row, 0), plot.chartView.canvasPosition(row, 1)];
        return [0.3, 0.5, 0.7].map((t) => {
          const d = ctx.getImageData(
            Math.round(a[0] + (b[0] - a[0]) * t),
            Math.round(a[1] + (b[1] - a[1]) * t),
            1,
            1,
          ).data;
          return [d[0], d[1], d[2]];
        });
      });
    });
    expect(colours[0]?.some(([r, , b]) => (b as number) > (r as number) + 60)).toBe(true);
    expect(colours[1]?.some(([r, , b]) => (r as number) > (b as number) + 60)).toBe(true);
    await page.close();
  });

  it("opens a job when its point is clicked", async () => {
    const page = await server.newPage({ viewport: { width: 1360, height: 900 } });
    await openTuningJob(page, server.base, "edges");
    const drawn = (await drawnAt(page, "objective-vs-weight_decay", 3)) as NonNullable<
      Awaited<ReturnType<typeof drawnAt>>
    >;
    await hoverAt(page, "objective-vs-weight_decay", drawn.css);
    await page.mouse.down();
    await page.mouse.up();
    await page.waitForFunction(() => location.hash === "#/training-jobs/edges-004");
    await page.waitForSelector('[data-test="status"]');
    expect(await page.textContent("h1")).toBe("edges-004");
    await page.close();
  });

  it("selects the jobs brushed in a scatter or along a parallel axis in the table and fades the others everywhere", async () => {
    const page = await server.newPage({ viewport: { width: 1360, height: 900 } });
    await openTuningJob(page, server.base, "edges");
    const id = "objective-vs-learning_rate";
    await page.locator(`[data-chart="${id}"]`).scrollIntoViewIfNeeded();
    // A box from a learning rate of 9.5e-5 to the right edge, and from an f1 of 0.9 to the top.
    const corners = await page.evaluate((chart) => {
      // biome-ignore lint/suspicious/noExplicitAny: uPlot's instance.
      const u = (document.querySelector(`[data-chart="${chart}"] .plot`) as any).uplot;
      const over = u.over.getBoundingClientRect();
      return [
        [over.x + u.valToPos(9.5e-5, "x"), over.y + u.valToPos(0.9, "y")],
        [over.x + over.width - 2, over.y + 2],
      ];
    }, id);
    const [from, to] = corners as [[number, number], [number, number]];
    await page.mouse.move(from[0], from[1]);
    await page.mouse.down();
    await page.mouse.move(to[0], to[1], { steps: 8 });
    await page.mouse.up();
    const expected = EDGE_JOBS.flatMap((j, row) => {
      const f1 = j.status === "InProgress" ? undefined : j.series[j.series.length - 1];
      return f1 !== undefined && f1 > 0.9 && j.lr > 9.5e-5 ? [name(row)] : [];
    });
    expect(expected).toHaveLength(4);
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-test="jobs"] tbody tr[data-name]').length === n,
      4,
    );
    const rows = await page.$$eval('[data-test="jobs"] tbody tr[data-name]', (trs) =>
      trs.map((tr) => tr.getAttribute("data-name")),
    );
    expect(rows.sort()).toEqual(expected.sort());
    expect(await page.textContent('[data-test="selection"]')).toContain("4 jobs selected");
    // In another chart, a selected job keeps its colour and an unselected one is faded.
    await page.waitForTimeout(100);
    const kept = await drawnAt(page, "over-time-weight_decay", 1);
    const faded = await drawnAt(page, "over-time-weight_decay", 0);
    expect(kept?.pixel.slice(0, 3)).toEqual(rgb(set.groups[0]?.color as string));
    expect(faded?.pixel.slice(0, 3)).not.toEqual(rgb(set.groups[0]?.color as string));
    expect(Math.min(...(faded?.pixel.slice(0, 3) ?? [0]))).toBeGreaterThan(190);

    await page.click('[data-test="clear-selection"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-test="jobs"] tbody tr[data-name]').length === 10);

    // Along the objective's axis of parallel coordinates: from above the best down between 0.961 and 0.951.
    await page.locator('[data-chart="parallel-coordinates"]').scrollIntoViewIfNeeded();
    const drag = await page.evaluate(() => {
      const plot = document.querySelector('[data-chart="parallel-coordinates"] .plot') as HTMLElement & {
        chartView: { canvasPosition(row: number, d: number): [number, number] };
      };
      const box = (plot.querySelector("canvas") as HTMLCanvasElement).getBoundingClientRect();
      const ratio = window.devicePixelRatio || 1;
      const at = (row: number) => plot.chartView.canvasPosition(row, 3).map((v) => v / ratio);
      const [x, best] = at(1) as [number, number];
      const between = ((at(3)[1] as number) + (at(2)[1] as number)) / 2;
      return [box.x + x, box.y + best - 6, box.y + between];
    });
    const [ax, top, bottom] = drag as [number, number, number];
    await page.mouse.move(ax, top);
    await page.mouse.down();
    await page.mouse.move(ax, bottom, { steps: 6 });
    await page.mouse.up();
    await page.waitForFunction(() => document.querySelectorAll('[data-test="jobs"] tbody tr[data-name]').length === 3);
    const brushed = await page.$$eval('[data-test="jobs"] tbody tr[data-name]', (trs) =>
      trs.map((tr) => tr.getAttribute("data-name")),
    );
    expect(brushed.sort()).toEqual(["edges-002", "edges-004", "edges-005"]);
    await page.close();
  });

  it("draws every job's learning curve and says why each early-stopped job was stopped, where the median stood", async () => {
    const curves = await (await fetch(`${server.base}/api/tuning-jobs/bayes-lr/learning-curves`)).json();
    const judged = curves.curves.filter((c: { judged?: unknown }) => c.judged);
    expect(judged.length).toBeGreaterThan(0);
    const page = await server.newPage({ viewport: { width: 1360, height: 900 } });
    await openTuningJob(page, server.base, "bayes-lr");
    expect(await page.getAttribute('[data-chart="learning-curves"]', "data-points")).toBe(String(curves.curves.length));
    await page.locator('[data-chart="learning-curves"]').scrollIntoViewIfNeeded();
    for (const curve of judged) {
      const k = curve.judged.epoch - 1;
      const css = await page.evaluate(
        ([n, i]) =>
          // biome-ignore lint/suspicious/noExplicitAny: the chart's test surface.
          (document.querySelector('[data-chart="learning-curves"] .plot') as any).chartView.cssPosition(n, i),
        [curve.name, k] as const,
      );
      const at = await page.evaluate(
        // biome-ignore lint/suspicious/noExplicitAny: uPlot's instance.
        () => (document.querySelector('[data-chart="learning-curves"] .plot') as any).uplot.bbox,
      );
      const ratio = await page.evaluate(() => window.devicePixelRatio || 1);
      const text = await hoverAt(page, "learning-curves", [css[0] + at.left / ratio, css[1] + at.top / ratio]);
      expect(text).toContain(curve.judged.detail);
      expect(text).toMatch(/epoch \d+: worse than the median of \d+ other jobs' running averages/);
      // The median it was judged against is drawn as a dark mark at that epoch.
      const dark = await page.evaluate(
        ([epoch, threshold]) => {
          // biome-ignore lint/suspicious/noExplicitAny: uPlot's instance.
          const u = (document.querySelector('[data-chart="learning-curves"] .plot') as any).uplot;
          const d = u.ctx.getImageData(
            Math.round(u.valToPos(epoch, "x", true)) + 5,
            Math.round(u.valToPos(threshold, "y", true)),
            1,
            1,
          ).data;
          return d[0] + d[1] + d[2];
        },
        [curve.judged.epoch, curve.judged.threshold] as const,
      );
      expect(dark).toBeLessThan(150);
      expect(await page.textContent('[data-test="verdicts"]')).toContain(`${curve.name}: ${curve.judged.detail}`);
    }
    await page.close();
  });

  it("shows what the model thought at a suggestion, and why there is no model for the initial design", async () => {
    const page = await server.newPage({ viewport: { width: 1360, height: 900 } });
    await openTuningJob(page, server.base, "bayes-lr");
    await page.waitForSelector('[data-chart="model-learning_rate"][data-rendered="true"]');
    await page.waitForSelector('[data-chart="model-batch_size"][data-rendered="true"]');
    expect(await page.textContent('[data-test="model-note"]')).toMatch(
      /^Job 16, bayes-lr-016-\w+, was suggested from \d+ results/,
    );
    expect(Number(await page.getAttribute('[data-chart="model-learning_rate"]', "data-points"))).toBeGreaterThan(10);
    // The list of suggestions is filled when it is opened.
    await page.focus('[data-test="model-job"]');
    const first = await page.$eval('[data-test="model-job"] option:last-child', (o) => (o as HTMLOptionElement).value);
    expect(first).toMatch(/^bayes-lr-001-/);
    await page.selectOption('[data-test="model-job"]', first);
    await page.waitForFunction(() =>
      document.querySelector('[data-test="model-note"]')?.textContent?.includes("initial design"),
    );
    expect(await page.locator('[data-test="model"] figure').count()).toBe(0);
    await page.close();
  });

  it("sorts, filters and marks the jobs table, by mouse and by keyboard", async () => {
    const page = await server.newPage({ viewport: { width: 1360, height: 900 } });
    await openTuningJob(page, server.base, "edges");
    const first = () => page.getAttribute('[data-test="jobs"] tbody tr:first-child', "data-name");
    const headers = await page.$$eval('[data-test="jobs"] th', (ths) =>
      ths.map((th) => th.textContent?.replace(/[▲▼]/g, "").trim()),
    );
    expect(headers).toEqual([
      "#",
      "name",
      "status",
      "f1",
      "learning_rate",
      "weight_decay",
      "optimizer",
      "duration",
      "started",
      "latest value",
    ]);
    await page.focus('th[data-sort="hp:learning_rate"]');
    await page.keyboard.press("Enter");
    expect(await page.getAttribute('th[data-sort="hp:learning_rate"]', "aria-sort")).toBe("descending");
    expect(await page.textContent('th[data-sort="hp:learning_rate"] .arrow')).toBe(" ▼");
    expect(await first()).toBe("edges-002");
    await page.keyboard.press("Enter");
    expect(await page.getAttribute('th[data-sort="hp:learning_rate"]', "aria-sort")).toBe("ascending");
    expect(await first()).toBe("edges-001");
    expect(await page.textContent('tr[data-name="edges-002"]')).toContain("★ best");
    expect(await page.textContent('tr[data-name="edges-006"]')).toContain("stopped early by the median rule");
    expect(await page.textContent('tr[data-name="edges-007"]')).toContain("stopped by the user");
    // A running job's latest value of the objective, and which epoch it is from.
    expect(await page.textContent('tr[data-name="edges-010"] td[data-label="latest value"]')).toBe("0.93 epoch 2");
    await page.uncheck('[data-test="status-filters"] input[data-group="1"]');
    expect(await page.locator('tr[data-name="edges-006"]').count()).toBe(0);
    expect(await page.locator('[data-test="jobs"] tbody tr[data-name]').count()).toBe(9);
    await page.close();
  });
});
