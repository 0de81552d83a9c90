import { TunekitError } from "../errors.js";
import { ownerAlive } from "../jobs/orphans.js";
import type { ResourceKind, Store } from "../store/index.js";
import { kindLabel } from "./describe.js";

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
export function stopJob(store: Store, kind: ResourceKind, name: string, now: number, reason = "user"): StopOutcome {
  const record = kind === "tuning-job" ? store.getTuningJob(name) : store.getTrainingJob(name);
  if (!record) throw new TunekitError("E_NOT_FOUND", `no ${kindLabel(kind)} named "${name}"`, { field: "name" });
  if (record.status !== "InProgress" && record.status !== "Stopping") {
    throw new TunekitError(
      "E_NOT_STOPPABLE",
      `${kindLabel(kind)} "${record.name}" is ${record.status}: only InProgress jobs can be stopped`,
      { field: "name" },
    );
  }
  const lease = store.getLease(kind, record.name);
  if (lease && lease.expiresAt > now && ownerAlive(lease.owner)) {
    store.requestStop(kind, record.name, now, reason);
    if (kind === "tuning-job") store.updateTuningJob(record.name, { status: "Stopping", now }, ["InProgress"]);
    else store.updateTrainingJob(record.name, { status: "Stopping", now }, ["InProgress"]);
    return { kind, name: record.name, action: "requested", owner: lease.owner };
  }
  const patch = { status: "Stopped" as const, endedAt: now, now };
  if (kind === "tuning-job") store.updateTuningJob(record.name, patch, ["InProgress", "Stopping"]);
  else store.updateTrainingJob(record.name, { ...patch, stopReason: reason }, ["InProgress", "Stopping"]);
  return { kind, name: record.name, action: "stopped" };
}
