/// <reference lib="dom" />
import { existsSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, type ConsoleServer, openTuningJob, startConsole } from "./fixtures/console-browser.js";

/**
 * The web console's pages in Debian's Chromium (through playwright-core), against a real SQLite store served by
 * createApp: every page, what each says about a job, the links, the live updates, and the phone layout.
 */
let server: ConsoleServer;
beforeAll(async () => {
  server = await startConsole();
}, 600_000);
afterAll(async () => server?.close());

const LONG = 600_000;
/** Every kind of page, as a phone must show them. */
const PAGES = [
  "#/",
  "#/tuning-jobs/edges",
  "#/tuning-jobs/bayes-lr",
  "#/tuning-jobs/warm-child",
  "#/tuning-jobs/asktell",
  "#/training-jobs",
  "#/training-jobs/solo-train",
  "#/training-jobs/edges-007",
  "#/training-jobs/asktell-000",
  "#/workers",
];

/** Waits until a page has drawn what it draws (its charts, when it has any). */
async function settled(page: Page) {
  await page.waitForFunction(() => {
    const charts = Array.from(document.querySelectorAll("figure.chart"));
    const loading = document.querySelector("main")?.textContent?.includes("Loading…");
    return !loading && charts.every((c) => c.getAttribute("data-rendered") === "true");
  });
  await page.waitForTimeout(300);
}

