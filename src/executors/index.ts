export type { Executor, ExecutorEvent, LaunchOptions } from "./executor.js";
export { LocalExecutor, type LocalExecutorOptions } from "./local-executor.js";
export { type MakeExecutorOptions, makeExecutor } from "./make-executor.js";
export { type QueuedJob, type QueueSettings, queueJobId, queueSettings } from "./queue/protocol.js";
export { QueueExecutor, type QueueExecutorOptions } from "./queue/queue-executor.js";
export { QueueWorker, type QueueWorkerOptions } from "./queue/queue-worker.js";
export { SimulatedExecutor, type SimulatedObjective, type SimulatedRun } from "./simulated-executor.js";
export { type Slot, SlotPool, slotPoolFor } from "./slot-pool.js";
