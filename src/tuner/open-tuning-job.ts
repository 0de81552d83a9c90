import { hostname } from "node:os";
import type { Clock } from "../clock.js";
import type { ParsedTuningJob } from "../config/tuning-job-request.js";
import { TunekitError } from "../errors.js";
import { ownerAlive } from "../jobs/orphans.js";
import { endOrphanGroup } from "../jobs/process-group.js";
import type { Store, TrainingJobRecord, TuningJobRecord } from "../store/index.js";

export const TUNER_LEASE_TTL_MS = 30_000;

/** Key order must not make two equal requests differ. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function sameRequest(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

export interface OpenedTuningJob {
  readonly record: TuningJobRecord;
  readonly owner: string;
  /** True when the tuning job existed: this process takes over from one that exited. */
  readonly resumed: boolean;
}

/**
 * Creates the tuning job, or takes over one with the same name and the same
 * request whose tuner exited (SIGKILL, a crash, a reboot). The same name with
 * another request is refused as SageMaker refuses it (ResourceInUse), and so
 * is a tuning job another live process is running.
 */
export function openTuningJob(store: Store, job: ParsedTuningJob, seed: number, clock: Clock): OpenedTuningJob {
  const name = job.request.HyperParameterTuningJobName;
  const owner = `${hostname()}:${process.pid}:${name}`;
  const lease = {
    kind: "tuning-job" as const,
    name,
    owner,
    ttlMs: TUNER_LEASE_TTL_MS,
    now: clock.now(),
    host: hostname(),
    pid: process.pid,
  };
  const existing = store.getTuningJob(name);
  if (!existing) {
    const record = store.createTuningJob({ name, kind: "tuning-job", config: job.request, seed, now: clock.now() });
    store.acquireLease(lease);
    return { record, owner, resumed: false };
  }
  if (existing.kind !== "tuning-job" || !sameRequest(existing.config, job.request)) {
    throw new TunekitError(
      "E_RESOURCE_IN_USE",
      `ResourceInUse: a tuning job named ${existing.name} already exists with another request; choose another HyperParameterTuningJobName`,
      { field: "HyperParameterTuningJobName" },
    );
  }
  if (existing.status !== "InProgress" && existing.status !== "Stopping")
    return { record: existing, owner, resumed: true };
  const held = store.getLease("tuning-job", name);
  if (held && held.owner !== owner && held.expiresAt > clock.now() && ownerAlive(held.owner)) {
    throw new TunekitError(
      "E_RESOURCE_IN_USE",
      `ResourceInUse: tuning job ${existing.name} is being run by another tunekit process (${held.owner}); watch it with tunekit describe ${existing.name}`,
      { field: "HyperParameterTuningJobName" },
    );
  }
  if (held) store.releaseLease("tuning-job", name, held.owner);
  if (!store.acquireLease(lease)) {
    throw new TunekitError("E_RESOURCE_IN_USE", `ResourceInUse: another process took over tuning job ${existing.name}`);
  }
  return { record: existing, owner, resumed: true };
}

/**
 * A child the exited tuner was running: its process group, if still the
 * recorded one, is ended (its results would land nowhere), and its lease is
 * released so it can run again.
 */
export async function endLostJob(store: Store, job: TrainingJobRecord, graceMs: number): Promise<void> {
  const lease = store.getLease("training-job", job.name);
  if (!lease) return;
  if (lease.pgid !== null) await endOrphanGroup(lease.pgid, lease.processStartTime, graceMs);
  store.releaseLease("training-job", job.name, lease.owner);
}
