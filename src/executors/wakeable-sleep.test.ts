import { describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { WakeableSleep } from "./wakeable-sleep.js";

describe("WakeableSleep", () => {
  it("ends a sleep under way when woken, before its time", async () => {
    const clock = new ManualClock(0);
    const sleep = new WakeableSleep(clock);
    let done = false;
    const sleeping = sleep.sleep(60_000).then(() => {
      done = true;
    });
    await Promise.resolve();
    expect(done).toBe(false);
    sleep.wake();
    await sleeping;
    expect(done).toBe(true);
    expect(clock.now()).toBe(0);
  });

  it("keeps a wake that came between sleeps for the next one, once", async () => {
    const clock = new ManualClock(0);
    const sleep = new WakeableSleep(clock);
    sleep.wake();
    sleep.wake();
    await sleep.sleep(60_000); // returns at once: the kept wake
    let done = false;
    const sleeping = sleep.sleep(1000).then(() => {
      done = true;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(done).toBe(false); // the two wakes counted as one
    clock.advance(1000);
    await sleeping;
    expect(done).toBe(true);
  });
});
