import { reportOf } from "../../error-codes.js";
import { TunekitError } from "../../errors.js";

/**
 * An error as AWS's JSON protocols answer it: an exception name (`__type`, and the `x-amzn-ErrorType` header),
 * a message, and an HTTP status (400 for everything the client got wrong, 5xx for the server's own trouble).
 */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: 400 | 403 | 404 | 500 | 503 = 400,
  ) {
    super(message);
    this.name = type;
  }
}

/** AWS's words for one broken constraint, as Coral-based services write them. */
export interface ConstraintViolation {
  /** The member's path in camelCase, list entries 1-based: `tags.1.member.key`. */
  readonly path: string;
  readonly value: unknown;
  readonly constraint: string;
}

function renderValue(value: unknown): string {
  if (value === undefined || value === null) return "null";
  if (typeof value === "string") return `'${value}'`;
  if (typeof value === "number" || typeof value === "boolean") return `'${value}'`;
  return `'${JSON.stringify(value)}'`;
}

/** "1 validation error detected: Value '0' at 'resourceLimits.maxParallelTrainingJobs' failed to satisfy ..." */
export function validationException(violations: readonly ConstraintViolation[]): AwsError {
  const count = violations.length;
  const parts = violations.map(
    (v) => `Value ${renderValue(v.value)} at '${v.path}' failed to satisfy constraint: ${v.constraint}`,
  );
  return new AwsError(
    "ValidationException",
    `${count} validation error${count === 1 ? "" : "s"} detected: ${parts.join("; ")}`,
  );
}

/**
 * A tunekit field path (`HyperParameterTuningJobConfig.ParameterRanges.IntegerParameterRanges[0].MinValue`)
 * as AWS names it (`hyperParameterTuningJobConfig.parameterRanges.integerParameterRanges.1.member.minValue`).
 */
export function camelPath(field: string): string {
  return field
    .replace(/\[(\d+)\]/g, (_, i: string) => `.${Number(i) + 1}.member`)
    .split(".")
    .map((part) => (part ? part[0]?.toLowerCase() + part.slice(1) : part))
    .join(".");
}

/** The value at a tunekit field path in a request, for the message. */
function valueAt(request: unknown, field: string): unknown {
  let value: unknown = request;
  for (const part of field.replace(/\[(\d+)\]/g, ".$1").split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * Any error as the SageMaker protocol reports it. tunekit's checks of a request (its rules beyond the model's:
 * a metric the objective names, a range's bounds, a path on this machine) come out in AWS's form, naming the
 * member's camelCase path; everything else takes the exception of its code's category in the one registry.
 */
export function toAwsError(error: unknown, request?: unknown): AwsError {
  if (error instanceof AwsError) return error;
  if (!(error instanceof TunekitError)) {
    return new AwsError("InternalFailure", `internal error: ${(error as Error)?.message ?? String(error)}`, 500);
  }
  const report = reportOf(error);
  if (report.aws === "ValidationException" && error.field && request !== undefined) {
    const rule = error.message.startsWith(`${error.field}: `)
      ? error.message.slice(error.field.length + 2)
      : error.message;
    return validationException([
      { path: camelPath(error.field), value: valueAt(request, error.field), constraint: rule },
    ]);
  }
  const status = report.http >= 500 ? (report.http as 500 | 503) : 400;
  // tunekit's messages may open with the exception's name already ("ResourceInUse: ..."): said once is enough.
  const message = error.message.startsWith(`${report.aws}: `)
    ? error.message.slice(report.aws.length + 2)
    : error.message;
  return new AwsError(report.aws, message, status);
}

/** The JSON 1.1 error response: body, status and headers. */
export function errorResponse(error: AwsError, requestId: string): Response {
  return new Response(JSON.stringify({ __type: error.type, message: error.message }), {
    status: error.status,
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amzn-errortype": error.type,
      "x-amzn-requestid": requestId,
    },
  });
}
