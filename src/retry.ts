import { type Clock, sleepSync, systemClock } from "./clock.js";
import { createRng } from "./random.js";

export interface RetryOptions {
  /** How long to keep retrying before giving up. */
  maxWaitMs: number;
  /** The longest pause between two tries; pauses start at 1 ms and double up to this. */
  maxDelayMs: number;
  /** Which errors are worth another try; any other is thrown at once. */
  retryable: (error: unknown) => boolean;
  /** The error to throw once `maxWaitMs` has passed, given the last one caught. */
  giveUp: (error: unknown) => Error;
}

// Seeded by process id: processes that collided back off by different amounts and do not collide again in lockstep.
const jitter = createRng(process.pid, "retry-backoff");

/**
 * Runs `fn` until it returns, retrying the errors `retryable` accepts with
 * jittered exponential backoff. It blocks the thread while it waits: it serves
 * synchronous store calls, where there is no event-loop turn to yield to.
 */
export function retrySync<T>(fn: () => T, options: RetryOptions): T {
  const deadline = systemClock.now() + options.maxWaitMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, options.maxDelayMs)) {
    try {
      return fn();
    } catch (error) {
      if (!options.retryable(error)) throw error;
      if (systemClock.now() >= deadline) throw options.giveUp(error);
      sleepSync(delay * (0.5 + jitter.next()));
    }
  }
}

/** `retrySync` for asynchronous work: the same backoff, waiting on the clock instead of blocking the thread. */
export async function retry<T>(fn: () => Promise<T>, options: RetryOptions, clock: Clock = systemClock): Promise<T> {
  const deadline = clock.now() + options.maxWaitMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, options.maxDelayMs)) {
    try {
      return await fn();
    } catch (error) {
      if (!options.retryable(error)) throw error;
      if (clock.now() >= deadline) throw options.giveUp(error);
      await clock.sleep(delay * (0.5 + jitter.next()));
    }
  }
}