describe.skipIf(!existsSync(CHROMIUM))("the web console's pages in Chromium", () => {
  it(
    "fits every page into a phone's 390 px without scrolling sideways",
    async () => {
      const page = await server.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
      for (const hash of PAGES) {
        await page.goto(`${server.base}/${hash}`);
        await settled(page);
        const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.body.scrollWidth]);
        expect(widths, hash).toEqual([390, 390]);
      }
      await page.close();
    },
    LONG,
  );

  it(
    "writes numbers without binary noise and times in the viewer's locale, with the exact values on hover",
    async () => {
      const page = await server.newPage({ viewport: { width: 1360, height: 900 }, locale: "en-GB" });
      await openTuningJob(page, server.base, "edges");
      const text = (await page.textContent("main")) as string;
      expect(text).not.toMatch(/\d\.\d*0{5,}\d|0\.0000\d/);
      expect(await page.textContent('tr[data-name="edges-001"] td[data-label="learning_rate"]')).toBe("5e-6");
      expect(await page.getAttribute('tr[data-name="edges-001"] td[data-label="learning_rate"] span', "title")).toBe(
        "0.000005",
      );
      const started = page.locator('tr[data-name="edges-001"] td[data-label="started"] time');
      expect(await started.getAttribute("title")).toBe("2026-11-28T09:00:00.000Z");
      expect(await started.textContent()).toBe(
        new Intl.DateTimeFormat("en-GB", { dateStyle: "short", timeStyle: "medium" }).format(Date.UTC(2026, 10, 28, 9)),
      );
      await page.close();
    },
    LONG,
  );

  it(
    "links the tuning job's Describe JSON, analytics CSV and report, and shows its findings and importance",
    async () => {
      const page = await server.newPage({ viewport: { width: 1360, height: 900 } });
      await openTuningJob(page, server.base, "bayes-lr");
      for (const [test, type] of [
        ["describe", "application/json"],
        ["analytics", "text/csv"],
        ["report", "text/html"],
      ]) {
        const href = (await page.getAttribute(`[data-test="links"] [data-test="${test}"]`, "href")) as string;
        const response = await fetch(new URL(href, server.base));
        expect(response.status, test).toBe(200);
        expect(response.headers.get("content-type"), test).toContain(type);
      }
      await page.waitForFunction(() => !document.querySelector('[data-test="importance"]')?.textContent?.includes("…"));
      expect(await page.textContent('[data-test="findings"]')).toMatch(
        /The best job, bayes-lr-\d+-\w+ \(f1 0\.\d+\), was the \d+\w\w of 16 jobs/,
      );
      expect(await page.textContent('[data-test="importance"]')).toMatch(/learning_rate\s*0\.\d+/);
      await page.close();
    },
    LONG,
  );

  it(
    "draws a warm-started tuning job's results beside its parent's",
    async () => {
      const page = await server.newPage({ viewport: { width: 1360, height: 900 } });
      await openTuningJob(page, server.base, "warm-child");
      const chart = page.locator('[data-chart="warm-start"]');
      await chart.waitFor();
      expect(await chart.getAttribute("data-points")).toBe(String(6 + 16));
      expect(await chart.locator(".legend").textContent()).toContain("parent tuning jobs' jobs");
      expect(await page.textContent('[data-test="links"]')).toBeTruthy();
      expect(await page.textContent("#summary")).toContain("Warm start (IdenticalDataAndAlgorithm) from bayes-lr");
      await page.close();
    },
    LONG,
  );

  it(
    "shows a standalone training job: outcome, hyperparameters, final metrics, status history, artifacts and log",
    async () => {
      const page = await server.newPage({ viewport: { width: 1360, height: 900 } });
      await page.goto(`${server.base}/#/training-jobs`);
      await page.waitForSelector('[data-test="training-jobs"] tr[data-name="solo-train"]');
      // Only jobs run on their own are listed; a tuning job's are on its page.
      expect(await page.locator('[data-test="training-jobs"] tr[data-name]').count()).toBe(1);
      await page.click('a[href="#/training-jobs/solo-train"]');
      await page.waitForSelector('[data-chart="metric-f1"][data-rendered="true"]');
      expect(await page.textContent('[data-test="status"]')).toBe("Stopped");
      expect(await page.textContent('[data-test="stop-reason"]')).toBe("stopped by the user");
      expect(await page.textContent("#summary")).toContain("took 1 min 05 s");
      expect(await page.textContent('[data-test="final-metrics"]')).toMatch(/f1\s*0\.78/);
      expect(await page.locator('[data-test="status-history"] tbody tr').count()).toBe(3);
      expect(await page.textContent('[data-test="hyperparameters"]')).toMatch(/epochs\s*2\s*static/);
      expect(await page.textContent('[data-test="artifacts"]')).toContain(
        "s3://my-bucket/output/solo-train/output/model.tar.gz",
      );
      await page.waitForFunction(() => document.querySelector('[data-test="log"]')?.textContent?.includes("0.78"));
      await page.close();
    },
    LONG,
  );

  it(
    "says what a job's outcome was: user-stopped apart from early-stopped, no repeated status, an in-process trial",
    async () => {
      const page = await server.newPage({ viewport: { width: 1360, height: 900 } });
      await page.goto(`${server.base}/#/training-jobs/edges-007`);
      await page.waitForSelector('[data-test="stop-reason"]');
      expect(await page.textContent('[data-test="status"]')).toBe("Stopped");
      expect(await page.textContent('[data-test="stop-reason"]')).toBe("stopped by the user");
      await page.goto(`${server.base}/#/training-jobs/edges-006`);
      await page.waitForFunction(
        () => document.querySelector('[data-test="stop-reason"]')?.textContent === "stopped early by the median rule",
      );
      expect(await page.textContent('[data-test="objective"]')).toBe("0.88");

      // An ask/tell trial ran in its program: there is no process and no log, and the page says why.
      await page.goto(`${server.base}/#/training-jobs/asktell-000`);
      await page.waitForFunction(() => document.querySelector('[data-test="log"]')?.textContent !== "");
      expect(await page.textContent('[data-test="log"]')).toBe(
        "This trial was evaluated in-process by the ask/tell API: there is no log.",
      );
      expect(await page.textContent("main")).not.toContain("has no log");

      // A finished ask/tell study is idle, not running, and has nothing to stop.
      await page.goto(`${server.base}/#/`);
      await page.waitForSelector('tr[data-name="asktell"]');
      expect(await page.textContent('tr[data-name="asktell"] [data-test="status"]')).toBe("Idle");
      await page.goto(`${server.base}/#/tuning-jobs/asktell`);
      await page.waitForSelector('[data-test="status"]');
      expect(await page.textContent('[data-test="status"]')).toBe("Idle");
      expect(await page.locator('[data-test="stop"]').count()).toBe(0);
      await page.close();
    },
    LONG,
  );

  it(
    "says so when a name is unknown, and the live indicator does not hide it",
    async () => {
      const page = await server.newPage();
      for (const hash of ["#/tuning-jobs/nobody-here", "#/training-jobs/nobody-here"]) {
        await page.goto(`${server.base}/${hash}`);
        await page.waitForSelector('[data-test="not-found"]');
        // Long enough for the event stream (every 200 ms here) to have spoken, were it connected.
        await page.waitForTimeout(1000);
        expect(await page.textContent('[data-test="not-found"]')).toContain("nobody-here");
        expect(await page.textContent("#live")).toBe("");
      }
      await page.close();
    },
    LONG,
  );

  it(
    "follows a running tuning job and a running job's log as they change",
    async () => {
      const page = await server.newPage({ viewport: { width: 1360, height: 900 } });
      await page.goto(`${server.base}/#/tuning-jobs/running-job`);
      await page.waitForSelector('[data-test="jobs"] tbody tr[data-name="running-job-001"]');
      expect(await page.textContent('tr[data-name="running-job-001"] td[data-label="latest value"]')).toBe(
        "0.9 epoch 1",
      );
      await server.store.createTrainingJob({
        name: "running-job-002",
        tuningJobName: "running-job",
        trialIndex: 1,
        hyperparameters: { x: 0.25 },
        now: Date.now(),
      });
      await page.waitForSelector('[data-test="jobs"] tbody tr[data-name="running-job-002"]');

      await page.goto(`${server.base}/#/training-jobs/running-job-001`);
      await page.waitForFunction(() => document.querySelector('[data-test="log"]')?.textContent?.includes("loss=0.9"));
      await server.store.appendLog("running-job-001", 0, "epoch 2 loss=0.7\n", Date.now());
      await page.waitForFunction(() => document.querySelector('[data-test="log"]')?.textContent?.includes("loss=0.7"));
      expect(await page.textContent('[data-test="log"]')).toBe("epoch 1 loss=0.9\nepoch 2 loss=0.7\n");
      await page.close();
    },
    LONG,
  );

  it(
    "asks before stopping a tuning job, and stops it only when told to",
    async () => {
      const page = await server.newPage({ viewport: { width: 1360, height: 900 } });
      await page.goto(`${server.base}/#/tuning-jobs/running-job`);
      await page.click('[data-test="stop"]');
      await page.waitForSelector('[data-test="confirm-stop"]');
      expect((await server.store.getTuningJob("running-job"))?.status).toBe("InProgress");
      await page.click('[data-test="cancel-stop"]');
      await page.waitForSelector('[data-test="stop"]');
      expect((await server.store.getTuningJob("running-job"))?.status).toBe("InProgress");
      await page.click('[data-test="stop"]');
      await page.click('[data-test="confirm-stop"]');
      await page.waitForFunction(() => document.querySelector('[data-test="status"]')?.textContent === "Stopped");
      expect((await server.store.getTuningJob("running-job"))?.status).toBe("Stopped");
      await page.close();
    },
    LONG,
  );

  it(
    "asks for nothing outside its own server",
    async () => {
      const page = await server.newPage({ viewport: { width: 1360, height: 900 } });
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      await openTuningJob(page, server.base, "bayes-lr");
      await page.waitForSelector('[data-chart="model-learning_rate"][data-rendered="true"]');
      expect(requests.length).toBeGreaterThan(5);
      expect(requests.every((url) => url.startsWith(server.base))).toBe(true);
      await page.close();
    },
    LONG,
  );
  it(
    "lists the workers with their host, status, slots, GPUs, running jobs and last heartbeat, and follows them",
    async () => {
      await server.store.heartbeatWorker({
        name: "gpu-a",
        host: "gpu-a.internal",
        pid: 4411,
        slots: 2,
        gpus: ["0", "1"],
        running: ["solo-train@1"],
        accepting: true,
      });
      const page = await server.newPage();
      await page.goto(`${server.base}/#/workers`);
      const row = page.locator('[data-test=workers] tr[data-name="gpu-a"]');
      await row.waitFor();
      const text = (await row.textContent()) ?? "";
      for (const part of ["gpu-a.internal", "Active", "1/2", "0,1", "solo-train (attempt 2)", "s ago"]) {
        expect(text).toContain(part);
      }
      await server.store.heartbeatWorker({
        name: "gpu-b",
        host: "gpu-b.internal",
        pid: 12,
        slots: 1,
        gpus: [],
        running: [],
        accepting: false,
      });
      await page.locator('[data-test=workers] tr[data-name="gpu-b"]', { hasText: "NotAccepting" }).waitFor();
      // Its polling says when it last heard from the server, as the other pages' event streams do.
      await page.locator("#live", { hasText: "live · updated" }).waitFor();
      await page.close();
    },
    LONG,
  );
});
