import { InvalidRangeError, RangeRule } from "./errors.js";
import {
  CategoricalParameter,
  ContinuousParameter,
  type Hyperparameters,
  IntegerParameter,
  type ParameterRange,
  type RangeSpec,
  rangeFromSpec,
} from "./parameter.js";

/** SageMaker's limit on the number of ranges in one tuning job. */
export const MAX_RANGES = 30;
export const MAX_NAME_LENGTH = 256;

function isRange(value: unknown): value is ParameterRange {
  return (
    value instanceof ContinuousParameter || value instanceof IntegerParameter || value instanceof CategoricalParameter
  );
}

/**
 * A validated, ordered set of named ranges: the one place that knows how a
 * point of the unit cube [0, 1)^d maps to hyperparameters and back.
 * Coordinates follow the order in which the ranges were given.
 */
export class SearchSpace {
  readonly names: readonly string[];
  private readonly byName: ReadonlyMap<string, ParameterRange>;

  constructor(ranges: Record<string, ParameterRange>) {
    if (typeof ranges !== "object" || ranges === null || Array.isArray(ranges)) {
      throw new InvalidRangeError(
        "ranges",
        RangeRule.type,
        "ranges must be an object of named ranges",
        ranges,
        "ranges",
      );
    }
    const entries = Object.entries(ranges);
    if (entries.length === 0) {
      throw new InvalidRangeError("ranges", RangeRule.empty, "at least one range is needed", ranges, "ranges");
    }
    if (entries.length > MAX_RANGES) {
      throw new InvalidRangeError(
        "ranges",
        RangeRule.tooMany,
        `at most ${MAX_RANGES} ranges are allowed`,
        `${entries.length} ranges`,
        "ranges",
      );
    }
    for (const [name, range] of entries) {
      if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
        throw new InvalidRangeError(
          name,
          RangeRule.name,
          `names must be 1 to ${MAX_NAME_LENGTH} characters`,
          name,
          "ranges",
        );
      }
      if (!isRange(range)) {
        throw new InvalidRangeError(
          name,
          RangeRule.type,
          "must be a ContinuousParameter, IntegerParameter or CategoricalParameter",
          range,
        );
      }
      range.validate(name);
    }
    this.names = entries.map(([name]) => name);
    this.byName = new Map(entries);
  }

  get dimension(): number {
    return this.names.length;
  }

  range(name: string): ParameterRange {
    const range = this.byName.get(name);
    if (!range) throw new InvalidRangeError(name, RangeRule.name, "no range has this name", name);
    return range;
  }

  ranges(): [string, ParameterRange][] {
    return this.names.map((name) => [name, this.range(name)]);
  }

  /** A point of the unit cube → hyperparameters. */
  decode(point: ArrayLike<number>): Hyperparameters {
    if (point.length !== this.dimension) {
      throw new RangeError(`point has ${point.length} coordinates, the space has ${this.dimension}`);
    }
    const out: Hyperparameters = {};
    this.names.forEach((name, i) => {
      out[name] = this.range(name).decode(point[i] as number);
    });
    return out;
  }

  /** Hyperparameters → a point of the unit cube; every name must be present and in range. */
  encode(hyperparameters: Hyperparameters): Float64Array {
    for (const key of Object.keys(hyperparameters)) {
      if (!this.byName.has(key)) {
        throw new InvalidRangeError(key, RangeRule.name, "no range has this name", hyperparameters[key]);
      }
    }
    return Float64Array.from(this.names, (name) => {
      const value = hyperparameters[name];
      if (value === undefined) {
        throw new InvalidRangeError(name, RangeRule.valueOutOfRange, "a value is required", value);
      }
      return this.range(name).encode(value, name);
    });
  }

  /** Number of distinct configurations; Infinity when any range is continuous. */
  size(): number {
    return this.names.reduce((n, name) => n * this.range(name).cardinality(), 1);
  }

  specs(): Record<string, RangeSpec> {
    return Object.fromEntries(this.names.map((name) => [name, this.range(name).spec()]));
  }

  static fromSpecs(specs: Record<string, RangeSpec>): SearchSpace {
    return new SearchSpace(
      Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, rangeFromSpec(spec)])),
    );
  }
}
