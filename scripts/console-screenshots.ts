// The README's console screenshots, taken from real runs: serves a store (the one `npm run demo` and
// `examples/mrpc/run.ts` wrote) and photographs, in Debian's Chromium, the tuning jobs list, a tuning job's page
// on a desktop and on a phone, its learning curves, the model view and a training job's page.
//
//   npx tsx scripts/console-screenshots.ts --store ~/.tunekit/tunekit.db --tuning-job mrpc-lr \
//     --curves spam-mlp --training-job mrpc-lr-015-cf20ed07 [--out docs/images]
import { join } from "node:path";
import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import { chromium, type Page } from "playwright-core";
import { openStore } from "../src/store/index.js";
import { createApp } from "../src/transports/http/app.js";

const { values: args } = parseArgs({
  options: {
    store: { type: "string" },
    "tuning-job": { type: "string" },
    curves: { type: "string" },
    "training-job": { type: "string" },
    out: { type: "string", default: "docs/images" },
    chromium: { type: "string", default: process.env.TUNEKIT_CHROMIUM ?? "/usr/bin/chromium" },
  },
});
if (!args.store || !args["tuning-job"] || !args["training-job"]) {
  console.error("usage: console-screenshots.ts --store PATH --tuning-job NAME --training-job NAME [--curves NAME]");
  process.exit(2);
}
const store = await openStore(args.store);
const app = createApp({ store });
let server: ReturnType<typeof serve> | undefined;
const base = await new Promise<string>((resolve) => {
  server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
    resolve(`http://127.0.0.1:${info.port}`),
  );
});
const browser = await chromium.launch({
  executablePath: args.chromium,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const out = (name: string) => join(args.out as string, name);

async function tuningJob(page: Page, name: string) {
  await page.goto(`${base}/#/tuning-jobs/${name}`);
  await page.waitForSelector('[data-chart="learning-curves"][data-rendered="true"]');
  await page.waitForFunction(() => {
    const note = document.querySelector('[data-test="model-note"]')?.textContent ?? "";
    return (
      note.length > 0 && [...document.querySelectorAll("figure.chart")].every((c) => c.getAttribute("data-rendered"))
    );
  });
  await page.waitForTimeout(300);
}

/** From the top of the page to the bottom of `selector`. */
async function shotDownTo(page: Page, selector: string, path: string, width: number) {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not on the page`);
  await page.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width, height: box.y + box.height + 12 } });
}

/** From the heading `heading` to the bottom of `selector`. */
async function shotSection(page: Page, heading: string, selector: string, path: string, width: number) {
  const top = await page.locator(`h2:text-is("${heading}")`).boundingBox();
  const bottom = await page.locator(selector).boundingBox();
  if (!top || !bottom) throw new Error(`no ${heading} section`);
  await page.screenshot({
    path,
    fullPage: true,
    clip: { x: 0, y: top.y - 8, width, height: bottom.y + bottom.height - top.y + 20 },
  });
}

const desktop = await browser.newPage({ viewport: { width: 1360, height: 900 } });
await desktop.goto(`${base}/#/`);
await desktop.waitForSelector('[data-test="tuning-jobs"] tr[data-name]');
await desktop.screenshot({ path: out("console-tuning-jobs.png") });
await tuningJob(desktop, args["tuning-job"]);
await shotDownTo(desktop, "#charts", out("console-tuning-job.png"), 1360);
await shotSection(desktop, "What the model thought", "#model", out("console-model.png"), 1360);
await tuningJob(desktop, args.curves ?? args["tuning-job"]);
await shotSection(desktop, "Learning curves", '[data-test="verdicts"]', out("console-learning-curves.png"), 1360);
await desktop.goto(`${base}/#/training-jobs/${args["training-job"]}`);
await desktop.waitForSelector('figure.chart[data-rendered="true"]');
await desktop.waitForTimeout(300);
await desktop.screenshot({ path: out("console-training-job.png"), fullPage: true });

const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, deviceScaleFactor: 2 });
await tuningJob(phone, args["tuning-job"]);
await phone.screenshot({
  path: out("console-tuning-job-phone.png"),
  clip: { x: 0, y: 0, width: 390, height: 1500 },
  fullPage: true,
});

await browser.close();
server?.close();
await store.close();
console.log(`wrote the console's screenshots to ${args.out}`);
