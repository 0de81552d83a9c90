import { createHmac, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { TunekitError } from "../../errors.js";

/** The console's session cookie: proof that its browser was given the token once. */
export const SESSION_COOKIE = "tunekit_session";

function same(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The session value for a token: derived from it, so it holds across server restarts and stops holding when
 * the token changes, and it does not give the token away.
 */
export function sessionValue(token: string): string {
  return createHmac("sha256", token).update("tunekit console session").digest("base64url");
}

/**
 * Requires the token on every request: `Authorization: Bearer TOKEN` (scripts), `?token=` (once, in the
 * console's address), or the session cookie. Opening the console at `/?token=TOKEN` sets that cookie
 * (HttpOnly, so the page's scripts never hold the token; SameSite=Strict, so another site's page cannot
 * make the browser send it) and redirects to `/` without the token, so it stays out of the address bar and
 * the history; the page's own requests, its stylesheet, scripts and event stream then carry the cookie.
 */
export function tokenAuth(token: string): MiddlewareHandler {
  const session = sessionValue(token);
  return async (c, next) => {
    const header = c.req.header("authorization");
    const query = c.req.query("token");
    const authorized =
      (header?.startsWith("Bearer ") === true && same(header.slice(7), token)) ||
      same(query, token) ||
      same(getCookie(c, SESSION_COOKIE), session);
    if (!authorized) {
      throw new TunekitError(
        "E_UNAUTHORIZED",
        "a valid token is required (Authorization: Bearer TOKEN, or open the console at /?token=TOKEN)",
      );
    }
    if (c.req.method === "GET" && c.req.path === "/" && query !== undefined) {
      setCookie(c, SESSION_COOKIE, session, { httpOnly: true, sameSite: "Strict", path: "/" });
      return c.redirect("/", 303);
    }
    await next();
  };
}
