// `npm run bench:bayesian`: sample efficiency of tunekit's Bayesian strategy
// beside tunekit Random and Optuna (TPE; GPSampler when a checkout of a newer
// Optuna is given), sequential and with 3 trials in parallel, and the
// latency of one suggestion. Runs are cached per method under
// bench/results/bayesian-runs/, so the benchmark resumes where it stopped and
// can be run in parts: --only Branin,tables --methods optuna-TPE --seeds 20.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { createRng } from "../src/random.js";
import { SearchSpace } from "../src/space/index.js";
import { BayesianStrategy } from "../src/strategies/bayesian/index.js";
import { recommendTrial } from "../src/strategies/bayesian/recommend.js";
import { RandomStrategy } from "../src/strategies/random/index.js";
import type { Strategy } from "../src/strategies/strategy.js";
import { askTell } from "./ask-tell.js";
import { TEST_FUNCTIONS, type TestFunction } from "./functions.js";
import { noiseDraws } from "./noise.js";
import { dataDir, PROBLEMS, type Problem } from "./problems.js";
import { log10Regret, machineDescription, markdownTable, median } from "./report.js";
import { latency } from "./suggestion-timing.js";

const METHODS = [
  "tunekit-Bayesian",
  "tunekit-Bayesian-plain",
  "tunekit-Bayesian-plateau-blind",
  "tunekit-Random",
  "optuna-TPE",
  "optuna-CMAES",
  "optuna-GP",
] as const;
type Method = (typeof METHODS)[number];
const MODES = ["seq", "par3"] as const;
type Mode = (typeof MODES)[number];
const TRIALS = 100;
/** GPSampler is slow: synthetic problems, sequential, 5 seeds. */
const GP_SEEDS = Number(process.env.TUNEKIT_BENCH_GP_SEEDS ?? 5);
/** Median log10 regret at 100 trials of Optuna's GPSampler as first measured on this machine (the issue's figures). */
const GP_REFERENCE: Record<string, number> = {
  Branin: -4.9,
  Hartmann3: -4.9,
  Hartmann6: -3.6,
  SixHumpCamel: -7.8,
  Rosenbrock4: 1.2,
  Ackley5: 0.7,
};

const { values: args } = parseArgs({
  options: {
    only: { type: "string" },
    methods: { type: "string", default: METHODS.join(",") },
    seeds: { type: "string", default: "20" },
    "optuna-source": { type: "string", default: process.env.OPTUNA_GP_SOURCE },
    python: { type: "string", default: process.env.TUNEKIT_BENCH_PYTHON ?? "/usr/bin/python3" },
    "skip-latency": { type: "boolean", default: false },
    /** The modes run: sequential (seq) and 3 in parallel (par3). */
    modes: { type: "string", default: "seq,par3" },
    /** Appended to the results file's name (bayesian-DATE-LABEL.md), so a partial run does not replace the day's file. */
    label: { type: "string" },
    /** Noise levels, as fractions of each function's spread; 0 is the noise-free suite. */
    noise: { type: "string", default: "0" },
  },
});
const NOISE_LEVELS = (args.noise as string).split(",").map(Number);
for (const level of NOISE_LEVELS) {
  if (!(level >= 0 && level < 1)) throw new Error(`--noise: each level must be a fraction in [0, 1), got ${level}`);
}
const SEEDS = Number(args.seeds);
const runModes = (args.modes as string).split(",") as Mode[];
for (const m of runModes)
  if (!MODES.includes(m)) throw new Error(`--modes: each must be one of ${MODES.join(", ")}, got ${m}`);
const selected = (args.only ?? "synthetic,tables,plateau").split(",");
const problems = PROBLEMS.filter(
  (p) =>
    selected.includes(p.name) ||
    (selected.includes("synthetic") && p.kind === "synthetic") ||
    (selected.includes("tables") && p.kind === "table") ||
    (selected.includes("plateau") && p.kind === "plateau"),
);
const methods = (args.methods as string).split(",") as Method[];
for (const m of methods) if (!METHODS.includes(m)) throw new Error(`unknown method ${m}; known: ${METHODS.join(", ")}`);

