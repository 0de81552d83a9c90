import { createStrategy, runSuggestRequest, type Suggestion, type SuggestRequest } from "../strategies/index.js";

/**
 * Suggestions computed on the calling thread: for the simulated executor,
 * whose whole tuning job runs in one turn of virtual time, a worker thread
 * would only add its start-up and messaging. Same result as the worker's.
 */
export function suggestInProcess(request: SuggestRequest): Promise<Suggestion[]> {
  return Promise.resolve(runSuggestRequest(createStrategy(request.strategy), request));
}
