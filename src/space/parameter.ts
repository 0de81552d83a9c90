import { InvalidRangeError, RangeRule } from "./errors.js";
import { fromUnit, type ResolvedScaling, resolveAuto, SCALING_TYPES, type ScalingType, toUnit } from "./scaling.js";

export type HyperparameterValue = number | string | boolean;
export type Hyperparameters = Record<string, HyperparameterValue>;

/** SageMaker's limits on categorical ranges. */
export const MAX_CATEGORICAL_VALUES = 30;
export const MAX_CATEGORICAL_VALUE_LENGTH = 256;

/** The serialisable description of a range, stored with a tuning job. */
export type RangeSpec =
  | { kind: "Continuous" | "Integer"; min: number; max: number; scaling: ScalingType }
  | { kind: "Categorical"; values: HyperparameterValue[] };

/**
 * One tunable parameter. A range maps a coordinate of the unit interval to a
 * value (decode) and back (encode); strategies only ever see coordinates.
 * Constructors record what they are given; `validate(name)` checks it, so the
 * error can name the parameter (ranges are named by the key they sit under).
 */
export interface ParameterRange {
  readonly kind: "Continuous" | "Integer" | "Categorical";
  validate(name: string): void;
  decode(u: number): HyperparameterValue;
  encode(value: HyperparameterValue, name: string): number;
  /** Number of distinct values; Infinity for continuous ranges. */
  cardinality(): number;
  spec(): RangeSpec;
}

function checkBound(name: string, field: "min" | "max", value: unknown): asserts value is number {
  if (typeof value !== "number") {
    throw new InvalidRangeError(name, RangeRule.type, `${field} must be a number`, value, `${name}.${field}`);
  }
  if (!Number.isFinite(value)) {
    throw new InvalidRangeError(name, RangeRule.notFinite, `${field} must be finite`, value, `${name}.${field}`);
  }
}

function checkScaling(name: string, scaling: unknown): asserts scaling is ScalingType {
  if (!SCALING_TYPES.includes(scaling as ScalingType)) {
    throw new InvalidRangeError(
      name,
      RangeRule.scaling,
      `scaling must be one of ${SCALING_TYPES.join(", ")}`,
      scaling,
      `${name}.scaling`,
    );
  }
}

function checkNumericRange(name: string, min: unknown, max: unknown, scaling: unknown): void {
  checkBound(name, "min", min);
  checkBound(name, "max", max);
  checkScaling(name, scaling);
  if (min > max) {
    throw new InvalidRangeError(name, RangeRule.reversed, "min <= max must hold", { min, max });
  }
  if (scaling === "Logarithmic" && min <= 0) {
    throw new InvalidRangeError(name, RangeRule.logNonPositive, "Logarithmic scaling needs min > 0", { min, max });
  }
}

abstract class NumericParameter {
  constructor(
    readonly min: number,
    readonly max: number,
    readonly scaling: ScalingType = "Auto",
  ) {}

  get resolvedScaling(): ResolvedScaling {
    return this.scaling === "Auto" ? resolveAuto(this.min, this.max) : this.scaling;
  }

  protected checkValue(value: HyperparameterValue, name: string): number {
    const n = typeof value === "string" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n) || n < this.min || n > this.max) {
      throw new InvalidRangeError(
        name,
        RangeRule.valueOutOfRange,
        `value must be a number in [${this.min}, ${this.max}]`,
        value,
      );
    }
    return n;
  }
}

/** A real-valued range, `ContinuousParameter(min, max, scaling = "Auto")` as in the SageMaker SDK. */
export class ContinuousParameter extends NumericParameter implements ParameterRange {
  readonly kind = "Continuous" as const;

  validate(name: string): void {
    checkNumericRange(name, this.min, this.max, this.scaling);
    if (this.scaling === "ReverseLogarithmic" && !(this.min >= 0 && this.max < 1)) {
      throw new InvalidRangeError(
        name,
        RangeRule.reverseLogBounds,
        "ReverseLogarithmic scaling needs 0 <= min and max < 1",
        { min: this.min, max: this.max },
      );
    }
  }

  decode(u: number): number {
    return fromUnit(this.resolvedScaling, this.min, this.max, u);
  }

  encode(value: HyperparameterValue, name: string): number {
    return toUnit(this.resolvedScaling, this.min, this.max, this.checkValue(value, name));
  }

  cardinality(): number {
    return this.min === this.max ? 1 : Number.POSITIVE_INFINITY;
  }

  spec(): RangeSpec {
    return { kind: this.kind, min: this.min, max: this.max, scaling: this.scaling };
  }
}

/**
 * An integer range. Each integer owns an equal slice of the unit interval
 * (on the chosen scale), so every integer in [min, max] is reachable and,
 * on a linear scale, equally likely under uniform sampling.
 */
export class IntegerParameter extends NumericParameter implements ParameterRange {
  readonly kind = "Integer" as const;

