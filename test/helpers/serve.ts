import { startTunekit, type TunekitProcess, waitFor } from "./tunekit-process.js";

export { waitFor };

/** A `tunekit serve` process started by a test: its URL, its output so far, and ways to end or pause it. */
export interface ServeProcess extends TunekitProcess {
  readonly url: string;
}

/** Starts `tunekit serve` on a free port with these arguments and environment, and waits until it listens. */
export async function startServe(args: string[], env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const serve = await startTunekit(
    `tunekit serve (${args.join(" ")})`,
    ["serve", "--port", "0", ...args],
    /tunekit console on (http:\/\/\S+?)\/(\s|\?)/,
    { env },
  );
  return { ...serve, url: serve.match[1] as string };
}

/** JSON over HTTP, failing the test with the body on an error status. */
export async function api<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? "GET"} ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

export function post<T>(url: string, body: unknown): Promise<T> {
  return api<T>(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}
