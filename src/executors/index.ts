export type { Executor, ExecutorEvent, LaunchOptions } from "./executor.js";
export { LocalExecutor, type LocalExecutorOptions } from "./local-executor.js";
export { SimulatedExecutor, type SimulatedObjective, type SimulatedRun } from "./simulated-executor.js";
export { type Slot, SlotPool, slotPoolFor } from "./slot-pool.js";
