import type { Context, MiddlewareHandler } from "hono";
import { TunekitError } from "../../errors.js";
import { hostHeaderName } from "./served-hosts.js";

/**
 * Refuses a request whose Host header names anything but the addresses served. A page on another site can
 * point its own DNS name at 127.0.0.1 (DNS rebinding) and then read this server as same-origin; its
 * requests still carry that name as their Host, which is how they are told apart.
 */
export function hostCheck(allowed: ReadonlySet<string>): MiddlewareHandler {
  return async (c, next) => {
    const host = requestHost(c);
    if (!allowed.has(hostHeaderName(host)) || !allowed.has(hostHeaderName(new URL(c.req.url).host))) {
      throw new TunekitError(
        "E_HOST_NOT_ALLOWED",
        `Host ${JSON.stringify(host)} is not an address this server answers to (${[...allowed].join(", ")}); serve with --allow-host NAME to add one`,
        { field: "host" },
      );
    }
    await next();
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses a state change (any method but GET, HEAD and OPTIONS) that a page of another origin could send:
 * one whose Origin is not this server's own (browsers send Origin with every such request), one a browser
 * marks as cross-site (Sec-Fetch-Site), and any with a body a plain HTML form can send (form-encoded,
 * multipart, text/plain): the API's writes take no body or JSON, which another origin cannot send without
 * a CORS preflight that this server never grants.
 */
export function sameOriginWrites(): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header("origin");
      const host = requestHost(c);
      if (origin !== undefined && !sameOrigin(origin, host)) {
        throw new TunekitError(
          "E_CROSS_ORIGIN",
          `a ${c.req.method} from origin ${JSON.stringify(origin)} is refused: state changes are accepted only from this server's own pages`,
          { field: "origin" },
        );
      }
      const site = c.req.header("sec-fetch-site");
      if (site !== undefined && site !== "same-origin" && site !== "none") {
        throw new TunekitError("E_CROSS_ORIGIN", `a ${c.req.method} from a ${site} page is refused`, {
          field: "sec-fetch-site",
        });
      }
      const type = c.req.header("content-type");
      if (type !== undefined && type.split(";")[0]?.trim().toLowerCase() !== "application/json") {
        throw new TunekitError(
          "E_UNSUPPORTED_MEDIA_TYPE",
          `content-type: must be application/json or absent, got ${JSON.stringify(type)}`,
          { field: "content-type" },
        );
      }
    }
    await next();
  };
}

/**
 * The request's Host header; a request made in-process (app.request) has only its URL, which the node server
 * otherwise builds from that header.
 */
function requestHost(c: Context): string {
  return (c.req.header("host") ?? new URL(c.req.url).host).trim().toLowerCase();
}

function sameOrigin(origin: string, host: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && url.host === host;
  } catch {
    return false; // "null" (a sandboxed frame, a file://) and anything unparsable
  }
}
