// `npm run bench:strategies`: sample efficiency and overhead of the
// model-free strategies on classic test functions, beside Optuna's samplers
// in the same run. Prints a table and writes bench/results/strategies-DATE.md.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ContinuousParameter, createOptimizer } from "../src/index.js";
import { TEST_FUNCTIONS, type TestFunction } from "./functions.js";
import { log10Regret, machineDescription, markdownTable, median } from "./report.js";

const SEEDS = Number(process.env.BENCH_SEEDS ?? 10);
const TRIALS = 100;
const CHECKPOINTS = [10, 30, 100];
const STRATEGIES = ["Random", "Sobol"] as const;
const PYTHON = process.env.TUNEKIT_BENCH_PYTHON ?? "/usr/bin/python3";

interface Cell {
  regrets: number[][];
  trialsPerSecond: number;
}

async function runTunekit(fn: TestFunction, strategy: (typeof STRATEGIES)[number], seed: number, storage?: string) {
  const ranges = Object.fromEntries(
    fn.bounds.map(([lo, hi], i) => [`x${i}`, new ContinuousParameter(lo, hi, "Linear")]),
  );
  const opt = await createOptimizer({ strategy, ranges, objective: "Minimize", seed, ...(storage ? { storage } : {}) });
  let best = Number.POSITIVE_INFINITY;
  const regrets: number[] = [];
  let overhead = 0;
  for (let i = 1; i <= TRIALS; i++) {
    const t0 = performance.now();
    const trial = await opt.ask();
    const t1 = performance.now();
    const value = fn.f(fn.bounds.map((_, d) => trial.hyperparameters[`x${d}`] as number));
    const t2 = performance.now();
    await opt.tell(trial.id, value);
    overhead += t1 - t0 + (performance.now() - t2);
    best = Math.min(best, value);
    if (CHECKPOINTS.includes(i)) regrets.push(best - fn.minimum);
  }
  await opt.close();
  return { regrets, seconds: overhead / 1000 };
}

async function tunekitResults(storage?: () => string): Promise<Record<string, Record<string, Cell>>> {
  const out: Record<string, Record<string, Cell>> = {};
  for (const fn of TEST_FUNCTIONS) {
    const byStrategy: Record<string, Cell> = {};
    out[fn.name] = byStrategy;
    for (const strategy of STRATEGIES) {
      const regrets: number[][] = [];
      let seconds = 0;
      for (let seed = 0; seed < SEEDS; seed++) {
        const run = await runTunekit(fn, strategy, seed, storage?.());
        regrets.push(run.regrets);
        seconds += run.seconds;
      }
      byStrategy[`tunekit-${strategy}`] = { regrets, trialsPerSecond: (SEEDS * TRIALS) / seconds };
    }
  }
  return out;
}

function optunaResults(): { version: string; results: Record<string, Record<string, Cell>> } | undefined {
  const script = new URL("./optuna_peer.py", import.meta.url).pathname;
  const run = spawnSync(PYTHON, [script, "--seeds", String(SEEDS), "--trials", String(TRIALS)], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    console.error(`optuna peer skipped (${PYTHON}: ${run.error?.message ?? run.stderr.trim().split("\n").pop()})`);
    return undefined;
  }
  const parsed = JSON.parse(run.stdout) as { optuna: string; results: Record<string, Record<string, Cell>> };
  return { version: parsed.optuna, results: parsed.results };
}

const dir = mkdtempSync(join(tmpdir(), "tunekit-bench-"));
let files = 0;
const memory = await tunekitResults();
const sqlite = await tunekitResults(() => join(dir, `run-${files++}.db`));
rmSync(dir, { recursive: true, force: true });
const peer = optunaResults();

const header = [
  "function",
  "strategy",
  ...CHECKPOINTS.map((k) => `log10 regret @${k}`),
  "trials/s, memory",
  "trials/s, SQLite file",
];
const rows: string[][] = [];
for (const fn of TEST_FUNCTIONS) {
  // The peer reports its SQLite-storage timing under "<sampler>@sqlite"; those entries carry no regrets.
  const peerCells = Object.entries(peer?.results[fn.name] ?? {}).filter(([name]) => !name.endsWith("@sqlite"));
  for (const [strategy, cell] of [...Object.entries(memory[fn.name] ?? {}), ...peerCells]) {
    const onFile = strategy.startsWith("tunekit")
      ? sqlite[fn.name]?.[strategy]
      : peer?.results[fn.name]?.[`${strategy}@sqlite`];
    rows.push([
      fn.name,
      strategy,
      ...CHECKPOINTS.map((_, i) => median(cell.regrets.map((r) => log10Regret(r[i] as number))).toFixed(2)),
      cell.trialsPerSecond.toFixed(0),
      onFile?.trialsPerSecond.toFixed(0) ?? "-",
    ]);
  }
}

const markdown = markdownTable(header, rows);

function overall(source: Record<string, Record<string, Cell>>, keep: (name: string) => boolean): number {
  const rates = Object.values(source).flatMap((byStrategy) =>
    Object.entries(byStrategy)
      .filter(([name]) => keep(name))
      .map(([, cell]) => cell.trialsPerSecond),
  );
  return median(rates);
}

const tunekitMemory = overall(memory, () => true);
const tunekitFile = overall(sqlite, () => true);
const optunaMemory = overall(peer?.results ?? {}, (name) => !name.endsWith("@sqlite"));
const optunaFile = overall(peer?.results ?? {}, (name) => name.endsWith("@sqlite"));
const speed = [
  `median trials/s, tunekit in memory: ${tunekitMemory.toFixed(0)}`,
  `median trials/s, tunekit on a SQLite file: ${tunekitFile.toFixed(0)}`,
  ...(peer
    ? [
        `median trials/s, Optuna ${peer.version} in memory: ${optunaMemory.toFixed(0)}`,
        `median trials/s, Optuna ${peer.version} RandomSampler on a SQLite file (RDBStorage): ${optunaFile.toFixed(0)}`,
        `ratio tunekit / Optuna in memory: ${(tunekitMemory / optunaMemory).toFixed(1)}x`,
        `ratio tunekit / Optuna on a SQLite file: ${(tunekitFile / optunaFile).toFixed(1)}x`,
      ]
    : []),
];

console.log(markdown);
console.log(`\n${speed.join("\n")}`);

const date = new Date().toISOString().slice(0, 10);
const machine = machineDescription();
writeFileSync(
  new URL(`./results/strategies-${date}.md`, import.meta.url),
  `# bench:strategies, ${date}

Command: \`npm run bench:strategies\` (${SEEDS} seeds x ${TRIALS} trials per function and strategy)
Machine: ${machine}
Peer: ${peer ? `Optuna ${peer.version} (Debian python3-optuna), RandomSampler and QMCSampler(sobol, scrambled); its SQLite timing is RandomSampler with RDBStorage on a file, over ${Math.max(1, Math.floor(SEEDS / 5))} seeds` : "not available"}

Median over seeds of log10(best - known minimum) after 10/30/100 trials (lower is better; -12 is the floor).
Trials/s times ask + tell only for tunekit, and Optuna's optimize loop with a trivial-cost objective for the peer,
so both measure the strategy's and the storage's overhead, not the objective's.

${markdown}

${speed.map((s) => `- ${s}`).join("\n")}
`,
);
console.log(`\nwrote bench/results/strategies-${date}.md`);
