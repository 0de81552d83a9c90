import type { Store, WorkerRecord } from "../store/index.js";

/**
 * A worker silent this long is shown as Silent: it died, lost its machine or cannot reach the store. Its queue lock
 * decides when its jobs run elsewhere; this only says what the listing shows.
 */
export const SILENT_AFTER_MS = 15_000;

/** One worker as `tunekit workers --json` and GET /api/workers show it. */
export interface WorkerView {
  readonly Name: string;
  readonly Host: string;
  readonly Pid: number;
  readonly Slots: number;
  readonly Gpus: readonly string[];
  /** The training jobs it runs, with the attempt each is on (0 is the first). */
  readonly RunningJobs: readonly { readonly TrainingJobName: string; readonly Attempt: number }[];
  /** Active (heard from lately and taking jobs), NotAccepting (it cannot reach the store, or is shutting down), or Silent. */
  readonly Status: "Active" | "NotAccepting" | "Silent";
  readonly StartedAt: string;
  readonly LastHeartbeat: string;
  readonly SecondsSinceHeartbeat: number;
}

function view(worker: WorkerRecord, now: number): WorkerView {
  const age = Math.max(0, now - worker.heartbeatAt);
  return {
    Name: worker.name,
    Host: worker.host,
    Pid: worker.pid,
    Slots: worker.slots,
    Gpus: worker.gpus,
    RunningJobs: worker.running.map((entry) => {
      const at = entry.lastIndexOf("@");
      return { TrainingJobName: entry.slice(0, at), Attempt: Number(entry.slice(at + 1)) };
    }),
    Status: age > SILENT_AFTER_MS ? "Silent" : worker.accepting ? "Active" : "NotAccepting",
    StartedAt: new Date(worker.startedAt).toISOString(),
    LastHeartbeat: new Date(worker.heartbeatAt).toISOString(),
    SecondsSinceHeartbeat: Math.round(age / 100) / 10,
  };
}

/** The fleet, by name, timed by the store's clock (the one heartbeats are recorded by). */
export async function listWorkers(store: Store): Promise<WorkerView[]> {
  const now = await store.now();
  return (await store.listWorkers()).map((w) => view(w, now));
}
