/**
 * The problems bench:bayesian optimises: the classic synthetic functions
 * (bench/functions.ts) and the HPOBench MLP tables in ../shared/data/hpo-tabular.
 *
 * Table encoding: each of the five parameters is an IntegerParameter over the
 * index of its choice (alpha 0-9, batch_size 0-9, depth 0-2,
 * learning_rate_init 0-9, width 0-9). Every list is log-spaced (depth is
 * 1, 2, 3), so a linear index is the natural log scale, and the order of
 * the choices is kept, which a categorical encoding would throw away.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { Rng } from "../src/random.js";
import { ContinuousParameter, IntegerParameter, type ParameterRange } from "../src/space/index.js";
import { TEST_FUNCTIONS } from "./functions.js";
import { loadPlateauTable, PLATEAU_TABLES } from "./plateau-tables.js";

export const TABLE_DATASETS = [
  "australian",
  "blood_transfusion",
  "car",
  "credit_g",
  "kc1",
  "phoneme",
  "segment",
  "vehicle",
] as const;

/** Number of choices of each table parameter, in key order. */
export const TABLE_CHOICES = { alpha: 10, batch_size: 10, depth: 3, learning_rate_init: 10, width: 10 } as const;

export interface Problem {
  readonly name: string;
  readonly kind: "synthetic" | "table" | "plateau";
  readonly objective: "Minimize" | "Maximize";
  readonly ranges: () => Record<string, ParameterRange>;
  /** One evaluation; tables draw one of the five seeds' accuracies with `rng`, as the original benchmark does. */
  readonly evaluate: (hp: Record<string, number>, rng: Rng) => number;
  /**
   * Regret of a finished run: for functions, best observed value minus the
   * known minimum; for tables, best mean-over-seeds accuracy minus the
   * mean-over-seeds accuracy of the configuration with the best observed value.
   */
  readonly regret: (trials: readonly { hp: Record<string, number>; value: number }[]) => number;
  /** Plateau problems: the regret of the table's largest plateau; a run with at least this regret never left it. */
  readonly plateauRegret?: () => number;
}

export function dataDir(): string {
  return process.env.TUNEKIT_DATA ?? new URL("../../shared/data", import.meta.url).pathname;
}

function syntheticProblems(): Problem[] {
  return TEST_FUNCTIONS.map((fn) => ({
    name: fn.name,
    kind: "synthetic" as const,
    objective: "Minimize" as const,
    ranges: () =>
      Object.fromEntries(fn.bounds.map(([lo, hi], i) => [`x${i}`, new ContinuousParameter(lo, hi, "Linear")])),
    evaluate: (hp) => fn.f(fn.bounds.map((_, i) => hp[`x${i}`] as number)),
    regret: (trials) => Math.min(...trials.map((t) => t.value)) - fn.minimum,
  }));
}

const tableKey = (hp: Record<string, number>) =>
  Object.keys(TABLE_CHOICES)
    .map((name) => hp[name])
    .join("");

function tableProblem(dataset: string): Problem {
  let table: Record<string, number[]> | undefined;
  let means: Map<string, number> | undefined;
  let bestMean = Number.NEGATIVE_INFINITY;
  const load = () => {
    if (!table) {
      const path = `${dataDir()}/hpo-tabular/hpobench_${dataset}.json.gz`;
      table = JSON.parse(gunzipSync(readFileSync(path)).toString("utf8")) as Record<string, number[]>;
      means = new Map(Object.entries(table).map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length]));
      for (const m of means.values()) bestMean = Math.max(bestMean, m);
    }
    return { table, means: means as Map<string, number> };
  };
  return {
    name: `hpobench-${dataset}`,
    kind: "table",
    objective: "Maximize",
    ranges: () =>
      Object.fromEntries(
        Object.entries(TABLE_CHOICES).map(([name, k]) => [name, new IntegerParameter(0, k - 1, "Linear")]),
      ),
    evaluate: (hp, rng) => {
      const seeds = load().table[tableKey(hp)];
      if (!seeds) throw new Error(`hpobench ${dataset}: no entry for ${tableKey(hp)}`);
      return seeds[rng.int(seeds.length)] as number;
    },
    regret: (trials) => {
      let chosen = trials[0];
      for (const t of trials) if (chosen === undefined || t.value > chosen.value) chosen = t;
      return bestMean - (load().means.get(tableKey(chosen?.hp ?? {})) as number);
    },
  };
}

/**
 * A tree model's tabulated accuracy (bench/plateau-tables.ts): deterministic, maximised, with integer, continuous
 * and categorical ranges; regret is the table's best accuracy minus the best found.
 */
function plateauProblem(name: string): Problem {
  let table: ReturnType<typeof loadPlateauTable> | undefined;
  const load = () => {
    table ??= loadPlateauTable(name);
    return table;
  };
  return {
    name: `plateau-${name}`,
    kind: "plateau",
    objective: "Maximize",
    ranges: () => load().ranges(),
    evaluate: (hp) => load().value(hp),
    regret: (trials) => load().best - Math.max(...trials.map((t) => t.value)),
    plateauRegret: () => load().best - load().largestPlateau,
  };
}

export const PROBLEMS: readonly Problem[] = [
  ...syntheticProblems(),
  ...TABLE_DATASETS.map(tableProblem),
  ...PLATEAU_TABLES.map(plateauProblem),
];
