import { Worker } from "node:worker_threads";
import { TunekitError } from "../errors.js";
import type { Suggestion } from "./strategy.js";
import type { SuggestRequest } from "./suggest-request.js";

type Reply =
  | { id: number; suggestions: Suggestion[] }
  | { id: number; error: { message: string; code?: string; field?: string } };

/**
 * A worker thread that computes suggestions, so a Bayesian suggestion on a
 * long history never stalls the caller's event loop. Requests are answered
 * in order; the result is exactly what the strategy gives on the main thread.
 */
export class SuggestionWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (s: Suggestion[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor() {
    // Run from source (tests, tsx) the entry is TypeScript: the thread registers tsx's loader, then imports it.
    const fromSource = import.meta.url.endsWith(".ts");
    const entry = new URL(fromSource ? "./suggest-worker.ts" : "./suggest-worker.js", import.meta.url);
    this.worker = fromSource
      ? new Worker(
          `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
          { eval: true },
        )
      : new Worker(entry);
    this.worker.on("message", (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if ("error" in reply) {
        waiter.reject(
          new TunekitError(reply.error.code ?? "E_SUGGEST", reply.error.message, {
            ...(reply.error.field ? { field: reply.error.field } : {}),
          }),
        );
      } else {
        waiter.resolve(reply.suggestions);
      }
    });
    this.worker.on("error", (error) => this.failAll(error));
    this.worker.on("exit", (code) => this.failAll(new Error(`suggestion worker exited with code ${code}`)));
  }

  /** The request's suggestions, one per slot it asks for (request.count, 1 when absent). */
  suggest(request: SuggestRequest): Promise<Suggestion[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, request });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
