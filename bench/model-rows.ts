// `npm run bench:model-rows`: what conditioning the posterior on a subset of the history (model-rows.ts) costs in
// regret. Sequential Bayesian runs on the synthetic functions, each with the posterior on every result (exact)
// and on at most --rows of them, compared at the same trial counts: with --rows 100 and 400 trials, the subset
// stands in for 4 times fewer rows than the history holds, as 600 rows do for a 2,400-job tuning job.
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createRng } from "../src/random.js";
import { SearchSpace } from "../src/space/index.js";
import { BayesianStrategy } from "../src/strategies/bayesian/index.js";
import type { TrialView } from "../src/strategies/strategy.js";
import { TEST_FUNCTIONS, type TestFunction } from "./functions.js";
import { PROBLEMS } from "./problems.js";
import { log10Regret, machineDescription, markdownTable, median } from "./report.js";

const { values: args } = parseArgs({
  options: {
    functions: { type: "string", default: "Hartmann6" },
    rows: { type: "string", default: "100" },
    trials: { type: "string", default: "400" },
    seeds: { type: "string", default: "5" },
    /** Compare at these trial counts. */
    at: { type: "string", default: "100,200,300,400" },
    /** Leave out the exact runs (a long run, whose first --rows trials are exact anyway). */
    "subset-only": { type: "boolean", default: false },
    out: { type: "string" },
  },
});
const trials = Number(args.trials);
const checkpoints = (args.at as string).split(",").map(Number);
const seeds = Array.from({ length: Number(args.seeds) }, (_, i) => i);
const variants = [
  ...(args["subset-only"] ? [] : [{ label: "exact", modelRows: Number.POSITIVE_INFINITY }]),
  { label: `${args.rows} rows`, modelRows: Number(args.rows) },
];

/** Log10 regret of the best value so far at each checkpoint of one sequential run. */
function run(fn: TestFunction, modelRows: number, seed: number): number[] {
  const problem = PROBLEMS.find((p) => p.name === fn.name);
  if (!problem) throw new Error(`no problem ${fn.name}`);
  const space = new SearchSpace(problem.ranges());
  const strategy = new BayesianStrategy({ modelRows });
  const history: TrialView[] = [];
  let best = Number.POSITIVE_INFINITY;
  const out: number[] = [];
  for (let i = 0; i < trials; i++) {
    const s = strategy.suggest({
      space,
      objective: "Minimize",
      history,
      pending: [],
      trialIndex: i,
      seed,
      rng: createRng(seed, "trial", i),
    });
    if (s === "exhausted") throw new Error("exhausted");
    const x = fn.bounds.map((_, d) => s.hyperparameters[`x${d}`] as number);
    const value = fn.f(x);
    best = Math.min(best, value);
    history.push({ index: i, hyperparameters: s.hyperparameters, state: "Completed", value, strategyState: s.state });
    if (checkpoints.includes(i + 1)) out.push(log10Regret(best - fn.minimum));
  }
  return out;
}

const loadBefore = loadavg()[0]?.toFixed(2);
const rows: string[][] = [];
const perSeed: string[] = [];
for (const name of (args.functions as string).split(",")) {
  const fn = TEST_FUNCTIONS.find((f) => f.name === name) as TestFunction;
  const results = variants.map((v) =>
    seeds.map((seed) => {
      const r = run(fn, v.modelRows, seed);
      console.log(`${name} ${v.label} seed ${seed}: ${r.map((x) => x.toFixed(2)).join(" ")}`);
      return r;
    }),
  );
  variants.forEach((v, k) => {
    const runs = results[k] as number[][];
    rows.push([name, v.label, ...checkpoints.map((_, c) => median(runs.map((r) => r[c] as number)).toFixed(2))]);
    perSeed.push(`${name}, ${v.label}: ${runs.map((r) => (r[r.length - 1] as number).toFixed(2)).join(", ")}`);
  });
}
const table = markdownTable(["function", "posterior on", ...checkpoints.map((c) => `@${c}`)], rows);
console.log(table);
const date = new Date().toISOString().slice(0, 10);
const command = `npm run bench:model-rows${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
const out = args.out ?? `model-rows-${date}.md`;
writeFileSync(
  new URL(`./results/${out}`, import.meta.url),
  `# bench:model-rows, ${date}

Command: \`${command}\`
Machine: ${machineDescription()}; load average (1 min) ${loadBefore} before, ${loadavg()[0]?.toFixed(2)} after

Sequential Bayesian runs, ${seeds.length} seeds, median log10 regret of the best value after each number of trials
(-12 is the floor): the posterior on every result against the posterior on at most ${args.rows} of them (model-rows.ts:
half nearest the best result, the best up to a quarter, the rest by farthest-point sampling; suggestions inside the trust region around the best). Up to ${args.rows} results the two
runs are the same run.

${table}

Final regret per seed (@${trials}):
${perSeed.map((l) => `- ${l}`).join("\n")}
`,
);
console.log(`wrote bench/results/${out}`);
