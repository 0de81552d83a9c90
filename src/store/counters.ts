import type { ObjectiveCounters, StatusCounters } from "./records.js";

export function emptyCounters(): { status: StatusCounters; objective: ObjectiveCounters } {
  return {
    status: { InProgress: 0, Completed: 0, Failed: 0, Stopping: 0, Stopped: 0 },
    objective: { Pending: 0, Succeeded: 0, Failed: 0 },
  };
}
