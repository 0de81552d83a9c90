import { createHash } from "node:crypto";
import { AwsError } from "./aws-error.js";

/**
 * NextToken: opaque to the client, an offset here, bound to the listing it came from (the operation and its
 * filters and order), so a token is never read against a different listing.
 */

function listingKey(operation: string, query: Record<string, unknown>): string {
  const { NextToken: _token, MaxResults: _max, ...rest } = query;
  const sorted = Object.fromEntries(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash("sha256")
    .update(`${operation}\0${JSON.stringify(sorted)}`)
    .digest("base64url")
    .slice(0, 16);
}

export function encodeNextToken(operation: string, query: Record<string, unknown>, offset: number): string {
  return Buffer.from(JSON.stringify({ k: listingKey(operation, query), o: offset })).toString("base64url");
}

/** The offset a token stands for (0 without one); a token of another listing, or none of ours, is refused. */
export function decodeNextToken(operation: string, query: Record<string, unknown>): number {
  const token = query.NextToken;
  if (token === undefined || token === "") return 0;
  try {
    const parsed = JSON.parse(Buffer.from(String(token), "base64url").toString("utf8")) as { k?: string; o?: number };
    if (parsed.k === listingKey(operation, query) && Number.isInteger(parsed.o) && (parsed.o as number) >= 0) {
      return parsed.o as number;
    }
  } catch {
    // not one of ours
  }
  throw new AwsError("ValidationException", "Invalid pagination token: NextToken does not continue this listing");
}
