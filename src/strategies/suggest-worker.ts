// Entry point of a suggestion worker thread: answers SuggestRequests posted
// by SuggestionWorker. Strategy instances are kept per name so their memos
// (Sobol scrambles, the GP's last factorisation) survive between requests.
import { parentPort } from "node:worker_threads";
import { createStrategy, type StrategyName } from "./registry.js";
import type { Strategy } from "./strategy.js";
import { runSuggestRequest, type SuggestRequest } from "./suggest-request.js";

const strategies = new Map<StrategyName, Strategy>();

parentPort?.on("message", ({ id, request }: { id: number; request: SuggestRequest }) => {
  try {
    let strategy = strategies.get(request.strategy);
    if (!strategy) {
      strategy = createStrategy(request.strategy);
      strategies.set(request.strategy, strategy);
    }
    parentPort?.postMessage({ id, suggestions: runSuggestRequest(strategy, request) });
  } catch (error) {
    const e = error as { message?: string; code?: string; field?: string };
    parentPort?.postMessage({ id, error: { message: String(e.message ?? error), code: e.code, field: e.field } });
  }
});
