import type { TrainingJobPoint } from "../store/index.js";

/**
 * How a job's outcome is shown: its colour and legend label. A job stopped by the early-stopping rule and
 * one stopped by a person are different stories, so they are different groups.
 */
export interface StatusGroup {
  readonly key: "completed" | "stopped-early" | "stopped" | "failed" | "running";
  readonly label: string;
  readonly color: string;
}

/** In drawing order: a job's `group` column is its index here. */
export const STATUS_GROUPS: readonly StatusGroup[] = [
  { key: "completed", label: "completed", color: "#2f6fb0" },
  { key: "stopped-early", label: "stopped early", color: "#e08a1e" },
  { key: "stopped", label: "stopped (user or tuner)", color: "#8e5ea2" },
  { key: "failed", label: "failed", color: "#c23b3b" },
  { key: "running", label: "running", color: "#7a7a7a" },
];

/** Stop reasons that are the tuner's early-stopping rules ruling a job out. */
const EARLY = new Set(["early-stopping", "hyperband-rung"]);

/** The index of a job's group in STATUS_GROUPS. */
export function statusGroup(job: Pick<TrainingJobPoint, "status" | "stopReason">): number {
  switch (job.status) {
    case "Completed":
      return 0;
    case "Failed":
      return 3;
    case "InProgress":
    case "Stopping":
      return 4;
    default:
      // Hyperband ends every job it keeps at MaxResource: that job ran its whole budget.
      if (job.stopReason === "hyperband-max-resource") return 0;
      return EARLY.has(job.stopReason ?? "") ? 1 : 2;
  }
}

export { stopReasonText } from "../console/format.js";
