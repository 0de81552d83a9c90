// bench:parallel-lag — what running 3 trials in parallel costs the Bayesian search, per result told.
//
// A 3-wide search's n-th result was asked knowing n - 3 results at best, so it cannot match a sequential search
// at n; the bar for parallel search compares it with sequential at n - 2 (as many results known at the last ask).
// This prints, per function, both medians of log10 regret (parallel at n, sequential at n - 2) and, at a few
// checkpoints n, the fewest results after which the sequential median is as low as the 3-wide one's ("as good as
// sequential at m"), beside two reference points: n - 2 (no cost beyond the lag) and n / 3 (each step waiting on
// the one before, the pending asks worth nothing).
//   npm run bench:parallel-lag -- --seeds 100 --trials 30
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createRng } from "../src/random.js";
import { SearchSpace } from "../src/space/index.js";
import { BayesianStrategy } from "../src/strategies/bayesian/index.js";
import { askTell } from "./ask-tell.js";
import { PROBLEMS } from "./problems.js";
import { log10Regret, machineDescription, markdownTable, median } from "./report.js";

const { values: args } = parseArgs({
  options: {
    seeds: { type: "string", default: "100" },
    trials: { type: "string", default: "30" },
    only: { type: "string", default: "Branin,SixHumpCamel,Hartmann3,Hartmann6,Rosenbrock4,Ackley5" },
  },
});
const SEEDS = Number(args.seeds);
const TRIALS = Number(args.trials);
if (!(Number.isInteger(SEEDS) && SEEDS > 0)) throw new Error(`--seeds: a positive integer, got ${args.seeds}`);
if (!(Number.isInteger(TRIALS) && TRIALS >= 6))
  throw new Error(`--trials: an integer of 6 or more, got ${args.trials}`);
const names = (args.only as string).split(",");
for (const name of names) {
  const problem = PROBLEMS.find((p) => p.name === name);
  if (problem?.kind !== "synthetic")
    throw new Error(`--only: ${name} is not a synthetic function of bench/problems.ts`);
}

/** log10 regret after each result told (index n - 1 for n results). */
function curve(name: string, width: number, seed: number): number[] {
  const problem = PROBLEMS.find((p) => p.name === name) as (typeof PROBLEMS)[number];
  const told: { hp: Record<string, number>; value: number }[] = [];
  const regrets: number[] = [];
  const noise = createRng(seed, "table-noise"); // unused by functions; the same stream bench:bayesian passes
  askTell({
    strategy: new BayesianStrategy(),
    space: new SearchSpace(problem.ranges()),
    objective: problem.objective,
    trials: TRIALS,
    width,
    seed,
    evaluate: (hp) => {
      const value = problem.evaluate(hp, noise);
      told.push({ hp, value });
      return value;
    },
    afterTell: () => regrets.push(log10Regret(problem.regret(told))),
  });
  return regrets;
}

const checkpoints = [10, 20, 30, 50, TRIALS].filter((n, i, all) => n <= TRIALS && all.indexOf(n) === i);
const rows: string[][] = [];
for (const name of names) {
  const started = Date.now();
  const seq: number[][] = [];
  const par: number[][] = [];
  for (let seed = 0; seed < SEEDS; seed++) {
    seq.push(curve(name, 1, seed));
    par.push(curve(name, 3, seed));
  }
  const at = (runs: number[][], n: number) => median(runs.map((r) => r[n - 1] as number));
  /** The fewest sequential results whose median regret is as low as the 3-wide search's at n. */
  const matched = (n: number) => {
    const target = at(par, n);
    for (let m = 1; m <= TRIALS; m++) if (at(seq, m) <= target) return `${m}`;
    return `> ${TRIALS}`;
  };
  rows.push([
    name,
    `${at(seq, TRIALS - 2).toFixed(2)}`,
    `${at(par, TRIALS).toFixed(2)}`,
    `${(at(par, TRIALS) - at(seq, TRIALS - 2)).toFixed(2)}`,
    ...checkpoints.map((n) => `${matched(n)} (${n - 2}; ${Math.ceil(n / 3)})`),
  ]);
  console.error(`${name}: ${SEEDS} seeds in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const table = markdownTable(
  [
    "function",
    `sequential @${TRIALS - 2}`,
    `3 in parallel @${TRIALS}`,
    "gap",
    ...checkpoints.map((n) => `3 in parallel @${n} as good as sequential at (n - 2; n / 3)`),
  ],
  rows,
);
console.log(table);
const date = new Date().toISOString().slice(0, 10);
const command = `npm run bench:parallel-lag${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
const file = `parallel-lag-${date}-${TRIALS}-trials.md`;
writeFileSync(
  new URL(`./results/${file}`, import.meta.url),
  `# bench:parallel-lag, ${date}

Command: \`${command}\`
Machine: ${machineDescription()}; load average at the end ${loadavg()
    .map((v) => v.toFixed(2))
    .join(", ")}

The Bayesian search (defaults), sequential and 3 in parallel (three trials asked and pending, told in the order
asked), seeds 0-${SEEDS - 1}, median log10 regret. Gap: 3 in parallel @${TRIALS} minus sequential @${TRIALS - 2}
(positive: parallel behind). "As good as sequential at m": the fewest results after which sequential search's
median regret is as low as the 3-wide search's after n; in brackets n - 2 (the lag alone: as many results known at
the last ask) and n / 3 (every step waiting for the one before, the pending asks worth nothing).

${table}
`,
);
console.log(`\nwrote bench/results/${file}`);
