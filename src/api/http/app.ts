import { timingSafeEqual } from "node:crypto";
import { closeSync, existsSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { sep } from "node:path";
import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { TunekitError } from "../../errors.js";
import { COMBINED_LOG } from "../../jobs/index.js";
import { chartData, chartSet } from "../../report/index.js";
import type { Store, TrainingJobRecord } from "../../store/index.js";
import { describeTrainingJob, describeTuningJob, objectiveOf, strategyOf, summarizeTrainingJob } from "../describe.js";
import { tuningJobImportance } from "../importance.js";
import { SORT_KEYS } from "../list-training-jobs-for-tuning-job.js";
import { trainingJobAnalytics } from "../metrics.js";
import { stopJob } from "../stop.js";
import { formatTable } from "../table-formats.js";
import { tuningJobAnalytics, tuningJobColumns } from "../tuning-analytics.js";
import { consoleAsset } from "./console-assets.js";
import { registerConsoleRoutes } from "./console-routes.js";
import { errorBody, httpStatusFor } from "./errors.js";
import { FINGERPRINT_HEADER, type Topic, topicFingerprint } from "./fingerprint.js";
import { EventsQuery, LogQuery, parseQuery, TokenOnly, TrainingJobsQuery, TuningJobsQuery } from "./query.js";

export interface AppOptions {
  readonly store: Store;
  /** Required on every request (Authorization: Bearer, or ?token= for EventSource) when set. */
  readonly token?: string;
  /** How often server-sent events look for changes (default 1 s). */
  readonly pollMs?: number;
}

function notFound(kind: string, name: string): TunekitError {
  return new TunekitError("E_NOT_FOUND", `no ${kind} named "${name}"`, { field: "name" });
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Inside `dir`, after following links: a log path from the store must not lead out of its job's directory. */
function inside(path: string, dir: string): boolean {
  try {
    const real = realpathSync(path);
    const root = realpathSync(dir);
    return real === root || real.startsWith(root + sep);
  } catch {
    return false;
  }
}

/**
 * The HTTP API and the web console as one request handler (testable with
 * `app.request()`, served by `tunekit serve`): JSON resources over the store,
 * paginated and validated, server-sent events for live updates, and the
 * console's static files from the package.
 */
export function createApp(options: AppOptions): Hono {
  const { store } = options;
  const pollMs = options.pollMs ?? 1000;
  const app = new Hono();

  app.onError((error, c) => c.json(errorBody(error), httpStatusFor(error)));
  app.notFound((c) =>
    c.json({ error: { code: "E_NOT_FOUND", message: `no route ${c.req.method} ${c.req.path}` } }, 404),
  );

  if (options.token) {
    const token = options.token;
    app.use("*", async (c, next) => {
      const header = c.req.header("authorization");
      const given = header?.startsWith("Bearer ") ? header.slice(7) : c.req.query("token");
      if (!sameToken(given, token)) {
        throw new TunekitError("E_UNAUTHORIZED", "a valid token is required (Authorization: Bearer TOKEN or ?token=)");
      }
      await next();
    });
  }

  const tuningJob = (name: string) => {
    const job = store.getTuningJob(name);
    if (!job) throw notFound("tuning job", name);
    return job;
  };
  const trainingJob = (name: string): TrainingJobRecord => {
    const job = store.getTrainingJob(name);
    if (!job) throw notFound("training job", name);
    return job;
  };

  // Taken before the data is read: a change during the read makes the page's next event look new, never old.
  const stamp = (c: Context, topic: Topic) => c.header(FINGERPRINT_HEADER, topicFingerprint(store, topic));

  app.get("/api/tuning-jobs", (c) => {
    const q = parseQuery(TuningJobsQuery, c.req.query());
    stamp(c, {});
    const jobs = store.listTuningJobs({ limit: q.limit, offset: q.offset, ...(q.status ? { status: q.status } : {}) });
    return c.json({
      TuningJobs: jobs.map((job) => {
        const view = describeTuningJob(store, job);
        return {
          HyperParameterTuningJobName: job.name,
          Kind: job.kind,
          HyperParameterTuningJobStatus: job.status,
          Strategy: strategyOf(job),
          Objective: objectiveOf(job),
          CreationTime: view.CreationTime,
          HyperParameterTuningEndTime: view.HyperParameterTuningEndTime,
          TrainingJobStatusCounters: view.TrainingJobStatusCounters,
          ObjectiveStatusCounters: view.ObjectiveStatusCounters,
          ...(view.BestTrainingJob ? { BestTrainingJob: view.BestTrainingJob } : {}),
        };
      }),
      ...(jobs.length === q.limit ? { NextOffset: q.offset + q.limit } : {}),
    });
  });

  registerConsoleRoutes(app, store);

  app.get("/api/tuning-jobs/:name", (c) => {
    parseQuery(TokenOnly, c.req.query());
    stamp(c, { tuningJob: c.req.param("name") });
    return c.json(describeTuningJob(store, tuningJob(c.req.param("name"))));
  });

  app.get("/api/tuning-jobs/:name/training-jobs", (c) => {
    const q = parseQuery(TrainingJobsQuery, c.req.query());
    stamp(c, { tuningJob: c.req.param("name") });
    const job = tuningJob(c.req.param("name"));
    // Sorted and paged by the store: a tuning job of 10,000 jobs reads one page of records.
    const { jobs, total } = store.pageTrainingJobs(job.name, {
      sortBy: SORT_KEYS[q.sortBy],
      descending: q.sortOrder === "Descending",
      ...(q.status ? { status: q.status } : {}),
      limit: q.limit,
      offset: q.offset,
    });
    const objective = objectiveOf(job);
    return c.json({
      TrainingJobSummaries: jobs.map((j) => summarizeTrainingJob(j, objective)),
      Total: total,
      ...(q.offset + q.limit < total ? { NextOffset: q.offset + q.limit } : {}),
    });
  });

  app.get("/api/tuning-jobs/:name/charts", (c) => {
    parseQuery(TokenOnly, c.req.query());
    stamp(c, { tuningJob: c.req.param("name") });
    const data = chartData(store, tuningJob(c.req.param("name")));
    // The scatters' points travel once, as columns, for all the charts that read them.
    return c.json(chartSet(data));
  });

  app.get("/api/tuning-jobs/:name/importance", (c) => {
    parseQuery(TokenOnly, c.req.query());
    return c.json({ importance: tuningJobImportance(store, tuningJob(c.req.param("name"))) });
  });

  app.get("/api/tuning-jobs/:name/analytics", (c) => {
    const format = c.req.query("format") ?? "json";
    if (!["csv", "json", "jsonl"].includes(format)) {
      throw new TunekitError("E_QUERY", `format: must be csv, json or jsonl, got ${JSON.stringify(format)}`, {
        field: "format",
      });
    }
    const job = tuningJob(c.req.param("name"));
    const rows = tuningJobAnalytics(store, job);
    const body = formatTable(rows, format as "csv" | "json" | "jsonl", tuningJobColumns(rows));
    return c.body(body, 200, { "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json" });
  });

  app.post("/api/tuning-jobs/:name/stop", (c) =>
    c.json(stopJob(store, "tuning-job", tuningJob(c.req.param("name")).name, Date.now())),
  );

  app.get("/api/training-jobs/:name", (c) => {
    parseQuery(TokenOnly, c.req.query());
    stamp(c, { trainingJob: c.req.param("name") });
    return c.json(describeTrainingJob(store, trainingJob(c.req.param("name"))));
  });

  app.get("/api/training-jobs/:name/metrics", (c) => {
    parseQuery(TokenOnly, c.req.query());
    stamp(c, { trainingJob: c.req.param("name") });
    return c.json(trainingJobAnalytics(store, trainingJob(c.req.param("name")).name));
  });

  app.get("/api/training-jobs/:name/logs", (c) => {
    const q = parseQuery(LogQuery, c.req.query());
    const job = trainingJob(c.req.param("name"));
    const cursor = store.getLogCursor(job.name, COMBINED_LOG);
    if (!cursor || !job.jobDir || !existsSync(cursor.path)) {
      throw new TunekitError("E_NO_LOGS", `training job ${job.name} has no log`);
    }
    if (!inside(cursor.path, job.jobDir))
      throw new TunekitError("E_NO_LOGS", `the log of ${job.name} is not in its job directory`);
    const size = statSync(cursor.path).size;
    const length = Math.max(0, Math.min(q.limit, size - q.offset));
    const buffer = Buffer.alloc(length);
    if (length > 0) {
      const fd = openSync(cursor.path, "r");
      try {
        readSync(fd, buffer, 0, length, q.offset);
      } finally {
        closeSync(fd);
      }
    }
    const ended = job.status !== "InProgress" && job.status !== "Stopping";
    return c.json({
      offset: q.offset,
      nextOffset: q.offset + length,
      size,
      text: buffer.toString("utf8"),
      complete: ended && q.offset + length >= size,
    });
  });

  app.post("/api/training-jobs/:name/stop", (c) =>
    c.json(stopJob(store, "training-job", trainingJob(c.req.param("name")).name, Date.now())),
  );

  // Live updates: an event whenever what the page shows changed, found by polling the store (any process may write it).
  app.get("/api/events", (c) => {
    const q = parseQuery(EventsQuery, c.req.query());
    const fingerprint = () => topicFingerprint(store, q);
    return streamSSE(c, async (stream) => {
      let last = "";
      let id = 0;
      while (!stream.aborted) {
        const now = fingerprint();
        if (now !== last) {
          last = now;
          await stream.writeSSE({ event: "update", data: now, id: String(id++) });
        }
        await stream.sleep(pollMs);
      }
    });
  });

  app.get("/", (c) => c.html(consoleAsset("index.html")));
  app.get("/console/:file", (c) => {
    const file = c.req.param("file");
    const asset = consoleAsset(file);
    const type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "text/plain";
    return c.body(asset, 200, { "content-type": `${type}; charset=utf-8`, "cache-control": "no-cache" });
  });
  return app;
}
