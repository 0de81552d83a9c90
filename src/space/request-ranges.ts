import { describeValue } from "../errors.js";
import { InvalidRangeError, RangeRule, type RangeRuleCode } from "./errors.js";
import { CategoricalParameter, ContinuousParameter, IntegerParameter, type ParameterRange } from "./parameter.js";
import { SCALING_TYPES, type ScalingType } from "./scaling.js";
import { SearchSpace } from "./search-space.js";

/** The ranges as a CreateHyperParameterTuningJob request carries them: numbers as strings. */
export interface NumericRangeRequest {
  Name: string;
  MinValue: string;
  MaxValue: string;
  ScalingType?: ScalingType;
}
export interface CategoricalRangeRequest {
  Name: string;
  Values: string[];
}
export interface ParameterRangesRequest {
  IntegerParameterRanges?: NumericRangeRequest[];
  ContinuousParameterRanges?: NumericRangeRequest[];
  CategoricalParameterRanges?: CategoricalRangeRequest[];
}

const DECIMAL = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
const INTEGER = /^\s*[+-]?\d+\s*$/;

function fail(
  path: string,
  parameter: string,
  code: (typeof RangeRule)[keyof typeof RangeRule],
  rule: string,
  value: unknown,
): never {
  throw new InvalidRangeError(parameter, code, rule, value, path);
}

function parseNumber(path: string, parameter: string, text: unknown, integer: boolean): number {
  if (typeof text !== "string") fail(path, parameter, RangeRule.type, "must be a string holding a number", text);
  if (!(integer ? INTEGER : DECIMAL).test(text)) {
    fail(
      path,
      parameter,
      integer ? RangeRule.notInteger : RangeRule.type,
      `must be ${integer ? "an integer" : "a decimal number"}`,
      text,
    );
  }
  const value = Number(text);
  if (!Number.isFinite(value)) fail(path, parameter, RangeRule.notFinite, "must be finite", text);
  return value;
}

function list<T>(request: Record<string, unknown>, key: string): T[] {
  const value = request[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(`ParameterRanges.${key}`, key, RangeRule.type, "must be a list", value);
  return value as T[];
}

function parseNumeric(path: string, item: unknown, integer: boolean): [string, ParameterRange] {
  if (typeof item !== "object" || item === null) fail(path, path, RangeRule.type, "must be an object", item);
  const { Name, MinValue, MaxValue, ScalingType: scaling = "Auto" } = item as Record<string, unknown>;
  if (typeof Name !== "string") fail(`${path}.Name`, path, RangeRule.name, "Name must be a string", Name);
  const min = parseNumber(`${path}.MinValue`, Name, MinValue, integer);
  const max = parseNumber(`${path}.MaxValue`, Name, MaxValue, integer);
  if (!SCALING_TYPES.includes(scaling as ScalingType)) {
    fail(
      `${path}.ScalingType`,
      Name,
      RangeRule.scaling,
      `ScalingType must be one of ${SCALING_TYPES.join(", ")}`,
      scaling,
    );
  }
  const Range = integer ? IntegerParameter : ContinuousParameter;
  return [Name, new Range(min, max, scaling as ScalingType)];
}

function parseCategorical(path: string, item: unknown): [string, ParameterRange] {
  if (typeof item !== "object" || item === null) fail(path, path, RangeRule.type, "must be an object", item);
  const { Name, Values } = item as Record<string, unknown>;
  if (typeof Name !== "string") fail(`${path}.Name`, path, RangeRule.name, "Name must be a string", Name);
  if (!Array.isArray(Values))
    fail(`${path}.Values`, Name, RangeRule.categoricalCount, "Values must be a list of strings", Values);
  Values.forEach((v, i) => {
    if (typeof v !== "string") fail(`${path}.Values[${i}]`, Name, RangeRule.categoricalValue, "must be a string", v);
  });
  return [Name, new CategoricalParameter(Values as string[])];
}

/**
 * Parses the `ParameterRanges` of a SageMaker request into a SearchSpace.
 * Integer ranges come first, then continuous, then categorical, each in the
 * order listed. Error fields are paths into the request
 * (`ParameterRanges.ContinuousParameterRanges[0].MinValue`).
 */
export function parseParameterRanges(request: unknown): SearchSpace {
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    fail("ParameterRanges", "ParameterRanges", RangeRule.type, "must be an object", request);
  }
  const req = request as Record<string, unknown>;
  const known = ["IntegerParameterRanges", "ContinuousParameterRanges", "CategoricalParameterRanges", "AutoParameters"];
  for (const key of Object.keys(req)) {
    if (!known.includes(key))
      fail(
        `ParameterRanges.${key}`,
        key,
        RangeRule.name,
        `unknown field; expected one of ${known.slice(0, 3).join(", ")}`,
        describeValue(req[key]),
      );
  }
  const paths = new Map<string, string>();
  const at = (path: string, entry: [string, ParameterRange]): [string, ParameterRange] => {
    paths.set(entry[0], path);
    return entry;
  };
  const entries: [string, ParameterRange][] = [
    ...list<unknown>(req, "IntegerParameterRanges").map((item, i) => {
      const path = `ParameterRanges.IntegerParameterRanges[${i}]`;
      return at(path, parseNumeric(path, item, true));
    }),
    ...list<unknown>(req, "ContinuousParameterRanges").map((item, i) => {
      const path = `ParameterRanges.ContinuousParameterRanges[${i}]`;
      return at(path, parseNumeric(path, item, false));
    }),
    ...list<unknown>(req, "CategoricalParameterRanges").map((item, i) => {
      const path = `ParameterRanges.CategoricalParameterRanges[${i}]`;
      return at(path, parseCategorical(path, item));
    }),
  ];
  const seen = new Set<string>();
  for (const [name] of entries) {
    if (seen.has(name))
      fail("ParameterRanges", name, RangeRule.duplicateName, "each range needs a distinct Name", name);
    seen.add(name);
  }
  try {
    return new SearchSpace(Object.fromEntries(entries));
  } catch (error) {
    // A range's own rules (min <= max, log needs min > 0) name the parameter; here the request path says more.
    const path = error instanceof InvalidRangeError ? paths.get(error.parameter) : undefined;
    if (error instanceof InvalidRangeError && path && error.field === error.parameter) {
      const rule = error.message.slice(`${error.field}: `.length).replace(/ \(parameter .*$/s, "");
      throw new InvalidRangeError(error.parameter, error.code as RangeRuleCode, rule, error.value, path);
    }
    throw error;
  }
}

function formatNumber(value: number): string {
  return String(value);
}

/** The request form of a space, as SageMaker would receive it. */
export function toParameterRanges(space: SearchSpace): ParameterRangesRequest {
  const out: Required<ParameterRangesRequest> = {
    IntegerParameterRanges: [],
    ContinuousParameterRanges: [],
    CategoricalParameterRanges: [],
  };
  for (const [name, range] of space.ranges()) {
    const spec = range.spec();
    if (spec.kind === "Categorical") {
      out.CategoricalParameterRanges.push({ Name: name, Values: spec.values.map(String) });
    } else {
      const item = {
        Name: name,
        MinValue: formatNumber(spec.min),
        MaxValue: formatNumber(spec.max),
        ScalingType: spec.scaling,
      };
      (spec.kind === "Integer" ? out.IntegerParameterRanges : out.ContinuousParameterRanges).push(item);
    }
  }
  return out;
}
