import { TunekitError } from "../errors.js";
import { kindLabel } from "../identity.js";
import { ownerAlive } from "../jobs/orphans.js";
import type { ResourceKind, Store } from "../store/index.js";

export interface StopOutcome {
  kind: ResourceKind;
  name: string;
  /** "requested": a live owner will stop it; "stopped": nobody owned it, so it was stopped here. */
  action: "requested" | "stopped";
  owner?: string;
}

/**
 * Stops a tuning job or training job. The process holding its lease is the
 * only one that may act on a running job, so when there is one we leave it a
 * stop request (it acts within a second); a job nobody holds is stopped at once.
 */
export async function stopJob(
  store: Store,
  kind: ResourceKind,
  name: string,
  now: number,
  reason = "user",
): Promise<StopOutcome> {
  const record = kind === "tuning-job" ? await store.getTuningJob(name) : await store.getTrainingJob(name);
  if (!record) throw new TunekitError("E_NOT_FOUND", `no ${kindLabel(kind)} named "${name}"`, { field: "name" });
  if (record.status !== "InProgress" && record.status !== "Stopping") {
    throw new TunekitError(
      "E_NOT_STOPPABLE",
      `${kindLabel(kind)} "${record.name}" is ${record.status}: only InProgress jobs can be stopped`,
      { field: "name" },
    );
  }
  const lease = await store.getLease(kind, record.name);
  if (lease && lease.expiresAt > (await store.now()) && ownerAlive(lease.owner)) {
    await store.requestStop(kind, record.name, now, reason);
    if (kind === "tuning-job")
      await store.updateTuningJob(record.name, { status: "Stopping", now }, { from: ["InProgress"] });
    else await store.updateTrainingJob(record.name, { status: "Stopping", now }, { from: ["InProgress"] });
    return { kind, name: record.name, action: "requested", owner: lease.owner };
  }
  const patch = { status: "Stopped" as const, endedAt: now, now };
  if (kind === "tuning-job") await store.updateTuningJob(record.name, patch, { from: ["InProgress", "Stopping"] });
  else
    await store.updateTrainingJob(record.name, { ...patch, stopReason: reason }, { from: ["InProgress", "Stopping"] });
  return { kind, name: record.name, action: "stopped" };
}
