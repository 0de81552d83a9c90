import type { Clock } from "../../clock.js";
import type { JobSettings } from "../../jobs/index.js";
import type { Store } from "../../store/index.js";

/** What the operations work with: the store, how this server runs jobs, and the controller to wake. */
export interface OperationContext {
  readonly store: Store;
  readonly settings: JobSettings;
  readonly clock: Clock;
  readonly onSubmitted?: () => void;
  /** The most tuning jobs InProgress at once; one more is ResourceLimitExceeded (SageMaker's account quota). */
  readonly maxRunningTuningJobs?: number;
}

export type Input = Record<string, unknown>;
export type Operation = (input: Input, context: OperationContext) => Promise<object>;
