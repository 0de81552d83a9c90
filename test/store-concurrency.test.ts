import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { SqliteStore } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "tunekit-concurrency-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const writer = fileURLToPath(new URL("./fixtures/concurrent-writer.ts", import.meta.url));

function runWriter(
  path: string,
  rounds: number,
  worker: number,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", writer, path, String(rounds), String(worker)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

it("lets several processes write one store at once without a lock error or a lost write", async () => {
  const path = join(dir, "shared.db");
  const workers = 4;
  const rounds = 60;
  const results = await Promise.all(Array.from({ length: workers }, (_, w) => runWriter(path, rounds, w)));
  for (const result of results) {
    expect(result.err).not.toMatch(/database is locked|SQLITE_BUSY/);
    expect(result.code, result.err).toBe(0);
  }
  const ids = results.flatMap((r) => (JSON.parse(r.out) as { ids: number[] }).ids).sort((a, b) => a - b);
  expect(ids).toEqual(Array.from({ length: workers * rounds }, (_, i) => i));

  const store = new SqliteStore(path);
  const trials = await store.listTrainingJobs({ tuningJobName: "default" });
  expect(trials).toHaveLength(workers * rounds);
  expect(trials.every((t) => t.status === "Completed")).toBe(true);
  expect(new Set(trials.map((t) => t.hyperparameters.x)).size).toBe(workers * rounds);
  expect((await store.getTuningJob("default"))?.trialCount).toBe(workers * rounds);
  // Every append landed once, each with its own sequence number.
  const tally = await store.listMetricPoints("tally");
  expect(tally.map((p) => p.seq)).toEqual(Array.from({ length: workers * rounds }, (_, i) => i));
  for (let w = 0; w < workers; w++) {
    expect(tally.filter((p) => p.metricName === `worker-${w}`).map((p) => p.value)).toEqual(
      Array.from({ length: rounds }, (_, i) => i),
    );
  }
  await store.close();
});
