import { constants as osConstants } from "node:os";
import type { Clock } from "../clock.js";
import { type Fence, leaseLost, type Store } from "../store/index.js";
import type { JobOutput } from "./job-output.js";
import { type SpawnedJob, signalGroup, signalGroupMembers, spawnGroup } from "./process-group.js";
import type { Sandbox } from "./sandbox.js";

/** How often a running job's output is flushed and its stop requests, deadline and lease are looked at. */
const POLL_MS = 200;

/** How a job's process ended, and why it was stopped if it was. */
export interface ProcessEnd {
  readonly code: number | null;
  readonly signal: string | null;
  /** MaxRuntimeExceeded, or the stop request's reason ("user", "early-stopping", ...). */
  readonly stoppedFor: string | undefined;
}

export interface SuperviseOptions {
  readonly store: Store;
  readonly name: string;
  /** What the job's writes are fenced by. */
  readonly fence: Fence;
  /** The attempt running: its writes are refused once the job runs again as a further one. */
  readonly attempt: number;
  /** The job's own lease, renewed while it runs. */
  readonly lease: Fence;
  readonly leaseTtlMs: number;
  readonly clock: Clock;
  readonly output: JobOutput;
  readonly box: Sandbox;
  /** When MaxRuntimeInSeconds runs out, on the clock. */
  readonly deadline: number;
  readonly stopGraceMs: number;
  /** Aborting stops the job as a stop request would (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Called on every look at the running job (the checkpoint sync uses it). */
  readonly tick?: () => void;
}

function signalName(n: number): string | null {
  return Object.entries(osConstants.signals).find(([, value]) => value === n)?.[0] ?? null;
}

/** Starts the job's command in its own process group, its output going to `output`. */
export function startProcess(
  argv: readonly string[],
  options: { cwd: string; env: Record<string, string>; output: JobOutput },
): { spawned: SpawnedJob; exited: Promise<{ code: number | null; signal: string | null }> } {
  const spawned = spawnGroup(argv, { cwd: options.cwd, env: options.env });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    spawned.child.on("close", (code, signal) => resolve({ code, signal }));
    spawned.child.on("error", (error) => {
      options.output.note(`could not start ${argv[0]}: ${error.message}`, true);
      resolve({ code: 127, signal: null });
    });
  });
  const streams = Promise.all([
    options.output.capture.attach(spawned.child.stdout as never),
    options.output.capture.attach(spawned.child.stderr as never),
  ]);
  // The process has ended once its output has been read to the end, not merely once it exited.
  return {
    spawned,
    exited: exited.then(async (end) => {
      await streams;
      return end;
    }),
  };
}

/**
 * Watches a running job until its process group's leader exits: flushes its
 * output, acts on stop requests, the caller's abort and the runtime limit
 * (SIGTERM, then SIGKILL after the grace period), and renews the job's lease.
 * A lost lease (E_LEASE_LOST from the store) ends the process at once and is
 * thrown: another process owns the job now.
 */
export async function supervise(
  spawned: SpawnedJob,
  exited: Promise<{ code: number | null; signal: string | null }>,
  options: SuperviseOptions,
): Promise<ProcessEnd> {
  const { store, name, fence, clock, output, box } = options;
  let stoppedFor: string | undefined;
  let killAt = Number.POSITIVE_INFINITY;
  let done = false;
  void exited.then(() => {
    done = true;
  });
  let lastBeat = clock.now();
  const stop = async (reason: string) => {
    if (stoppedFor) return;
    stoppedFor = reason;
    output.note(
      reason === "MaxRuntimeExceeded"
        ? "MaxRuntimeInSeconds reached: sending SIGTERM"
        : `stop requested (${reason}): sending SIGTERM`,
    );
    await store.updateTrainingJob(
      name,
      { status: "Stopping", now: clock.now() },
      { from: ["InProgress"], fence, attempt: options.attempt },
    );
    if (box.private) signalGroupMembers(spawned.pgid, "SIGTERM");
    else signalGroup(spawned.pgid, "SIGTERM");
    killAt = clock.now() + options.stopGraceMs;
  };
  try {
    while (!done) {
      await Promise.race([exited, clock.sleep(POLL_MS)]);
      await output.flush();
      options.tick?.();
      const now = clock.now();
      if (options.signal?.aborted) await stop("user");
      for (const request of await store.pendingStopRequests("training-job", name)) {
        await store.acknowledgeStopRequest(request.id, now);
        await stop(request.reason ?? "user");
      }
      if (now >= options.deadline) await stop("MaxRuntimeExceeded");
      if (now >= killAt && !done) {
        output.note(`still running ${options.stopGraceMs} ms after SIGTERM: sending SIGKILL`);
        signalGroup(spawned.pgid, "SIGKILL");
        killAt = Number.POSITIVE_INFINITY;
      }
      if (now - lastBeat > options.leaseTtlMs / 3) {
        if (!(await store.renewLease(options.lease, options.leaseTtlMs))) {
          throw leaseLost("training job", name, options.lease.token);
        }
        lastBeat = now;
      }
    }
  } catch (error) {
    // Whatever went wrong (a lost lease, a store that refuses us), this process must not outlive our watch.
    signalGroup(spawned.pgid, "SIGKILL");
    throw error;
  }
  const { code, signal: ownSignal } = await exited;
  // Inside bubblewrap the job is bwrap's child: a signal that killed it comes back as exit code 128 + N.
  const signal = ownSignal ?? (box.private && code !== null && code > 128 ? signalName(code - 128) : null);
  // Children the script left in its group go with it.
  signalGroup(spawned.pgid, "SIGKILL");
  await output.flush();
  return { code, signal, stoppedFor };
}
