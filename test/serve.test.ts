/// <reference lib="dom" />
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { Agent, createServer, request as httpRequest, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../src/store/index.js";

/**
 * `tunekit serve` as users run it (the CLI in a child process, a real socket) against hostile pages in
 * Debian's Chromium: a page of another site posting a form to stop a job, a DNS name rebound to 127.0.0.1
 * (Chromium's host resolver rules stand in for the attacker's DNS), and the console opened with a token.
 */
const CHROMIUM = process.env.TUNEKIT_CHROMIUM ?? "/usr/bin/chromium";
const MAIN = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const home = mkdtempSync(join(tmpdir(), "tunekit-serve-"));
const storePath = join(home, "tunekit.db");
const servers: ChildProcess[] = [];
let browser: Browser | undefined;
let evil: Server | undefined;

/** A page whose waits last as long as a busy machine may need (Playwright's default is 30 s). */
async function newPage() {
  const page = await (browser as Browser).newPage();
  page.setDefaultTimeout(300_000);
  return page;
}

/**
 * Starts `tunekit serve ARGS` on a free port and resolves with its base URL once it listens. Without a
 * controller: the store's jobs are bare records standing for jobs another process runs, which a controller here
 * would take up and fail for having no request.
 */
function serve(...args: string[]): Promise<string> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", MAIN, "serve", "--store", storePath, "--port", "0", "--no-controller", ...args],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  servers.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const url = /tunekit console on (http:\/\/\S+?:\d+)\//.exec(out)?.[1];
      if (url) resolve(url);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on("exit", (code) => reject(new Error(`tunekit serve exited with ${code}: ${err}`)));
  });
}

/** One raw request, Host header as given (fetch would not let a test set it). */
function raw(url: string, headers: Record<string, string>, method = "GET"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const status = async (name: string) => {
  const store = new SqliteStore(storePath);
  try {
    return (await store.getTuningJob(name))?.status;
  } finally {
    await store.close();
  }
};

beforeAll(async () => {
  const store = new SqliteStore(storePath);
  for (const name of ["running", "other"]) {
    await store.createTuningJob({ name, kind: "tuning-job", config: {}, seed: 1, now: Date.now() });
  }
  await store.close();
  if (existsSync(CHROMIUM)) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--host-resolver-rules=MAP evil.example 127.0.0.1",
      ],
    });
  }
});

afterAll(async () => {
  await browser?.close();
  evil?.close();
  for (const child of servers) child.kill();
  rmSync(home, { recursive: true, force: true });
});

describe("tunekit serve", () => {
  it("serves on any 127.0.0.0/8 address without a token, as loopback", async () => {
    const base = await serve("--host", "127.0.0.2");
    expect(base).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
    expect((await raw(`${base}/api/tuning-jobs`, {})).status).toBe(200);
  });

  it("keeps an idle connection open past Node's 5 s, so a polling SDK client's next request finds it alive", async () => {
    const base = await serve();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const once = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = httpRequest(`${base}/api/tuning-jobs`, { agent }, (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on("error", reject);
        req.end();
      });
    try {
      expect(await once()).toEqual({ status: 200, reused: false });
      await new Promise((resolve) => setTimeout(resolve, 6000));
      expect(await once()).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  });

  it("answers only requests addressed to it, so a rebound DNS name gets no data", async () => {
    const base = await serve();
    const port = new URL(base).port;
    const rebound = await raw(`${base}/api/tuning-jobs`, { host: `evil.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain("running");
    expect((await raw(`${base}/api/tuning-jobs`, { host: `localhost:${port}` })).status).toBe(200);
    if (!browser) return;
    const page = await newPage();
    const response = await page.goto(`http://evil.example:${port}/api/tuning-jobs`);
    expect(response?.status()).toBe(403);
    expect(await page.content()).not.toContain('"running"');
    await page.close();
  });

  it.skipIf(!existsSync(CHROMIUM))("refuses a form another site's page posts to stop a job", async () => {
    const base = await serve();
    const target = `${base}/api/tuning-jobs/running/stop`;
    evil = createServer((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end(
        `<form method="POST" action="${target}" enctype="text/plain"><input name="a" value="b"></form>` +
          `<script>fetch(${JSON.stringify(`${base}/api/tuning-jobs/other/stop`)}, { method: "POST", mode: "no-cors" }).finally(() => document.forms[0].submit());</script>`,
      );
    });
    const evilBase = await new Promise<string>((resolve) =>
      (evil as Server).listen(0, "localhost", () => {
        const address = (evil as Server).address();
        resolve(`http://localhost:${typeof address === "object" && address ? address.port : 0}`);
      }),
    );
    const page = await newPage();
    const posted = page.waitForResponse((r) => r.url() === target);
    await page.goto(evilBase);
    expect((await posted).status()).toBe(403);
    expect(await status("running")).toBe("InProgress");
    expect(await status("other")).toBe("InProgress");
    await page.close();
  });

  it.skipIf(!existsSync(CHROMIUM))(
    "opens the console with a token through an HttpOnly session cookie, and draws it",
    async () => {
      const base = await serve("--token", "s3cret-token", "--no-aws");
      const page = await newPage();
      const refused: string[] = [];
      page.on("response", (r) => {
        if (r.status() === 401) refused.push(r.url());
      });
      await page.goto(`${base}/?token=s3cret-token#/`);
      await page.waitForSelector('[data-test="tuning-jobs"] tr[data-name="running"]');
      expect(page.url()).toBe(`${base}/#/`);
      expect(refused).toEqual([]);
      // The stylesheet arrived and applies; the page's scripts cannot read the cookie.
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(250, 250, 250)");
      expect(await page.evaluate(() => document.cookie)).toBe("");
      const cookies = await page.context().cookies(base);
      expect(cookies).toHaveLength(1);
      expect(cookies[0]).toMatchObject({ name: "tunekit_session", httpOnly: true, sameSite: "Strict" });
      expect(cookies[0]?.value).not.toContain("s3cret");
      // Without the cookie or the token, nothing is served.
      const stranger = await newPage();
      expect((await stranger.goto(`${base}/console/console.css`))?.status()).toBe(401);
      await stranger.close();
      await page.close();
    },
  );
});
