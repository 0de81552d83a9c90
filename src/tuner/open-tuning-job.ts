import { hostname } from "node:os";
import type { Clock } from "../clock.js";
import type { ParsedTuningJob } from "../config/tuning-job-request.js";
import { TunekitError } from "../errors.js";
import { ownerAlive } from "../jobs/orphans.js";
import { endOrphanGroup } from "../jobs/process-group.js";
import type { Lease, Store, TrainingJobRecord, TuningJobRecord } from "../store/index.js";

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

/** Who holds a lease: this host, this process, this job; `ownerAlive` reads it back. */
export function leaseOwner(name: string): string {
  return `${hostname()}:${process.pid}:${name}`;
}

export interface OpenedTuningJob {
  readonly record: TuningJobRecord;
  /** None for a tuning job that has ended: there is nothing to run. */
  readonly lease: Lease | undefined;
  /** True when the tuning job existed: this process takes over from one that exited. */
  readonly resumed: boolean;
}

function inUse(message: string): TunekitError {
  return new TunekitError("E_RESOURCE_IN_USE", `ResourceInUse: ${message}`, { field: "HyperParameterTuningJobName" });
}

/**
 * Creates the tuning job, or takes over one with the same name and the same
 * request whose tuner exited (SIGKILL, a crash, a reboot). The same name with
 * another request is refused as SageMaker refuses it (ResourceInUse), and so
 * is a tuning job another live process is running. The lease is taken before
 * the record is made, so a controller looking for unowned jobs never sees the
 * new job without an owner.
 */
export async function openTuningJob(
  store: Store,
  job: ParsedTuningJob,
  seed: number,
  clock: Clock,
  options: { runOptions?: unknown; leaseTtlMs?: number } = {},
): Promise<OpenedTuningJob> {
  const name = job.request.HyperParameterTuningJobName;
  const terms = {
    kind: "tuning-job" as const,
    name,
    owner: leaseOwner(name),
    ttlMs: options.leaseTtlMs ?? TUNER_LEASE_TTL_MS,
    host: hostname(),
    pid: process.pid,
  };
  const existing = await store.getTuningJob(name);
  if (existing && (existing.kind !== "tuning-job" || !sameRequest(existing.config, job.request))) {
    throw inUse(
      `a tuning job named ${existing.name} already exists with another request; choose another HyperParameterTuningJobName`,
    );
  }
  if (existing && existing.status !== "InProgress" && existing.status !== "Stopping") {
    // A job that has ended is answered as it is: nothing to run, no lease to hold.
    return { record: existing, lease: undefined, resumed: true };
  }
  const held = await store.getLease("tuning-job", name);
  if (held && held.owner !== terms.owner && held.expiresAt > (await store.now()) && ownerAlive(held.owner)) {
    throw inUse(
      `tuning job ${existing?.name ?? name} is being run by another tunekit process (${held.owner}); watch it with tunekit describe ${existing?.name ?? name}`,
    );
  }
  // A holder on this host whose process is gone needs no waiting for its lease to expire.
  if (held && held.owner !== terms.owner) await store.releaseLease(held);
  const lease = await store.acquireLease(terms);
  if (!lease) throw inUse(`another process took over tuning job ${name}`);
  if (existing) return { record: existing, lease, resumed: true };
  try {
    const record = await store.createTuningJob({
      name,
      kind: "tuning-job",
      config: job.request,
      seed,
      ...(options.runOptions === undefined ? {} : { runOptions: options.runOptions }),
      now: clock.now(),
    });
    return { record, lease, resumed: false };
  } catch (error) {
    await store.releaseLease(lease);
    throw error;
  }
}

/**
 * A child the exited tuner was running: its process group, if still the
 * recorded one and on this host, is ended (its results would land nowhere),
 * and its lease is released so it can run again. A process on another host
 * cannot be signalled from here: the store refuses its writes once the job
 * runs again under a new lease.
 */
export async function endLostJob(store: Store, job: TrainingJobRecord, graceMs: number, clock: Clock): Promise<void> {
  const lease = await store.getLease("training-job", job.name);
  if (!lease) return;
  if (lease.pgid !== null && lease.host === hostname()) {
    await endOrphanGroup(lease.pgid, lease.processStartTime, graceMs, clock);
  }
  await store.releaseLease(lease);
}
