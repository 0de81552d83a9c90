import { randomUUID } from "node:crypto";
import { cbor, tag } from "@smithy/core/cbor";
import type { MiddlewareHandler } from "hono";
import { AwsError, errorResponse, toAwsError } from "./aws-error.js";
import type { OperationContext } from "./context.js";
import { checkInput, MODELED_OPERATIONS } from "./input-model.js";
import { OPERATIONS } from "./operations.js";
import { wireJson } from "./shapes.js";

/**
 * The AWS services tunekit answers on its own port, told from tunekit's API and console by their requests:
 * `POST /` with `X-Amz-Target: <Service>.<Operation>` (JSON 1.1: SageMaker, CloudWatch Logs) or a form-encoded
 * `Action=` (the query protocol: STS). Every such request is authenticated by its SigV4 signature (the
 * console's token does not apply to it) before anything is read or written.
 */

/** Verifies a request's signature over its exact body; throws the AwsError AWS would answer. */
export type Authenticate = (request: Request, body: Uint8Array) => Promise<void> | void;

/** A JSON 1.1 service: its X-Amz-Target prefix and its operations. */
export interface JsonService {
  readonly prefix: string;
  readonly operations: Readonly<Record<string, (input: Record<string, unknown>) => Promise<object>>>;
}

export interface AwsProtocolOptions extends OperationContext {
  readonly authenticate: Authenticate;
  /** Further JSON services (CloudWatch Logs; CloudWatch, which is also served in RPC v2 CBOR by its name). */
  readonly services?: readonly JsonService[];
  /** The query protocol's actions (STS), by Action, answering an XML body. */
  readonly queryActions?: Readonly<
    Record<string, (params: URLSearchParams, request: Request) => Promise<string> | string>
  >;
}

const JSON_TYPE = "application/x-amz-json-1.1";

/** RPC v2 CBOR's path: /service/<ServiceName>/operation/<Operation>. */
const CBOR_PATH = /^\/service\/([A-Za-z0-9_]+)\/operation\/([A-Za-z0-9_]+)$/;

function isAwsRequest(request: Request): boolean {
  if (request.method !== "POST") return false;
  const path = new URL(request.url).pathname;
  if (CBOR_PATH.test(path) && request.headers.get("smithy-protocol") === "rpc-v2-cbor") return true;
  if (path !== "/") return false;
  if (request.headers.has("x-amz-target")) return true;
  const auth = request.headers.get("authorization") ?? "";
  return auth.startsWith("AWS4-");
}

function jsonResponse(body: object, requestId: string): Response {
  return new Response(wireJson(body), {
    status: 200,
    headers: { "content-type": JSON_TYPE, "x-amzn-requestid": requestId },
  });
}

/** Dates as CBOR's tag 1 (epoch seconds), as RPC v2 CBOR writes timestamps. */
function cborValue(value: unknown): unknown {
  if (value instanceof Date) return tag({ tag: 1, value: value.getTime() / 1000 });
  if (Array.isArray(value)) return value.map(cborValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, cborValue(v)]),
    );
  }
  return value;
}

function cborResponse(body: object, status: number, requestId: string, errorType?: string): Response {
  return new Response(new Uint8Array(cbor.serialize(cborValue(body))), {
    status,
    headers: {
      "content-type": "application/cbor",
      "smithy-protocol": "rpc-v2-cbor",
      "x-amzn-requestid": requestId,
      ...(errorType ? { "x-amzn-errortype": errorType } : {}),
    },
  });
}

/** The query protocol's error body (STS). */
function queryError(error: AwsError, requestId: string): Response {
  const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const body = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${xmlEscape(error.type)}</Code><Message>${xmlEscape(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return new Response(body, {
    status: error.status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
  });
}

async function sageMaker(operation: string, raw: unknown, options: AwsProtocolOptions): Promise<object> {
  const handler = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
  if (!handler || !MODELED_OPERATIONS.has(operation)) {
    throw new AwsError(
      "UnknownOperationException",
      `tunekit does not serve the SageMaker operation ${operation}; it serves ${Object.keys(OPERATIONS).join(", ")}`,
    );
  }
  const input = checkInput(operation, raw);
  try {
    return await handler(input, options);
  } catch (error) {
    throw toAwsError(error, input);
  }
}

/** A service's own operation by name (never one its object inherits, such as `constructor`). */
function operationOf(service: JsonService | undefined, name: string) {
  return service && Object.hasOwn(service.operations, name) ? service.operations[name] : undefined;
}

/** Hono middleware answering AWS's protocols; every other request goes on to tunekit's routes. */
export function awsProtocol(options: AwsProtocolOptions): MiddlewareHandler {
  return async (c, next) => {
    if (!isAwsRequest(c.req.raw)) return next();
    const requestId = randomUUID();
    const target = c.req.header("x-amz-target");
    const rpc = CBOR_PATH.exec(new URL(c.req.url).pathname);
    if (rpc && c.req.header("smithy-protocol") === "rpc-v2-cbor") {
      try {
        const body = new Uint8Array(await c.req.raw.arrayBuffer());
        await options.authenticate(c.req.raw, body);
        const service = options.services?.find((s) => s.prefix === rpc[1]);
        const handler = operationOf(service, rpc[2] as string);
        if (!handler) throw new AwsError("UnknownOperationException", `tunekit does not serve ${rpc[1]}.${rpc[2]}`);
        const input = body.length === 0 ? {} : (cbor.deserialize(body) as Record<string, unknown>);
        return cborResponse(await handler(input ?? {}), 200, requestId);
      } catch (error) {
        const aws = toAwsError(error);
        return cborResponse({ __type: aws.type, message: aws.message }, aws.status, requestId, aws.type);
      }
    }
    try {
      // Cross-site pages cannot send these (custom headers need a preflight never granted); refuse any that says it is one.
      const site = c.req.header("sec-fetch-site");
      if (site !== undefined && site !== "same-origin" && site !== "none") {
        throw new AwsError("AccessDeniedException", `a request from a ${site} page is refused`);
      }
      const body = new Uint8Array(await c.req.raw.arrayBuffer());
      await options.authenticate(c.req.raw, body);
      if (target === undefined) {
        const params = new URLSearchParams(new TextDecoder().decode(body));
        const action = options.queryActions?.[params.get("Action") ?? ""];
        if (!action) throw new AwsError("InvalidAction", `tunekit does not serve the action ${params.get("Action")}`);
        return new Response(await action(params, c.req.raw), {
          status: 200,
          headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
        });
      }
      let input: unknown = {};
      const text = new TextDecoder().decode(body);
      if (text.trim() !== "") {
        try {
          input = JSON.parse(text);
        } catch (error) {
          throw new AwsError("SerializationException", `the body is not JSON: ${(error as Error).message}`);
        }
      }
      const dot = target.lastIndexOf(".");
      const prefix = target.slice(0, dot);
      const operation = target.slice(dot + 1);
      if (prefix === "SageMaker") return jsonResponse(await sageMaker(operation, input, options), requestId);
      const service = options.services?.find((s) => s.prefix === prefix);
      const handler = operationOf(service, operation);
      if (!handler) throw new AwsError("UnknownOperationException", `tunekit does not serve ${target}`);
      return jsonResponse(await handler((input ?? {}) as Record<string, unknown>), requestId);
    } catch (error) {
      const aws = toAwsError(error);
      return target === undefined ? queryError(aws, requestId) : errorResponse(aws, requestId);
    }
  };
}
