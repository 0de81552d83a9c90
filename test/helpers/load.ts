/**
 * A bounded load on a running `tunekit serve`: concurrent clients that create training jobs, describe them and
 * list them for a while, counting every answer. Used by `npm run bench:service` (the figures) and by a test (the
 * behaviour: no 5xx, no write lost).
 */
export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  /** Answers with a 5xx status, or no answer at all. */
  readonly failures: readonly string[];
  /** Names the server said it created. */
  readonly created: readonly string[];
  /** Each operation's latencies in milliseconds, sorted. */
  readonly latencies: Readonly<Record<"create" | "describe" | "list", readonly number[]>>;
}

export interface LoadOptions {
  readonly url: string;
  readonly clients: number;
  readonly durationMs: number;
  /** A CreateTrainingJob request for a job name (the server must accept it). */
  readonly request: (name: string) => unknown;
  /** Prefixes the names made, so runs never collide. */
  readonly prefix: string;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies = { create: [] as number[], describe: [] as number[], list: [] as number[] };
  const failures: string[] = [];
  const created: string[] = [];
  let requests = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;

  const timed = async (
    kind: keyof typeof latencies,
    path: string,
    init?: RequestInit,
  ): Promise<Response | undefined> => {
    const t0 = performance.now();
    requests++;
    try {
      const response = await fetch(`${options.url}${path}`, init);
      await response.arrayBuffer();
      latencies[kind].push(performance.now() - t0);
      if (response.status >= 500) failures.push(`${init?.method ?? "GET"} ${path}: ${response.status}`);
      return response;
    } catch (error) {
      failures.push(`${init?.method ?? "GET"} ${path}: ${(error as Error).message}`);
      return undefined;
    }
  };

  const client = async (id: number) => {
    for (let i = 0; performance.now() < deadline; i++) {
      const name = `${options.prefix}-${id}-${i}`;
      const response = await timed("create", "/api/training-jobs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(options.request(name)),
      });
      if (response?.status === 201) created.push(name);
      await timed("describe", `/api/training-jobs/${name}`);
      await timed("list", "/api/tuning-jobs?limit=20");
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, id) => client(id)));
  for (const values of Object.values(latencies)) values.sort((a, b) => a - b);
  return { requests, seconds: (performance.now() - started) / 1000, failures, created, latencies };
}

/** The q-quantile of sorted values (q in [0, 1]). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}
