import type { Clock } from "../clock.js";
import type { JobSettings } from "../jobs/index.js";
import type { Store } from "../store/index.js";
import type { Executor } from "./executor.js";
import { LocalExecutor } from "./local-executor.js";
import { QueueExecutor } from "./queue/queue-executor.js";
import type { SlotPool } from "./slot-pool.js";

export interface MakeExecutorOptions {
  readonly slots?: SlotPool | undefined;
  readonly clock?: Clock;
  readonly holder?: string;
  readonly concurrency?: number;
  readonly log?: (line: string) => void;
}

/** The executor the settings ask for: workers through their queue when one is set, else this machine. */
export function makeExecutor(store: Store, settings: JobSettings, options: MakeExecutorOptions = {}): Executor {
  if (settings.queue) {
    return new QueueExecutor(store, settings, { queue: settings.queue, ...(options.log ? { log: options.log } : {}) });
  }
  return new LocalExecutor(store, settings, {
    slots: options.slots,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.holder ? { holder: options.holder } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
}
