export { type BayesianState, BayesianStrategy, initialDesignSize } from "./bayesian/index.js";
export { GridStrategy } from "./grid/index.js";
export { RandomStrategy } from "./random/index.js";
export { createStrategy, STRATEGY_NAMES, type StrategyName } from "./registry.js";
export { SobolSequence, SobolStrategy } from "./sobol/index.js";
export type { ObjectiveType, Strategy, SuggestContext, Suggestion, TrialView } from "./strategy.js";
export { runSuggestRequest, type SuggestRequest, suggestContext } from "./suggest-request.js";
export { SuggestionWorker } from "./suggestion-worker.js";
