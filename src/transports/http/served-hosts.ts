import { isIPv4, isIPv6 } from "node:net";
import { hostname as machineName, networkInterfaces } from "node:os";

/** A host as a request or a bind address spells it, lower-cased, without brackets or port. */
function bare(host: string): string {
  const lower = host.trim().toLowerCase();
  return lower.startsWith("[") && lower.endsWith("]") ? lower.slice(1, -1) : lower;
}

/** IPv6 written its shortest way (`0:0:0:0:0:0:0:1` → `::1`), as the URL parser writes it. */
function canonicalIPv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

/**
 * Whether only this machine can reach `host`: `localhost`, the whole of 127.0.0.0/8 (not just 127.0.0.1),
 * `::1`, and IPv4 loopback written as IPv6 (`::ffff:127.0.0.2`).
 */
export function isLoopback(host: string): boolean {
  const h = bare(host);
  if (h === "localhost") return true;
  if (isIPv4(h)) return h.split(".")[0] === "127";
  if (!isIPv6(h)) return false;
  const canonical = canonicalIPv6(h);
  if (canonical === "::1") return true;
  const mapped = /^::ffff:(.+)$/.exec(canonical)?.[1];
  if (mapped === undefined) return false;
  if (isIPv4(mapped)) return mapped.startsWith("127.");
  // The URL parser writes a mapped address in hex: ::ffff:7f00:2 is 127.0.0.2.
  return /^7f[0-9a-f]{2}:/.test(mapped);
}

const WILDCARDS = new Set(["", "0.0.0.0", "::", "0:0:0:0:0:0:0:0"]);

/**
 * The host names a request to a server bound to `bind` may carry in its Host header: the bind address; for a
 * loopback address also `localhost`; for a wildcard also every address of this machine's interfaces and its
 * host name; plus `extra` names (a DNS name or a proxy in front). Any other name is how a DNS-rebinding page
 * reaches a server on loopback, so it is refused.
 */
export function servedHostNames(bind: string, extra: readonly string[] = []): Set<string> {
  const names = new Set(extra.map(bare));
  const address = bare(bind);
  if (WILDCARDS.has(address)) {
    if (address !== "") names.add(isIPv6(address) ? canonicalIPv6(address) : address);
    names.add("localhost");
    names.add(machineName().toLowerCase());
    for (const entries of Object.values(networkInterfaces())) {
      for (const entry of entries ?? [])
        names.add(isIPv6(entry.address) ? canonicalIPv6(entry.address) : entry.address);
    }
  } else {
    names.add(isIPv6(address) ? canonicalIPv6(address) : address);
    if (isLoopback(address)) names.add("localhost");
  }
  return names;
}

/** The host name of a Host header (`name:port`, `[v6]:port`), lower-cased, for comparing with the served names. */
export function hostHeaderName(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    const inner = end < 0 ? value.slice(1) : value.slice(1, end);
    return isIPv6(inner) ? canonicalIPv6(inner) : inner;
  }
  const colon = value.lastIndexOf(":");
  return colon < 0 ? value : value.slice(0, colon);
}
