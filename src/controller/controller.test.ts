import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { defaultJobSettings } from "../jobs/index.js";
import { MemoryStore } from "../store/index.js";
import { Controller } from "./controller.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const beat = (name: string) => ({ name, host: "box", pid: 1, slots: 1, gpus: [], running: [], accepting: true });

it("drops workers silent longer than forgetWorkersAfterMs from the fleet, and keeps the ones heard from", async () => {
  const clock = new ManualClock(1_000_000);
  const store = new MemoryStore({ clock });
  await store.heartbeatWorker(beat("gone"));
  clock.advance(3_600_000 + 1);
  await store.heartbeatWorker(beat("alive"));
  const home = mkdtempSync(join(tmpdir(), "tunekit-controller-"));
  dirs.push(home);
  const lines: string[] = [];
  const controller = new Controller({
    store,
    settings: defaultJobSettings(home),
    clock,
    forgetWorkersAfterMs: 3_600_000,
    log: (line) => lines.push(line),
  });
  controller.start();
  for (let i = 0; i < 1000 && (await store.listWorkers()).length > 1; i++) await new Promise((r) => setTimeout(r, 5));
  await controller.stop();
  expect((await store.listWorkers()).map((w) => w.name)).toEqual(["alive"]);
  expect(lines.join("\n")).toMatch(/worker gone on box: silent for 3600 s; forgotten/);
});
