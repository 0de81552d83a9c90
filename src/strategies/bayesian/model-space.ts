import type { Hyperparameters, SearchSpace } from "../../space/index.js";
import { CategoricalParameter } from "../../space/index.js";
import type { ModelDimension } from "./gp/acquisition-optimizer.js";
import type { CategoricalMask } from "./gp/kernel.js";

/**
 * The GP's input space. Continuous ranges use their unit-cube coordinate
 * (already on the range's log or linear scale); integer ranges use the
 * centre of the integer's slice, so each integer is one point; categorical
 * ranges use the index of the value, compared by the kernel's Hamming term
 * rather than as a rounded number.
 */
export class ModelSpace {
  readonly dimensions: readonly ModelDimension[];
  readonly categorical: CategoricalMask;

  constructor(private readonly space: SearchSpace) {
    this.dimensions = space.ranges().map(([name, range]): ModelDimension => {
      if (range instanceof CategoricalParameter) return { kind: "categorical", size: range.values.length };
      if (range.kind === "Integer") return { kind: "integer", snap: (u) => range.encode(range.decode(u), name) };
      return { kind: "continuous" };
    });
    this.categorical = Uint8Array.from(this.dimensions, (dim) => (dim.kind === "categorical" ? 1 : 0));
  }

  get dimension(): number {
    return this.dimensions.length;
  }

  toModel(hyperparameters: Hyperparameters): Float64Array {
    return Float64Array.from(this.space.ranges(), ([name, range]) => {
      const value = hyperparameters[name];
      if (value === undefined) throw new RangeError(`hyperparameter ${name} is missing`);
      return range instanceof CategoricalParameter ? range.indexOf(value, name) : range.encode(value, name);
    });
  }

  toHyperparameters(point: ArrayLike<number>): Hyperparameters {
    const out: Hyperparameters = {};
    this.space.ranges().forEach(([name, range], j) => {
      const x = point[j] as number;
      out[name] =
        range instanceof CategoricalParameter
          ? (range.values[Math.min(range.values.length - 1, Math.max(0, Math.round(x)))] as Hyperparameters[string])
          : range.decode(Math.min(1, Math.max(0, x)));
    });
    return out;
  }

  /** The identity of the configuration a point decodes to, for spotting repeats. */
  key(point: ArrayLike<number>): string {
    const hyperparameters = this.toHyperparameters(point);
    return JSON.stringify(this.space.names.map((name) => hyperparameters[name]));
  }
}
