import { readFileSync } from "node:fs";
import { AwsError, type ConstraintViolation, validationException } from "./aws-error.js";

/**
 * Checks a request against the input shapes of botocore's SageMaker model (input-shapes.json, written by
 * scripts/sagemaker-model.py): required members, lengths, ranges, enums and patterns, every violation named
 * by its camelCase path as AWS names it. A member of the wrong JSON type is a SerializationException, as AWS
 * answers it; members the model does not know are dropped, as AWS ignores them.
 */

interface Shape {
  readonly type: string;
  readonly required?: readonly string[];
  readonly members?: Readonly<Record<string, string>>;
  readonly member?: string;
  readonly key?: string;
  readonly value?: string;
  readonly min?: number;
  readonly max?: number;
  readonly enum?: readonly string[];
  readonly pattern?: string;
}

interface InputModel {
  readonly botocore: string;
  readonly operations: Readonly<Record<string, string>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}

const model = JSON.parse(readFileSync(new URL("./input-shapes.json", import.meta.url), "utf8")) as InputModel;

/** The operations whose inputs the model holds: the SageMaker operations tunekit serves. */
export const MODELED_OPERATIONS: ReadonlySet<string> = new Set(Object.keys(model.operations));

const patterns = new Map<string, RegExp | null>();

/** Java's patterns as JavaScript ones, matched against the whole value; one JavaScript cannot read is skipped. */
function compiled(pattern: string): RegExp | null {
  let regex = patterns.get(pattern);
  if (regex !== undefined) return regex;
  regex = null;
  for (const flags of ["u", ""]) {
    try {
      regex = new RegExp(`^(?:${pattern})$`, flags);
      break;
    } catch {
      // try the next reading
    }
  }
  patterns.set(pattern, regex);
  return regex;
}

const camel = (name: string) => name[0]?.toLowerCase() + name.slice(1);
const join = (path: string, part: string) => (path ? `${path}.${part}` : part);

function typeError(path: string, expected: string): AwsError {
  return new AwsError("SerializationException", `${path || "request"}: expected ${expected}`);
}

function check(shapeName: string, value: unknown, path: string, out: ConstraintViolation[]): unknown {
  const shape = model.shapes[shapeName] as Shape;
  const fail = (constraint: string) => out.push({ path, value, constraint });
  switch (shape.type) {
    case "structure": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw typeError(path, "an object");
      const kept: Record<string, unknown> = {};
      for (const [name, memberShape] of Object.entries(shape.members ?? {})) {
        const member = (value as Record<string, unknown>)[name];
        if (member === undefined || member === null) {
          if (shape.required?.includes(name)) {
            out.push({ path: join(path, camel(name)), value: null, constraint: "Member must not be null" });
          }
          continue;
        }
        kept[name] = check(memberShape, member, join(path, camel(name)), out);
      }
      return kept;
    }
    case "list": {
      if (!Array.isArray(value)) throw typeError(path, "a list");
      if (shape.min !== undefined && value.length < shape.min)
        fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max)
        fail(`Member must have length less than or equal to ${shape.max}`);
      return value.map((item, i) => check(shape.member as string, item, `${path}.${i + 1}.member`, out));
    }
    case "map": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw typeError(path, "a map");
      const entries = Object.entries(value as Record<string, unknown>);
      if (shape.min !== undefined && entries.length < shape.min)
        fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && entries.length > shape.max)
        fail(`Member must have length less than or equal to ${shape.max}`);
      return Object.fromEntries(
        entries.map(([k, v]) => {
          check(shape.key as string, k, path, out);
          return [k, check(shape.value as string, v, path, out)];
        }),
      );
    }
    case "string": {
      if (typeof value !== "string") throw typeError(path, "a string");
      if (shape.min !== undefined && value.length < shape.min)
        fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max)
        fail(`Member must have length less than or equal to ${shape.max}`);
      if (shape.enum && !shape.enum.includes(value))
        fail(`Member must satisfy enum value set: [${shape.enum.join(", ")}]`);
      const regex = shape.pattern ? compiled(shape.pattern) : null;
      if (regex && !regex.test(value)) fail(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      return value;
    }
    case "integer":
    case "long":
    case "float":
    case "double": {
      if (typeof value !== "number" || !Number.isFinite(value)) throw typeError(path, "a number");
      if ((shape.type === "integer" || shape.type === "long") && !Number.isInteger(value))
        throw typeError(path, "an integer");
      if (shape.min !== undefined && value < shape.min)
        fail(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max)
        fail(`Member must have value less than or equal to ${shape.max}`);
      return value;
    }
    case "boolean":
      if (typeof value !== "boolean") throw typeError(path, "a boolean");
      return value;
    case "timestamp":
      // JSON 1.1 sends epoch seconds; an ISO 8601 string is read too.
      if (typeof value === "number" && Number.isFinite(value)) return value;
      if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return Date.parse(value) / 1000;
      throw typeError(path, "a timestamp (epoch seconds)");
    default:
      return value;
  }
}

/**
 * The request of `operation` with unknown members dropped and timestamps as epoch seconds, or a
 * ValidationException listing every broken constraint.
 */
export function checkInput(operation: string, input: unknown): Record<string, unknown> {
  const shape = model.operations[operation];
  if (!shape) throw new AwsError("UnknownOperationException", `unknown operation ${operation}`);
  const violations: ConstraintViolation[] = [];
  const kept = check(shape, input ?? {}, "", violations) as Record<string, unknown>;
  if (violations.length > 0) throw validationException(violations);
  return kept;
}