  validate(name: string): void {
    checkNumericRange(name, this.min, this.max, this.scaling);
    for (const [field, bound] of [
      ["min", this.min],
      ["max", this.max],
    ] as const) {
      if (!Number.isSafeInteger(bound)) {
        throw new InvalidRangeError(
          name,
          RangeRule.notInteger,
          `${field} must be an integer`,
          bound,
          `${name}.${field}`,
        );
      }
    }
    if (this.scaling === "ReverseLogarithmic") {
      throw new InvalidRangeError(
        name,
        RangeRule.reverseLogInteger,
        "ReverseLogarithmic scaling is for continuous ranges only",
        this.scaling,
        `${name}.scaling`,
      );
    }
  }

  decode(u: number): number {
    if (this.resolvedScaling === "Linear") {
      return Math.min(this.max, this.min + Math.floor(u * (this.max - this.min + 1)));
    }
    const v = Math.round(fromUnit(this.resolvedScaling, this.min - 0.5, this.max + 0.5, u));
    return Math.min(this.max, Math.max(this.min, v));
  }

  /** The centre of the integer's slice, so decode(encode(v)) === v. */
  encode(value: HyperparameterValue, name: string): number {
    const v = this.checkValue(value, name);
    if (!Number.isInteger(v)) {
      throw new InvalidRangeError(name, RangeRule.valueOutOfRange, "value must be an integer", value);
    }
    const lo = this.min - 0.5;
    const hi = this.max + 0.5;
    const s = this.resolvedScaling;
    return (toUnit(s, lo, hi, v - 0.5) + toUnit(s, lo, hi, v + 0.5)) / 2;
  }

  cardinality(): number {
    return this.max - this.min + 1;
  }

  spec(): RangeSpec {
    return { kind: this.kind, min: this.min, max: this.max, scaling: this.scaling };
  }
}

/** An unordered choice among 1 to 30 distinct values. */
export class CategoricalParameter implements ParameterRange {
  readonly kind = "Categorical" as const;
  readonly values: readonly HyperparameterValue[];

  constructor(values: readonly HyperparameterValue[]) {
    this.values = Array.isArray(values) ? [...values] : (values as unknown as HyperparameterValue[]);
  }

  validate(name: string): void {
    const values: unknown = this.values;
    if (!Array.isArray(values) || values.length < 1 || values.length > MAX_CATEGORICAL_VALUES) {
      throw new InvalidRangeError(
        name,
        RangeRule.categoricalCount,
        `values must be a list of 1 to ${MAX_CATEGORICAL_VALUES} values`,
        Array.isArray(values) ? `${values.length} values` : values,
        `${name}.values`,
      );
    }
    const seen = new Set<string>();
    values.forEach((v: unknown, i: number) => {
      const ok = typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
      if (!ok) {
        throw new InvalidRangeError(
          name,
          RangeRule.categoricalValue,
          "each value must be a string, a finite number or a boolean",
          v,
          `${name}.values[${i}]`,
        );
      }
      const text = String(v);
      if (text.length > MAX_CATEGORICAL_VALUE_LENGTH) {
        throw new InvalidRangeError(
          name,
          RangeRule.categoricalValue,
          `each value must be at most ${MAX_CATEGORICAL_VALUE_LENGTH} characters`,
          v,
          `${name}.values[${i}]`,
        );
      }
      // SageMaker passes every value as a string, so 1 and "1" would be the same value.
      if (seen.has(text)) {
        throw new InvalidRangeError(
          name,
          RangeRule.categoricalDuplicate,
          "values must be distinct",
          v,
          `${name}.values[${i}]`,
        );
      }
      seen.add(text);
    });
  }

  decode(u: number): HyperparameterValue {
    const k = this.values.length;
    return this.values[Math.min(k - 1, Math.floor(u * k))] as HyperparameterValue;
  }

  /** Index of the value, exact match first, then by its string form (request values are strings). */
  indexOf(value: HyperparameterValue, name: string): number {
    let i = this.values.indexOf(value);
    if (i < 0) i = this.values.findIndex((v) => String(v) === String(value));
    if (i < 0) {
      throw new InvalidRangeError(
        name,
        RangeRule.valueOutOfRange,
        `value must be one of ${this.values.map((v) => JSON.stringify(v)).join(", ")}`,
        value,
      );
    }
    return i;
  }

  encode(value: HyperparameterValue, name: string): number {
    return (this.indexOf(value, name) + 0.5) / this.values.length;
  }

  cardinality(): number {
    return this.values.length;
  }

  spec(): RangeSpec {
    return { kind: this.kind, values: [...this.values] };
  }
}

/** Rebuilds a range from its stored description. */
export function rangeFromSpec(spec: RangeSpec): ParameterRange {
  switch (spec.kind) {
    case "Continuous":
      return new ContinuousParameter(spec.min, spec.max, spec.scaling);
    case "Integer":
      return new IntegerParameter(spec.min, spec.max, spec.scaling);
    case "Categorical":
      return new CategoricalParameter(spec.values);
  }
}
