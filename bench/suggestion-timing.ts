// Timing the Bayesian strategy's suggestions on a long history (6-D, Hartmann-6's space, random observations), as
// bench:suggest-latency and bench:bayesian's latency lines measure it: one way of measuring for both.
import { performance } from "node:perf_hooks";
import { createRng } from "../src/random.js";
import { ContinuousParameter, SearchSpace } from "../src/space/index.js";
import { BayesianStrategy } from "../src/strategies/bayesian/index.js";
import type { SuggestContext, Suggestion, TrialView } from "../src/strategies/strategy.js";
import { TEST_FUNCTIONS } from "./functions.js";
import { median } from "./report.js";

const fn = TEST_FUNCTIONS.find((f) => f.name === "Hartmann6") as (typeof TEST_FUNCTIONS)[number];
const space = new SearchSpace(
  Object.fromEntries(fn.bounds.map((_, i) => [`x${i}`, new ContinuousParameter(0, 1, "Linear")])),
);
export const view = (index: number, x: number[], state: TrialView["state"], strategyState?: unknown): TrialView => ({
  index,
  hyperparameters: Object.fromEntries(x.map((v, d) => [`x${d}`, v])),
  state,
  ...(state === "Completed" ? { value: fn.f(x) } : {}),
  ...(strategyState === undefined ? {} : { strategyState }),
});
export const coordinates = (s: Suggestion) => {
  if (s === "exhausted") throw new Error("suggest-latency: exhausted");
  return fn.bounds.map((_, d) => s.hyperparameters[`x${d}`] as number);
};

/** n random observations and 2 pending trials, as bench:bayesian's latency line has always used. */
export function start(n: number) {
  const rng = createRng(1, "latency");
  const point = () => fn.bounds.map(() => rng.next());
  const history = Array.from({ length: n }, (_, i) => view(i, point(), "Completed"));
  const pending = [view(n, point(), "Pending"), view(n + 1, point(), "Pending")];
  return { history, pending };
}

export const context = (history: TrialView[], pending: TrialView[], trialIndex: number): SuggestContext => ({
  space,
  objective: "Minimize",
  history,
  pending,
  trialIndex,
  seed: 1,
  rng: createRng(1, "trial", trialIndex),
});

export function timed<T>(run: () => T): { value: T; wall: number; cpu: number } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = run();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { value, wall, cpu: (used.user + used.system) / 1000 };
}

/** 2 warm-up suggestions, then `repeats` consecutive ones, each told and stored with its kernel fit as a run would. */
export function latency(n: number, repeats: number) {
  const { history, pending } = start(n);
  const strategy = new BayesianStrategy();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < repeats + 2; r++) {
    const trialIndex = n + 2 + r;
    const { value, wall, cpu } = timed(() => strategy.suggest(context(history, pending, trialIndex)));
    if (r >= 2) {
      walls.push(wall);
      cpus.push(cpu);
    }
    history.push(view(trialIndex, coordinates(value), "Completed", (value as { state?: unknown }).state));
  }
  return { wall: median(walls), max: Math.max(...walls), cpu: median(cpus) };
}
