import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { AwsError } from "./aws-error.js";
import type { Authenticate } from "./protocol.js";

/**
 * AWS Signature Version 4, checked as AWS checks it: the same canonical request and string to sign, the key
 * derived from the secret for the date, region and service the credential scope names. With access keys, an
 * unknown key is UnrecognizedClientException, a signature that does not verify or a date more than 15
 * minutes from the server's is InvalidSignatureException. Without keys (loopback only), any well-formed
 * signature is accepted: the clients still need one to send a request at all.
 */

const ALGORITHM = "AWS4-HMAC-SHA256";
const MAX_SKEW_MS = 15 * 60 * 1000;

export interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

function incomplete(message: string): AwsError {
  return new AwsError("IncompleteSignatureException", message);
}

export function parseAuthorization(header: string | null): ParsedAuthorization {
  if (!header) throw new AwsError("MissingAuthenticationTokenException", "Missing Authentication Token");
  if (!header.startsWith(`${ALGORITHM} `)) {
    throw incomplete(`Authorization header requires the ${ALGORITHM} algorithm: ${header.split(" ")[0]}`);
  }
  const fields = new Map<string, string>();
  for (const part of header.slice(ALGORITHM.length + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get("Credential")?.split("/") ?? [];
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (credential.length !== 5 || credential[4] !== "aws4_request" || !signedHeaders || !signature) {
    throw incomplete(
      "Authorization header requires 'Credential' (key/date/region/service/aws4_request), 'SignedHeaders' and 'Signature'",
    );
  }
  const [accessKeyId, date, region, service] = credential as [string, string, string, string];
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(";"), signature };
}

/** 20260101T120000Z → milliseconds. */
function amzDateMs(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

const encode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalQuery(url: URL): string {
  return [...url.searchParams.entries()]
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

/** The signature a request should carry, with this secret. */
export function expectedSignature(
  request: Request,
  body: Uint8Array,
  auth: ParsedAuthorization,
  amzDate: string,
  secret: string,
): string {
  const url = new URL(request.url);
  const path = url.pathname
    .split("/")
    .map((segment) => encode(decodeURIComponent(segment)))
    .join("/");
  const headers = auth.signedHeaders
    .map((name) => `${name}:${(request.headers.get(name) ?? "").trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const canonical = [
    request.method,
    path || "/",
    canonicalQuery(url),
    headers,
    auth.signedHeaders.join(";"),
    sha256(body),
  ].join("\n");
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const toSign = [ALGORITHM, amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, auth.date), auth.region), auth.service), "aws4_request");
  return createHmac("sha256", key).update(toSign).digest("hex");
}

export interface SigV4Options {
  /** Access key id → secret access key. Empty: any well-formed signature is accepted (loopback only). */
  readonly keys: ReadonlyMap<string, string>;
  readonly now?: () => number;
}

export function sigV4(options: SigV4Options): Authenticate {
  const now = options.now ?? Date.now;
  return (request, body) => {
    const auth = parseAuthorization(request.headers.get("authorization"));
    const amzDate = request.headers.get("x-amz-date") ?? "";
    const at = amzDateMs(amzDate);
    if (Number.isNaN(at)) throw incomplete("the request needs an X-Amz-Date header (yyyyMMddTHHmmssZ)");
    if (!auth.signedHeaders.includes("host")) throw incomplete("the signed headers must include host");
    if (options.keys.size === 0) return;
    const secret = options.keys.get(auth.accessKeyId);
    if (secret === undefined) {
      throw new AwsError("UnrecognizedClientException", "The security token included in the request is invalid.");
    }
    const server = now();
    if (Math.abs(server - at) > MAX_SKEW_MS) {
      const iso = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, "");
      const [bound, sign] = at < server ? [server - MAX_SKEW_MS, "-"] : [server + MAX_SKEW_MS, "+"];
      throw new AwsError(
        "InvalidSignatureException",
        `Signature expired: ${amzDate} is now ${at < server ? "earlier" : "later"} than ${iso(bound)} (${iso(server)} ${sign} 15 min.)`,
      );
    }
    const expected = Buffer.from(expectedSignature(request, body, auth, amzDate, secret));
    const given = Buffer.from(auth.signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new AwsError(
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
      );
    }
  };
}
