import { describeValue, ValidationError } from "../errors.js";

/**
 * The rules a range can break. Each is a stable code, so a caller can tell
 * "reversed bounds" from "log scale on a non-positive bound" without parsing
 * the message.
 */
export const RangeRule = {
  type: "E_RANGE_TYPE",
  notFinite: "E_RANGE_NOT_FINITE",
  reversed: "E_RANGE_REVERSED",
  notInteger: "E_RANGE_NOT_INTEGER",
  scaling: "E_RANGE_SCALING",
  logNonPositive: "E_RANGE_LOG_NONPOSITIVE",
  reverseLogBounds: "E_RANGE_REVERSE_LOG_BOUNDS",
  reverseLogInteger: "E_RANGE_REVERSE_LOG_INTEGER",
  categoricalCount: "E_RANGE_CATEGORICAL_COUNT",
  categoricalDuplicate: "E_RANGE_CATEGORICAL_DUPLICATE",
  categoricalValue: "E_RANGE_CATEGORICAL_VALUE",
  name: "E_SPACE_NAME",
  duplicateName: "E_SPACE_DUPLICATE_NAME",
  tooMany: "E_SPACE_TOO_MANY",
  empty: "E_SPACE_EMPTY",
  valueOutOfRange: "E_VALUE_OUT_OF_RANGE",
} as const;

export type RangeRuleCode = (typeof RangeRule)[keyof typeof RangeRule];

/** A parameter range that breaks a rule: names the parameter, the rule and the value. */
export class InvalidRangeError extends ValidationError {
  readonly parameter: string;
  readonly value: unknown;

  constructor(parameter: string, code: RangeRuleCode, rule: string, value: unknown, field = parameter) {
    super(field, `${rule} (parameter "${parameter}", got ${describeValue(value)})`, code);
    this.parameter = parameter;
    this.value = value;
  }
}
