import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SlotPool } from "./slot-pool.js";

const dir = mkdtempSync(join(tmpdir(), "tunekit-slots-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("SlotPool", () => {
  it("shares its slots between every pool on the same directory", () => {
    const machine = { cpus: 8, gpus: [] };
    const a = new SlotPool(join(dir, "shared"), 3, machine);
    const b = new SlotPool(join(dir, "shared"), 3, machine);
    const taken = [a.take("a"), b.take("b"), a.take("a")];
    expect(taken.map((s) => s?.index)).toEqual([0, 1, 2]);
    expect(b.take("b")).toBeUndefined();
    expect(a.free()).toBe(0);
    taken[1]?.release();
    expect(b.free()).toBe(1);
    expect(b.take("b")?.index).toBe(1);
  });

  it("divides the cores between the slots and gives each slot its own GPU", () => {
    const pool = new SlotPool(join(dir, "gpus"), 2, { cpus: 8, gpus: ["0", "1"] });
    const first = pool.take("x");
    const second = pool.take("x");
    expect(first?.resources).toEqual({ cpus: 4, gpus: ["0"] });
    expect(second?.resources).toEqual({ cpus: 4, gpus: ["1"] });
  });

  it("frees a slot whose owner process is gone", () => {
    const path = join(dir, "stale");
    const pool = new SlotPool(path, 1, { cpus: 1, gpus: [] });
    // A process that has exited: its pid is free.
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    writeFileSync(join(path, "slot-0.lock"), `${gone.stdout} crashed-tuner`);
    expect(pool.free()).toBe(1);
    const slot = pool.take("new");
    expect(slot?.index).toBe(0);
    slot?.release();
    expect(readdirSync(path)).toEqual([]);
  });
});
