// The ask/tell loop every tunekit benchmark run drives a strategy with: `width` trials asked and pending at a
// time, told in the order asked, the history in trial order, as the tuner's optimiser drives it (without a store,
// so that options such as `noiseAware` can be set on the strategy).
import { performance } from "node:perf_hooks";
import type { SearchSpace } from "../src/space/index.js";
import type { Strategy, TrialView } from "../src/strategies/strategy.js";
import { suggestContext } from "../src/strategies/suggest-request.js";

export interface AskTellRun {
  readonly strategy: Strategy;
  readonly space: SearchSpace;
  readonly objective: "Minimize" | "Maximize";
  readonly trials: number;
  /** Trials asked and pending at once: 1 is sequential search. */
  readonly width: number;
  readonly seed: number;
  /** The value told for a trial's hyperparameters; `told` results are in before it. */
  readonly evaluate: (hyperparameters: Record<string, number>, told: number) => number;
  /** Called after each result is told, with the completed trials so far (in the order told). */
  readonly afterTell?: (completed: readonly TrialView[]) => void;
}

/** Runs the loop; returns how long each ask took, in ms. */
export function askTell(run: AskTellRun): number[] {
  const views: TrialView[] = [];
  const pending: number[] = [];
  const completed: TrialView[] = [];
  const askMs: number[] = [];
  const tellOldest = () => {
    const index = pending.shift() as number;
    const view = views[index] as TrialView;
    const value = run.evaluate(view.hyperparameters as Record<string, number>, completed.length);
    views[index] = { ...view, state: "Completed", value };
    completed.push(views[index] as TrialView);
    run.afterTell?.(completed);
  };
  for (let i = 0; i < run.trials; i++) {
    const started = performance.now();
    const suggestion = run.strategy.suggest(
      suggestContext(run.space, {
        objective: run.objective,
        history: views.filter((v) => v.state !== "Pending"),
        pending: views.filter((v) => v.state === "Pending"),
        trialIndex: i,
        seed: run.seed,
      }),
    );
    askMs.push(performance.now() - started);
    if (suggestion === "exhausted") throw new Error(`the strategy exhausted the space after ${i} trials`);
    // Through JSON, as the store keeps hyperparameters.
    const hyperparameters = JSON.parse(JSON.stringify(suggestion.hyperparameters)) as TrialView["hyperparameters"];
    views.push({
      index: i,
      hyperparameters,
      state: "Pending",
      ...(suggestion.state === undefined ? {} : { strategyState: suggestion.state }),
    });
    pending.push(i);
    if (pending.length >= run.width) tellOldest();
  }
  while (pending.length > 0) tellOldest();
  return askMs;
}
