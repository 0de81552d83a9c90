import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { JobResources } from "../jobs/environment.js";
import type { JobSettings } from "../jobs/settings.js";

/** A slot taken from the pool: what the job in it may use, and how to give it back. */
export interface Slot {
  readonly index: number;
  readonly resources: JobResources;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The machine's job slots, shared by every tunekit process that uses the same
 * home: several tuning jobs running at once fill one pool instead of each
 * running its own MaxParallelTrainingJobs. A slot is a lock file created with
 * O_EXCL (atomic across processes) holding the owner's pid; a slot whose owner
 * died is free again. With GPUs, slot i gets GPU i; the cores are shared
 * evenly between the slots.
 */
export class SlotPool {
  constructor(
    private readonly dir: string,
    readonly size: number,
    private readonly machine: JobResources,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** A free slot, or undefined when all are taken. */
  take(holder: string): Slot | undefined {
    for (let index = 0; index < this.size; index++) {
      const path = join(this.dir, `slot-${index}.lock`);
      if (!this.tryLock(path, holder)) continue;
      let released = false;
      return {
        index,
        resources: {
          cpus: Math.max(1, Math.floor(this.machine.cpus / this.size)),
          gpus: this.machine.gpus.length === 0 ? [] : [this.machine.gpus[index % this.machine.gpus.length] as string],
        },
        release: () => {
          if (released) return;
          released = true;
          try {
            unlinkSync(path);
          } catch {}
        },
      };
    }
    return undefined;
  }

  /** How many slots are free now (a hint: another process may take one before us). */
  free(): number {
    let taken = 0;
    for (let index = 0; index < this.size; index++) {
      const owner = this.owner(join(this.dir, `slot-${index}.lock`));
      if (owner !== undefined && alive(owner)) taken++;
    }
    return this.size - taken;
  }

  private owner(path: string): number | undefined {
    try {
      return Number(readFileSync(path, "utf8").split(" ")[0]);
    } catch {
      return undefined;
    }
  }

  private tryLock(path: string, holder: string): boolean {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, "wx");
        writeSync(fd, `${process.pid} ${holder}`);
        closeSync(fd);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const owner = this.owner(path);
        // A lock being written has no pid yet; a lock whose owner is gone is stale.
        if (owner === undefined || Number.isNaN(owner) || alive(owner)) return false;
        try {
          unlinkSync(path);
        } catch {}
      }
    }
    return false;
  }
}

/** The machine's slot pool under tunekit's home, when its settings bound the jobs run at once. */
export function slotPoolFor(settings: JobSettings): SlotPool | undefined {
  return settings.slots === undefined
    ? undefined
    : new SlotPool(join(settings.home, "slots"), settings.slots, settings.resources);
}
