// `npm run bench:suggest-latency`: how long the Bayesian strategy takes to suggest on a long history (6-D,
// Hartmann-6's space, random observations), and what a batch for many free slots saves over one suggestion per
// slot. The machine may be shared: each figure is a median, with the CPU time beside the wall-clock time and
// the load average before and after.
import { writeFileSync } from "node:fs";
import { freemem, loadavg, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { createRng } from "../src/random.js";
import { ContinuousParameter, SearchSpace } from "../src/space/index.js";
import { BayesianStrategy } from "../src/strategies/bayesian/index.js";
import type { SuggestContext, Suggestion, TrialView } from "../src/strategies/strategy.js";
import { TEST_FUNCTIONS } from "./functions.js";
import { machineDescription, markdownTable, median } from "./report.js";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "100,1000,5000" },
    repeats: { type: "string", default: "20" },
    batch: { type: "string", default: "100" },
    "batch-sizes": { type: "string", default: "100,1000" },
    out: { type: "string" },
  },
});

const fn = TEST_FUNCTIONS.find((f) => f.name === "Hartmann6") as (typeof TEST_FUNCTIONS)[number];
const space = new SearchSpace(
  Object.fromEntries(fn.bounds.map((_, i) => [`x${i}`, new ContinuousParameter(0, 1, "Linear")])),
);
const view = (index: number, x: number[], state: TrialView["state"], strategyState?: unknown): TrialView => ({
  index,
  hyperparameters: Object.fromEntries(x.map((v, d) => [`x${d}`, v])),
  state,
  ...(state === "Completed" ? { value: fn.f(x) } : {}),
  ...(strategyState === undefined ? {} : { strategyState }),
});
const coordinates = (s: Suggestion) => {
  if (s === "exhausted") throw new Error("suggest-latency: exhausted");
  return fn.bounds.map((_, d) => s.hyperparameters[`x${d}`] as number);
};

/** n random observations and 2 pending trials, as bench:bayesian's latency line has always used. */
function start(n: number) {
  const rng = createRng(1, "latency");
  const point = () => fn.bounds.map(() => rng.next());
  const history = Array.from({ length: n }, (_, i) => view(i, point(), "Completed"));
  const pending = [view(n, point(), "Pending"), view(n + 1, point(), "Pending")];
  return { history, pending };
}

const context = (history: TrialView[], pending: TrialView[], trialIndex: number): SuggestContext => ({
  space,
  objective: "Minimize",
  history,
  pending,
  trialIndex,
  seed: 1,
  rng: createRng(1, "trial", trialIndex),
});

function timed<T>(run: () => T): { value: T; wall: number; cpu: number } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = run();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { value, wall, cpu: (used.user + used.system) / 1000 };
}

/** 2 warm-up suggestions, then `repeats` consecutive ones, each told and stored with its kernel fit as a run would. */
function latency(n: number, repeats: number) {
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

/**
 * `slots` free slots filled on one history: one batch, against one suggestion per slot with the earlier ones
 * pending (what the tuning loop did before batches). One warm-up suggestion first, so both start from a stored fit.
 */
function slots(n: number, count: number) {
  const { history, pending } = start(n);
  const warm = new BayesianStrategy().suggest(context(history, pending, n + 2));
  history.push(view(n + 2, coordinates(warm), "Completed", (warm as { state?: unknown }).state));
  const first = n + 3;
  const one = new BayesianStrategy();
  const single = timed(() => {
    const queued = [...pending];
    for (let i = 0; i < count; i++) {
      const s = one.suggest(context(history, queued, first + i));
      queued.push(view(first + i, coordinates(s), "Pending", (s as { state?: unknown }).state));
    }
  });
  const batch = timed(() => new BayesianStrategy().suggestBatch(context(history, pending, first), count));
  const distinct = new Set(batch.value.map((s) => JSON.stringify(coordinates(s)))).size;
  return { single, batch, distinct };
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");
const loadBefore = load();
const repeats = Number(args.repeats);
const count = Number(args.batch);
const latencyRows: string[][] = [];
for (const n of (args.sizes as string).split(",").map(Number)) {
  const r = latency(n, repeats);
  console.log(`n=${n}: median ${r.wall.toFixed(0)} ms wall, ${r.cpu.toFixed(0)} ms CPU, max ${r.max.toFixed(0)} ms`);
  latencyRows.push([String(n), r.wall.toFixed(0), r.cpu.toFixed(0), r.max.toFixed(0)]);
}
const batchRows: string[][] = [];
for (const n of (args["batch-sizes"] as string).split(",").map(Number)) {
  const r = slots(n, count);
  console.log(
    `n=${n}: ${count} single ${r.single.wall.toFixed(0)} ms (${r.single.cpu.toFixed(0)} CPU), batch ${r.batch.wall.toFixed(0)} ms (${r.batch.cpu.toFixed(0)} CPU), ${r.distinct} distinct`,
  );
  batchRows.push([
    String(n),
    `${(r.single.wall / 1000).toFixed(1)} (${(r.single.cpu / 1000).toFixed(1)})`,
    `${(r.batch.wall / 1000).toFixed(1)} (${(r.batch.cpu / 1000).toFixed(1)})`,
    (r.single.cpu / r.batch.cpu).toFixed(1),
    `${r.distinct} of ${count}`,
  ]);
}
const loadAfter = load();

const date = new Date().toISOString().slice(0, 10);
const command = `npm run bench:suggest-latency${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
const out = args.out ?? `suggest-latency-${date}.md`;
writeFileSync(
  new URL(`./results/${out}`, import.meta.url),
  `# bench:suggest-latency, ${date}

Command: \`${command}\`
Machine: ${machineDescription()}, ${(freemem() / 2 ** 30).toFixed(0)} of ${(totalmem() / 2 ** 30).toFixed(0)} GiB free at the end
Load average (1, 5, 15 min): ${loadBefore} before, ${loadAfter} after (the machine is shared; CPU time is this process's)

Bayesian suggestions on Hartmann-6's space (6-D): n random observations and 2 pending trials, 2 warm-up
suggestions, then ${repeats} consecutive suggestions, each told and stored with its kernel fit as a run would (the
kernel is refitted every 10th trial above 256 results).

${markdownTable(["observations", "median wall ms", "median CPU ms", "max wall ms"], latencyRows)}

${count} free slots filled on one history of n observations (+2 pending): ${count} single suggestions, each with
the earlier ones pending, against one batch (one kernel fit and factorisation, each suggestion a pending trial
to the next). Seconds, wall (CPU).

${markdownTable(["observations", `${count} single s`, "one batch s", "CPU ratio", "distinct"], batchRows)}
`,
);
console.log(`wrote bench/results/${out}`);
