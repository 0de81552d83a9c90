import { hostname } from "node:os";
import type { Store } from "../store/index.js";
import { endOrphanGroup } from "./process-group.js";

/** Whether the process named in a lease's owner (`host:pid:...`) still runs; another machine's is assumed to. */
export function ownerAlive(owner: string): boolean {
  const [host, pid] = owner.split(":");
  if (host !== hostname()) return true; // another machine's job: its lease expiry speaks for it
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Training jobs whose tunekit process died (SIGKILL, a crash, a reboot):
 * their lease's owner is gone from this host, or the lease expired. Their
 * process group, if it is still the recorded one (same start time), is
 * ended, and the job is marked Failed with the reason. Returns the names.
 *
 * A child of a tuning job that is still InProgress is left to that tuning
 * job: resuming it ends the child's processes and runs it again under its name.
 */
export async function reapOrphanedJobs(store: Store, now: number, graceMs = 5_000): Promise<string[]> {
  const reaped: string[] = [];
  const storeNow = await store.now();
  const running = [
    ...(await store.listTrainingJobs({ status: "InProgress" })),
    ...(await store.listTrainingJobs({ status: "Stopping" })),
  ];
  for (const job of running) {
    const lease = await store.getLease("training-job", job.name);
    if (!lease || job.request === null) continue;
    const parent = job.tuningJobName === null ? undefined : await store.getTuningJob(job.tuningJobName);
    if (parent && (parent.status === "InProgress" || parent.status === "Stopping")) continue;
    if (ownerAlive(lease.owner) && lease.expiresAt > storeNow) continue;
    const ended = lease.pgid !== null && (await endOrphanGroup(lease.pgid, lease.processStartTime, graceMs));
    const reason = `the tunekit process that ran this job (${lease.owner}) exited while it ran${ended ? "; its processes were ended" : ""}`;
    await store.updateTrainingJob(
      job.name,
      { status: "Failed", failureReason: reason, secondaryStatus: "Failed", endedAt: now, now },
      { from: ["InProgress", "Stopping"] },
    );
    await store.releaseLease(lease);
    reaped.push(job.name);
  }
  return reaped;
}
