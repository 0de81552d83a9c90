import type { Clock } from "../clock.js";

/**
 * A sleep that news cuts short: an executor waits in next() for its poll interval or until an event arrives, a
 * worker waits for its next heartbeat or until a job starts or ends. A wake that comes while nobody sleeps is kept
 * for the next sleep, which then returns at once, so news that arrives between two sleeps is not left waiting a
 * whole interval.
 */
export class WakeableSleep {
  private wakeSleeper: (() => void) | undefined;
  private woken = false;

  constructor(private readonly clock: Clock) {}

  /** Waits `ms` on the clock, or less if woken meanwhile (or since the last sleep). */
  async sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    await Promise.race([
      this.clock.sleep(ms),
      new Promise<void>((resolve) => {
        this.wakeSleeper = resolve;
      }),
    ]);
    this.wakeSleeper = undefined;
    this.woken = false;
  }

  /** Ends the sleep under way, or the next one. */
  wake(): void {
    if (this.wakeSleeper) this.wakeSleeper();
    else this.woken = true;
  }
}