interface Run {
  /** Regret after 30 and 100 trials of the configuration with the best observed value (its true value, when noisy). */
  regrets: [number, number];
  /** tunekit's noisy runs: regret (true value) of the recommended configuration, the best posterior mean. */
  recommended?: [number, number];
  /**
   * tunekit's runs: regret two trials earlier, after 28 and 98 told. A 3-wide run's 30th result is asked knowing
   * 27 results (2 more pending), as a sequential run's 28th is: these measure what that lag alone costs.
   */
  earlier?: [number, number];
  /** Median time of the last 10 asks, in ms. */
  lateAskMs: number;
}
type Cache = Record<string, Run>;
const cacheDir = new URL("./results/bayesian-runs/", import.meta.url);
mkdirSync(cacheDir, { recursive: true });
const cachePath = (method: Method) => new URL(`${method}.json`, cacheDir);
const caches = new Map<Method, Cache>(
  METHODS.map((m) => [m, existsSync(cachePath(m)) ? (JSON.parse(readFileSync(cachePath(m), "utf8")) as Cache) : {}]),
);
/** A run's cache key; noisy runs are keyed `Branin~0.05|seq|3`. */
const runKey = (problem: string, mode: Mode, seed: number, noise = 0) =>
  `${noise > 0 ? `${problem}~${noise}` : problem}|${mode}|${seed}`;
const functionOf = (problem: Problem) => TEST_FUNCTIONS.find((f) => f.name === problem.name) as TestFunction;
const save = (method: Method) => writeFileSync(cachePath(method), `${JSON.stringify(caches.get(method), null, 0)}\n`);

const strategyFor: Record<string, () => Strategy> = {
  "tunekit-Bayesian": () => new BayesianStrategy(),
  "tunekit-Bayesian-plain": () => new BayesianStrategy({ noiseAware: false }),
  "tunekit-Bayesian-plateau-blind": () => new BayesianStrategy({ plateauAware: false }),
  "tunekit-Random": () => new RandomStrategy(),
};

/**
 * One tunekit run, the strategy driven as the ask/tell optimiser drives it (history in trial order, pending
 * trials, the trial index and the seed), without a store so that options such as `noiseAware` can be set.
 * With `noise`, observations carry those draws and regrets are the true values of the configurations reported.
 */
async function runTunekit(problem: Problem, method: Method, mode: Mode, seed: number, noise?: number[]): Promise<Run> {
  const space = new SearchSpace(problem.ranges());
  const tableNoise = createRng(seed, "table-noise");
  const told: { hp: Record<string, number>; value: number }[] = [];
  const truth: { hp: Record<string, number>; value: number }[] = [];
  const regrets: number[] = [];
  const recommended: number[] = [];
  const earlier: number[] = [];
  const trueRegret = (index: number) => problem.regret([truth[index] as { hp: Record<string, number>; value: number }]);
  const bestObservedIndex = () => {
    let best = 0;
    told.forEach((t, i) => {
      const better =
        problem.objective === "Minimize"
          ? t.value < (told[best]?.value as number)
          : t.value > (told[best]?.value as number);
      if (better) best = i;
    });
    return best;
  };
  const askMs = askTell({
    strategy: (strategyFor[method] as () => Strategy)(),
    space,
    objective: problem.objective,
    trials: TRIALS,
    width: mode === "par3" ? 3 : 1,
    seed,
    evaluate: (hp, count) => {
      const trueValue = problem.evaluate(hp, tableNoise);
      const value = noise ? trueValue + (noise[count] as number) : trueValue;
      told.push({ hp, value });
      truth.push({ hp, value: trueValue });
      return value;
    },
    afterTell: (completed) => {
      if (told.length === 30 || told.length === TRIALS) {
        if (!noise) regrets.push(problem.regret(told));
        else {
          regrets.push(trueRegret(bestObservedIndex()));
          // told[i] is trial i only when told in the order asked, which both modes do.
          const pick = recommendTrial(space, problem.objective, completed);
          recommended.push(trueRegret(pick?.index ?? bestObservedIndex()));
        }
      }
      if (told.length === 28 || told.length === TRIALS - 2)
        earlier.push(noise ? trueRegret(bestObservedIndex()) : problem.regret(told));
    },
  });
  return {
    regrets: regrets as [number, number],
    ...(noise ? { recommended: recommended as [number, number] } : {}),
    earlier: earlier as [number, number],
    lateAskMs: median(askMs.slice(-10)),
  };
}

