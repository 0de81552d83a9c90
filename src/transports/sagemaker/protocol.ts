import { randomUUID } from "node:crypto";
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
  /** Further JSON 1.1 services (CloudWatch Logs). */
  readonly services?: readonly JsonService[];
  /** The query protocol's actions (STS), by Action, answering an XML body. */
  readonly queryActions?: Readonly<
    Record<string, (params: URLSearchParams, request: Request) => Promise<string> | string>
  >;
}

const JSON_TYPE = "application/x-amz-json-1.1";

function isAwsRequest(request: Request): boolean {
  if (request.method !== "POST" || new URL(request.url).pathname !== "/") return false;
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
  const handler = OPERATIONS[operation];
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

/** Hono middleware answering AWS's protocols; every other request goes on to tunekit's routes. */
export function awsProtocol(options: AwsProtocolOptions): MiddlewareHandler {
  return async (c, next) => {
    if (!isAwsRequest(c.req.raw)) return next();
    const requestId = randomUUID();
    const target = c.req.header("x-amz-target");
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
      const handler = service?.operations[operation];
      if (!handler) throw new AwsError("UnknownOperationException", `tunekit does not serve ${target}`);
      return jsonResponse(await handler((input ?? {}) as Record<string, unknown>), requestId);
    } catch (error) {
      const aws = toAwsError(error);
      return target === undefined ? queryError(aws, requestId) : errorResponse(aws, requestId);
    }
  };
}
