/**
 * bench:bayesian's plateau problems: tree models whose cross-validated accuracy was tabulated over a grid by
 * bench/plateau/make_tables.py (scikit-learn, datasets that ship with it). Each continuous range is cut into
 * equal cells and a value scores as its cell does, so the objective is piecewise constant, as a tree model's is
 * (fractional min_samples_* become whole sample counts): much of the space scores exactly the same.
 * bench/optuna_bayesian_peer.py reads the same files with the same cell rule.
 */
import { readFileSync } from "node:fs";
import {
  CategoricalParameter,
  ContinuousParameter,
  IntegerParameter,
  type ParameterRange,
} from "../src/space/index.js";

export const PLATEAU_TABLES = ["tree-breast-cancer"] as const;

type RangeSpec =
  | readonly ["integer", number, number]
  | readonly ["continuous", number, number, number]
  | readonly ["categorical", readonly string[]];

interface TableFile {
  readonly ranges: Record<string, RangeSpec>;
  readonly values: readonly number[];
}

export interface PlateauTable {
  readonly ranges: () => Record<string, ParameterRange>;
  /** The tabulated accuracy of the cell a configuration falls in. */
  readonly value: (hp: Record<string, number | string>) => number;
  readonly best: number;
  /** The value most cells share: the table's largest plateau. */
  readonly largestPlateau: number;
}

/** The index of `value` along one range: its integer, its cell, or its category. */
function axisIndex(spec: RangeSpec, value: number | string): number {
  if (spec[0] === "integer") return (value as number) - spec[1];
  if (spec[0] === "categorical") return spec[1].indexOf(value as string);
  const [, low, high, cells] = spec;
  return Math.min(cells - 1, Math.max(0, Math.floor((((value as number) - low) / (high - low)) * cells)));
}

function axisSize(spec: RangeSpec): number {
  if (spec[0] === "integer") return spec[2] - spec[1] + 1;
  if (spec[0] === "categorical") return spec[1].length;
  return spec[3];
}

export function loadPlateauTable(name: string): PlateauTable {
  const file = JSON.parse(readFileSync(new URL(`./plateau/${name}.json`, import.meta.url), "utf8")) as TableFile;
  const specs = Object.entries(file.ranges);
  return {
    ranges: () =>
      Object.fromEntries(
        specs.map(([key, spec]) => {
          if (spec[0] === "integer") return [key, new IntegerParameter(spec[1], spec[2], "Linear")];
          if (spec[0] === "categorical") return [key, new CategoricalParameter(spec[1])];
          return [key, new ContinuousParameter(spec[1], spec[2], "Linear")];
        }),
      ),
    value: (hp) => {
      let index = 0;
      for (const [key, spec] of specs) {
        const i = axisIndex(spec, hp[key] as number | string);
        if (!(i >= 0 && i < axisSize(spec))) throw new Error(`plateau table ${name}: ${key}=${hp[key]} is outside it`);
        index = index * axisSize(spec) + i;
      }
      return file.values[index] as number;
    },
    best: Math.max(...file.values),
    largestPlateau: mostCommon(file.values),
  };
}

function mostCommon(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let mode = values[0] as number;
  for (const [v, c] of counts) if (c > (counts.get(mode) as number)) mode = v;
  return mode;
}