type Sampler = "TPE" | "CMAES" | "GP";
const samplerOf: Record<string, Sampler> = { "optuna-TPE": "TPE", "optuna-CMAES": "CMAES", "optuna-GP": "GP" };

/** Optuna's runs; with `noise`, the draws per seed (the same ones tunekit's runs get), written to a file for it. */
function runPeer(
  problem: Problem,
  sampler: Sampler,
  mode: Mode,
  seeds: number[],
  noise?: Map<number, number[]>,
): Run[] {
  const script = new URL("./optuna_bayesian_peer.py", import.meta.url).pathname;
  const argv = [script, "--problem", problem.name, "--sampler", sampler, "--mode", mode, "--seeds", seeds.join(",")];
  argv.push("--data-dir", dataDir());
  if (sampler === "GP") argv.push("--optuna-source", args["optuna-source"] as string);
  if (noise) {
    const dir = mkdtempSync(join(tmpdir(), "bench-noise-"));
    const file = join(dir, "noise.json");
    writeFileSync(file, JSON.stringify(Object.fromEntries(noise)));
    argv.push("--noise-file", file);
  }
  const run = spawnSync(args.python as string, argv, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`optuna peer failed: ${run.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return run.stdout
    .trim()
    .split("\n")
    .map((line) => {
      const parsed = JSON.parse(line) as { regrets: [number, number]; askMs: number[]; optuna: string };
      return { regrets: parsed.regrets, lateAskMs: median(parsed.askMs.slice(-10)), optuna: parsed.optuna };
    });
}

/** The methods whose noisy runs are also made 3 in parallel (GPSampler runs sequentially only, and slowly). */
const NOISY_PARALLEL: readonly Method[] = ["tunekit-Bayesian", "optuna-TPE", "optuna-CMAES"];

/**
 * Which seeds a method runs on a problem: GPSampler and CMA-ES not on the HPOBench tables, as noted; noisy runs on
 * the synthetic functions only, 3 in parallel only for NOISY_PARALLEL.
 */
function plannedSeeds(method: Method, problem: Problem, mode: Mode, noise = 0): number[] {
  if (noise > 0 && problem.kind !== "synthetic") return [];
  if (noise > 0 && mode !== "seq" && !NOISY_PARALLEL.includes(method)) return [];
  if (method === "optuna-CMAES" && problem.kind === "table") return [];
  if (method === "tunekit-Bayesian-plateau-blind" && problem.kind !== "plateau") return [];
  if (method === "optuna-GP") {
    if (problem.kind === "table" || mode !== "seq") return [];
    return Array.from({ length: GP_SEEDS }, (_, i) => i);
  }
  return Array.from({ length: SEEDS }, (_, i) => i);
}

// 1. Fill the caches.
for (const method of methods) {
  if (method === "optuna-GP" && !args["optuna-source"]) {
    console.error("optuna-GP: no --optuna-source (or OPTUNA_GP_SOURCE) given; using cached GPSampler runs only");
    continue;
  }
  const cache = caches.get(method) as Cache;
  for (const noise of NOISE_LEVELS) {
    for (const problem of problems) {
      for (const mode of runModes) {
        // tunekit's runs cached before `earlier` was recorded are run again (they are seeded: the rest is unchanged).
        const missing = plannedSeeds(method, problem, mode, noise).filter((seed) => {
          const run = cache[runKey(problem.name, mode, seed, noise)];
          return !run || (method.startsWith("tunekit") && !run.earlier);
        });
        if (missing.length === 0) continue;
        const draws = (seed: number) => noiseDraws(functionOf(problem), noise, seed, TRIALS);
        const started = performance.now();
        if (method.startsWith("optuna")) {
          const runs = runPeer(
            problem,
            samplerOf[method] as Sampler,
            mode,
            missing,
            noise > 0 ? new Map(missing.map((seed) => [seed, draws(seed)])) : undefined,
          );
          runs.forEach((run, i) => {
            cache[runKey(problem.name, mode, missing[i] as number, noise)] = run;
          });
        } else {
          for (const seed of missing) {
            cache[runKey(problem.name, mode, seed, noise)] = await runTunekit(
              problem,
              method,
              mode,
              seed,
              noise > 0 ? draws(seed) : undefined,
            );
          }
        }
        save(method);
        console.error(
          `${method} ${problem.name}${noise > 0 ? ` noise ${noise}` : ""} ${mode}: ${missing.length} runs in ${((performance.now() - started) / 1000).toFixed(0)} s`,
        );
      }
    }
  }
}

// 3. Report.
const methodLabel: Record<Method, string> = {
  "tunekit-Bayesian": "tunekit Bayesian",
  "tunekit-Bayesian-plain": "tunekit Bayesian, noise-blind (before)",
  "tunekit-Bayesian-plateau-blind": "tunekit Bayesian, plateau-blind (before)",
  "tunekit-Random": "tunekit Random",
  "optuna-TPE": "Optuna TPE",
  "optuna-CMAES": "Optuna CMA-ES",
  "optuna-GP": "Optuna GPSampler",
};
/** Median log10 regret after 30 (at 0) or 100 (at 1) trials; with `earlier`, two trials before (28 or 98). */
function cell(method: Method, problem: Problem, mode: Mode, at: 0 | 1, earlier = false): number {
  const cache = caches.get(method) as Cache;
  const values = plannedSeeds(method, problem, mode)
    .map((seed) => cache[runKey(problem.name, mode, seed)])
    .filter((run): run is Run => run !== undefined && (!earlier || run.earlier !== undefined))
    .map((run) => log10Regret(earlier ? (run.earlier as [number, number])[at] : run.regrets[at]));
  return median(values);
}
/** Median log10 true regret of a noisy run's reported configuration: best observed, or (tunekit) recommended. */
function noisyCell(
  method: Method,
  problem: Problem,
  noise: number,
  at: 0 | 1,
  recommended = false,
  mode: Mode = "seq",
): number {
  const cache = caches.get(method) as Cache;
  const values = plannedSeeds(method, problem, mode, noise)
    .map((seed) => cache[runKey(problem.name, mode, seed, noise)])
    .filter((run): run is Run => run !== undefined && (!recommended || run.recommended !== undefined))
    .map((run) => log10Regret(recommended ? (run.recommended as [number, number])[at] : run.regrets[at]));
  return median(values);
}
const fmt = (v: number) => (Number.isNaN(v) ? "-" : v.toFixed(2));

const header = ["problem", "mode", ...METHODS.flatMap((m) => [`${methodLabel[m]} @30`, `@100`])];
const rows = PROBLEMS.filter((p) => problems.includes(p) || args.only === undefined).flatMap((problem) =>
  MODES.map((mode) => [
    problem.name,
    mode === "seq" ? "sequential" : "3 in parallel",
    ...METHODS.flatMap((m) => [fmt(cell(m, problem, mode, 0)), fmt(cell(m, problem, mode, 1))]),
  ]),
);
const table = markdownTable(header, rows);

const synthetic = PROBLEMS.filter((p) => p.kind === "synthetic");
const tables = PROBLEMS.filter((p) => p.kind === "table");
const lines: string[] = [];
for (const mode of MODES) {
  let wins = 0;
  let total = 0;
  for (const p of synthetic) {
    for (const at of [0, 1] as const) {
      const [ours, tpe] = [cell("tunekit-Bayesian", p, mode, at), cell("optuna-TPE", p, mode, at)];
      if (Number.isNaN(ours) || Number.isNaN(tpe)) continue;
      total++;
      if (ours < tpe) wins++;
    }
  }
  lines.push(
    `Bayesian better than Optuna TPE (${mode === "seq" ? "sequential" : "3 in parallel"}, synthetic, @30 and @100): ${wins} of ${total}`,
  );
}
{
  const measured = synthetic.filter((p) => !Number.isNaN(cell("optuna-GP", p, "seq", 1)));
  const asGood = measured.filter((p) => cell("tunekit-Bayesian", p, "seq", 1) <= cell("optuna-GP", p, "seq", 1)).length;
  const referenced = synthetic.filter((p) => GP_REFERENCE[p.name] !== undefined);
  const asGoodReference = referenced.filter(
    (p) => cell("tunekit-Bayesian", p, "seq", 1) <= (GP_REFERENCE[p.name] as number),
  ).length;
  lines.push(
    `Bayesian at least as good as Optuna GPSampler @100 (sequential; GPSampler over ${GP_SEEDS} seeds, this run's cache): ${asGood} of ${measured.length}`,
  );
  lines.push(
    `Bayesian at least as good as the issue's GPSampler figures @100: ${asGoodReference} of ${referenced.length}`,
  );
}
{
  const deltas = [...synthetic, ...tables]
    .flatMap((p) =>
      ([0, 1] as const).map((at) => ({
        p: p.name,
        at: at === 0 ? 30 : 100,
        d: cell("tunekit-Bayesian", p, "par3", at) - cell("tunekit-Bayesian", p, "seq", at),
      })),
    )
    .filter((x) => !Number.isNaN(x.d));
  const within = deltas.filter((x) => x.d <= 0.3).length;
  const worst = [...deltas]
    .sort((a, b) => b.d - a.d)
    .slice(0, 3)
    .map((x) => `${x.p} @${x.at} +${x.d.toFixed(2)}`);
  lines.push(
    `Bayesian 3 in parallel within 0.3 of sequential: ${within} of ${deltas.length} (largest gaps: ${worst.join(", ")})`,
  );
  // What the lag alone costs: sequential two trials earlier, knowing as many results as the 3-wide run's last ask.
  const lag = [...deltas]
    .sort((a, b) => b.d - a.d)
    .slice(0, 3)
    .map((x) => {
      const p = PROBLEMS.find((q) => q.name === x.p) as Problem;
      const at = x.at === 30 ? 0 : 1;
      const cost = cell("tunekit-Bayesian", p, "seq", at, true) - cell("tunekit-Bayesian", p, "seq", at);
      return `${x.p} sequential @${x.at - 2} is ${fmt(cost)} behind @${x.at}`;
    });
  lines.push(`The 2-trial lag of 3 in parallel, measured on sequential runs, at those gaps: ${lag.join(", ")}`);
  const againstEarlier = deltas.filter((x) => {
    const p = PROBLEMS.find((q) => q.name === x.p) as Problem;
    const at = x.at === 30 ? 0 : 1;
    return cell("tunekit-Bayesian", p, "par3", at) - cell("tunekit-Bayesian", p, "seq", at, true) <= 0.3;
  }).length;
  lines.push(
    `Bayesian 3 in parallel @30/@100 within 0.3 of sequential @28/@98 (as many known results): ${againstEarlier} of ${deltas.length}`,
  );
}
for (const mode of MODES) {
  const better = (a: Method, b: Method) =>
    tables
      .flatMap((p) => [0, 1].map((at) => cell(a, p, mode, at as 0 | 1) < cell(b, p, mode, at as 0 | 1)))
      .filter(Boolean).length;
  lines.push(
    `HPOBench tables (${mode}): Bayesian better than TPE in ${better("tunekit-Bayesian", "optuna-TPE")} of 16, than Random in ${better("tunekit-Bayesian", "tunekit-Random")} of 16`,
  );
}
if (!args["skip-latency"]) {
  // Hartmann-6 space, n random observations, 2 pending, 2 warm-up suggestions, then 20 consecutive suggestions,
  // each told and stored with its kernel fit as a run would.
  const at100 = latency(100, 20);
  const at1000 = latency(1000, 20);
  lines.push(
    `Suggestion latency, 6-D, 100 observations + 2 pending: median ${at100.wall.toFixed(1)} ms, max ${at100.max.toFixed(1)} ms (20 consecutive warm suggestions)`,
  );
  lines.push(
    `Suggestion latency, 6-D, 1000 observations + 2 pending: median ${at1000.wall.toFixed(0)} ms, max ${at1000.max.toFixed(0)} ms`,
  );
}
/** The median time of the last 10 asks of every cached sequential run on the synthetic functions. */
const lateAskMs = (method: Method) =>
  median(
    synthetic
      .flatMap((p) =>
        plannedSeeds(method, p, "seq").map((s) => caches.get(method)?.[runKey(p.name, "seq", s)]?.lateAskMs),
      )
      .filter((v): v is number => v !== undefined),
  );
const gpLate = lateAskMs("optuna-GP");
const oursLate = lateAskMs("tunekit-Bayesian");
lines.push(
  `Median ask time over the last 10 of 100 trials (synthetic, sequential): tunekit Bayesian ${fmt(oursLate)} ms, Optuna GPSampler ${fmt(gpLate)} ms`,
);

// Before and after, from this run's caches: the noise-aware search against the same search without it.
for (const mode of MODES) {
  const gaps = synthetic.flatMap((p) =>
    ([0, 1] as const).map((at) => ({
      p: p.name,
      at: at === 0 ? 30 : 100,
      d: cell("tunekit-Bayesian", p, mode, at) - cell("tunekit-Bayesian-plain", p, mode, at),
    })),
  );
  const measured = gaps.filter((g) => !Number.isNaN(g.d));
  if (measured.length === 0) continue;
  const at100 = measured.filter((g) => g.at === 100);
  lines.push(
    `Noise-aware against noise-blind Bayesian (${mode === "seq" ? "sequential" : "3 in parallel"}, synthetic): within 0.3 @100 on ${at100.filter((g) => g.d <= 0.3).length} of ${at100.length}; differences (positive: worse) ${measured.map((g) => `${g.p} @${g.at} ${g.d >= 0 ? "+" : ""}${g.d.toFixed(2)}`).join(", ")}`,
  );
}

// Plateau problems: regret in accuracy points, and how many runs never left the table's largest plateau.
const plateauProblems = PROBLEMS.filter((p) => p.kind === "plateau");
const plateauSection = (() => {
  const label = (m: Method) => methodLabel[m];
  const summary = (method: Method, problem: Problem, mode: Mode, at: 0 | 1) => {
    const runs = plannedSeeds(method, problem, mode)
      .map((seed) => caches.get(method)?.[runKey(problem.name, mode, seed)])
      .filter((run): run is Run => run !== undefined);
    if (runs.length === 0) return "-";
    const regrets = runs.map((run) => run.regrets[at]);
    const stuck = regrets.filter((r) => r >= (problem.plateauRegret?.() ?? Number.POSITIVE_INFINITY) - 1e-12).length;
    return `${(100 * median(regrets)).toFixed(2)} (${stuck}/${runs.length})`;
  };
  const plateauRows = plateauProblems.flatMap((p) =>
    MODES.map((mode) => [
      p.name,
      mode === "seq" ? "sequential" : "3 in parallel",
      ...METHODS.filter((m) => m !== "tunekit-Bayesian-plain").flatMap((m) => [
        summary(m, p, mode, 0),
        summary(m, p, mode, 1),
      ]),
    ]),
  );
  return markdownTable(
    [
      "problem",
      "mode",
      ...METHODS.filter((m) => m !== "tunekit-Bayesian-plain").flatMap((m) => [`${label(m)} @30`, "@100"]),
    ],
    plateauRows,
  );
})();

// Noisy suites: the true value of what each optimiser reports as best.
const noisySections: string[] = [];
const PEERS: Method[] = ["optuna-TPE", "optuna-CMAES", "optuna-GP"];
for (const noise of NOISE_LEVELS.filter((n) => n > 0)) {
  const columns: { label: string; value: (p: Problem, at: 0 | 1) => number }[] = [
    { label: "tunekit recommended", value: (p, at) => noisyCell("tunekit-Bayesian", p, noise, at, true) },
    { label: "tunekit best observed", value: (p, at) => noisyCell("tunekit-Bayesian", p, noise, at) },
    { label: "before: recommended", value: (p, at) => noisyCell("tunekit-Bayesian-plain", p, noise, at, true) },
    { label: "before: best observed", value: (p, at) => noisyCell("tunekit-Bayesian-plain", p, noise, at) },
    ...PEERS.map((m) => ({
      label: `${methodLabel[m]} best observed`,
      value: (p: Problem, at: 0 | 1) => noisyCell(m, p, noise, at),
    })),
    { label: "tunekit Random", value: (p, at) => noisyCell("tunekit-Random", p, noise, at) },
  ];
  // Only the functions this run has tunekit's own noisy runs for: a function no one ran is nobody's win.
  const measured = synthetic.filter((p) => !Number.isNaN(noisyCell("tunekit-Bayesian", p, noise, 1, true)));
  const noisyRows = measured.map((p) => [p.name, ...columns.flatMap((c) => [fmt(c.value(p, 0)), fmt(c.value(p, 1))])]);
  const noisyTable = markdownTable(["function", ...columns.flatMap((c) => [`${c.label} @30`, "@100"])], noisyRows);
  const summary: string[] = [];
  for (const at of [0, 1] as const) {
    const ours = (p: Problem) => noisyCell("tunekit-Bayesian", p, noise, at, true);
    const beatsAll = measured.filter((p) =>
      PEERS.every((m) => {
        const peer = noisyCell(m, p, noise, at);
        return Number.isNaN(peer) || ours(p) < peer;
      }),
    );
    const perPeer = PEERS.map((m) => {
      const compared = measured.filter((p) => !Number.isNaN(noisyCell(m, p, noise, at)));
      const wins = compared.filter((p) => ours(p) < noisyCell(m, p, noise, at)).length;
      const ratio = median(compared.map((p) => 10 ** (ours(p) - noisyCell(m, p, noise, at))));
      return `${methodLabel[m]} ${wins} of ${compared.length} (median regret ratio ${ratio.toPrecision(2)})`;
    });
    summary.push(
      `@${at === 0 ? 30 : 100}: tunekit's recommended configuration better than every peer's best on ${beatsAll.length} of ${measured.length} functions (${beatsAll.map((p) => p.name).join(", ") || "none"}); per peer: ${perPeer.join("; ")}`,
    );
  }
  {
    const loss = (m: Method) =>
      median(
        synthetic
          .map((p) => noisyCell(m, p, noise, 1) - noisyCell(m, p, noise, 1, true))
          .filter((v) => !Number.isNaN(v)),
      );
    summary.push(
      `@100, best observed minus recommended (median over functions, log10; positive: the recommendation is better): tunekit ${fmt(loss("tunekit-Bayesian"))}, before ${fmt(loss("tunekit-Bayesian-plain"))}`,
    );
  }
  noisySections.push(
    `## Noise ${noise * 100}% of each function's spread\n\n${noisyTable}\n\n${summary.map((l) => `- ${l}`).join("\n")}`,
  );
  const parallel = noisyParallelSection(noise);
  if (parallel) noisySections.push(parallel);
}

/**
 * The noisy suite 3 in parallel: tunekit's recommended and best observed configurations against the parallel
 * peers' best observed (GPSampler runs sequentially only), and tunekit's sequential recommendation beside them.
 */
function noisyParallelSection(noise: number): string | undefined {
  const measured = synthetic.filter((p) => !Number.isNaN(noisyCell("tunekit-Bayesian", p, noise, 1, true, "par3")));
  if (measured.length === 0) return undefined;
  const peers: Method[] = ["optuna-TPE", "optuna-CMAES"];
  const columns: { label: string; value: (p: Problem, at: 0 | 1) => number }[] = [
    { label: "tunekit recommended", value: (p, at) => noisyCell("tunekit-Bayesian", p, noise, at, true, "par3") },
    { label: "tunekit best observed", value: (p, at) => noisyCell("tunekit-Bayesian", p, noise, at, false, "par3") },
    ...peers.map((m) => ({
      label: `${methodLabel[m]} best observed`,
      value: (p: Problem, at: 0 | 1) => noisyCell(m, p, noise, at, false, "par3"),
    })),
    {
      label: "tunekit recommended, sequential",
      value: (p, at) => noisyCell("tunekit-Bayesian", p, noise, at, true),
    },
  ];
  const rows = measured.map((p) => [p.name, ...columns.flatMap((c) => [fmt(c.value(p, 0)), fmt(c.value(p, 1))])]);
  const summary = ([0, 1] as const).map((at) => {
    const ours = (p: Problem) => noisyCell("tunekit-Bayesian", p, noise, at, true, "par3");
    const beatsAll = measured.filter((p) =>
      peers.every((m) => {
        const peer = noisyCell(m, p, noise, at, false, "par3");
        return Number.isNaN(peer) || ours(p) < peer;
      }),
    );
    const gaps = measured.map((p) => ours(p) - noisyCell("tunekit-Bayesian", p, noise, at, true));
    return `@${at === 0 ? 30 : 100}: tunekit's recommended configuration better than every parallel peer's best on ${beatsAll.length} of ${measured.length} functions (${beatsAll.map((p) => p.name).join(", ") || "none"}); against its own sequential recommendation (positive: parallel behind) ${measured.map((p, i) => `${p.name} ${fmt(gaps[i] as number)}`).join(", ")}`;
  });
  return `## Noise ${noise * 100}% of each function's spread, 3 in parallel\n\n${markdownTable(
    ["function", ...columns.flatMap((c) => [`${c.label} @30`, "@100"])],
    rows,
  )}\n\n${summary.map((l) => `- ${l}`).join("\n")}`;
}

console.log(table);
console.log(`\n${lines.join("\n")}`);
if (plateauProblems.some((p) => problems.includes(p))) console.log(`\n${plateauSection}`);
for (const section of noisySections) console.log(`\n${section}`);

const date = new Date().toISOString().slice(0, 10);
const fileName = `bayesian-${date}${args.label ? `-${args.label}` : ""}.md`;
const machine = `${machineDescription()}; load average at the end ${loadavg()
  .map((v) => v.toFixed(2))
  .join(", ")}`;
const command = `npm run bench:bayesian${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
writeFileSync(
  new URL(`./results/${fileName}`, import.meta.url),
  `# bench:bayesian, ${date}

Command: \`${command}\` (runs cached in bench/results/bayesian-runs/)
Machine: ${machine}
Peers: Optuna TPESampler (Debian python3-optuna, defaults); Optuna GPSampler from an Optuna v4.6.0 source checkout on the same Debian packages (synthetic functions and plateau problems, sequential, ${GP_SEEDS} seeds)

Median over ${SEEDS} seeds of log10 regret after 30 and 100 told trials (lower is better; -12 is the floor). "3 in parallel": three
trials asked and pending, told in the order asked. Functions: regret = best value - known minimum. HPOBench tables: best
mean-over-seeds accuracy - mean-over-seeds accuracy of the configuration with the best observed value; each parameter is an
integer range over the index of its (log-spaced) choices.

${table}

${lines.map((l) => `- ${l}`).join("\n")}

Plateau problems (tree models' tabulated cross-validated accuracy, bench/plateau/): median regret in accuracy points
after 30 and 100 trials, and in brackets how many runs ended on or below the table's largest plateau (the value
most of its cells share).

${plateauSection}
${noisySections.length > 0 ? `\nNoisy suites: each observation is the function plus Gaussian noise of the given fraction of the function's spread (its standard deviation over the domain), the same draws for every optimiser in the order results are told (bench/noise.ts); sequential, and 3 in parallel for tunekit, TPE and CMA-ES, ${SEEDS} seeds (GPSampler ${GP_SEEDS}, sequential only). Scored by log10 of the TRUE regret of the configuration reported as best: for Optuna, the trial with the best observed value; for tunekit, that and the recommended configuration (best posterior mean among the trials run). CMA-ES is Debian's Optuna 3.1 with cmaes 0.9.1.\n\n${noisySections.join("\n\n")}\n` : ""}`,
);
console.log(`\nwrote bench/results/${fileName}`);
