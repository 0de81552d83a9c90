export { GridStrategy } from "./grid/index.js";
export { RandomStrategy } from "./random/index.js";
export { createStrategy, STRATEGY_NAMES, type StrategyName } from "./registry.js";
export { SobolSequence, SobolStrategy } from "./sobol/index.js";
export type { ObjectiveType, Strategy, SuggestContext, Suggestion, TrialView } from "./strategy.js";
