import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { type Clock, systemClock } from "../../clock.js";
import { TunekitError } from "../../errors.js";
import { objectiveOf, strategyOf } from "../../identity.js";
import { chartData, chartSet } from "../../report/index.js";
import { describeTrainingJob, describeTuningJob, summarizeTrainingJob } from "../../services/describe.js";
import { tuningJobImportance } from "../../services/importance.js";
import { SORT_KEYS } from "../../services/list-training-jobs-for-tuning-job.js";
import { readLogPage } from "../../services/logs.js";
import { trainingJobAnalytics } from "../../services/metrics.js";
import { stopJob } from "../../services/stop.js";
import { formatTable } from "../../services/table-formats.js";
import { tuningJobAnalytics, tuningJobColumns } from "../../services/tuning-analytics.js";
import { listWorkers } from "../../services/workers.js";
import type { Store, TrainingJobRecord } from "../../store/index.js";
import { type AwsProtocolOptions, awsProtocol } from "../sagemaker/protocol.js";
import { consoleAsset } from "./console-assets.js";
import { registerConsoleRoutes } from "./console-routes.js";
import { errorBody, httpStatusFor } from "./errors.js";
import { FINGERPRINT_HEADER, type Topic, topicFingerprint } from "./fingerprint.js";
import { EventsQuery, LogQuery, parseQuery, TokenOnly, TrainingJobsQuery, TuningJobsQuery } from "./query.js";
import { hostCheck, sameOriginWrites } from "./request-guards.js";
import { addSubmitRoutes, type SubmitRoutesOptions } from "./submit-routes.js";
import { tokenAuth } from "./token-auth.js";

export interface AppOptions {
  readonly store: Store;
  /** The controller serving beside the API, whose status GET /api/controller answers. */
  readonly controller?: { status(): unknown };
  /** With these, the app takes submissions (POST /api/tuning-jobs, /api/training-jobs) for a controller. */
  readonly submit?: Omit<SubmitRoutesOptions, "store">;
  /** Required on every request when set (Authorization: Bearer, ?token=, or the console's session cookie). */
  readonly token?: string;
  /** The host names a request's Host header may carry (see servedHostNames); any when absent. */
  readonly allowedHosts?: ReadonlySet<string>;
  /** How often server-sent events look for changes (default 1 s). */
  readonly pollMs?: number;
  readonly clock?: Clock;
  /**
   * With these, the app answers AWS's protocols on `POST /` (SageMaker and CloudWatch Logs by X-Amz-Target,
   * STS by Action), authenticated by SigV4 instead of the token.
   */
  readonly aws?: Omit<AwsProtocolOptions, "store" | "clock">;
}

function notFound(kind: string, name: string): TunekitError {
  return new TunekitError("E_NOT_FOUND", `no ${kind} named "${name}"`, { field: "name" });
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
  const clock = options.clock ?? systemClock;
  const app = new Hono();

  app.onError((error, c) => c.json(errorBody(error), httpStatusFor(error)));
  app.notFound((c) =>
    c.json({ error: { code: "E_NOT_FOUND", message: `no route ${c.req.method} ${c.req.path}` } }, 404),
  );

  if (options.allowedHosts) app.use("*", hostCheck(options.allowedHosts));
  if (options.aws) app.use("*", awsProtocol({ store, clock, ...options.aws }));
  app.use("*", sameOriginWrites());
  if (options.token) app.use("*", tokenAuth(options.token));

  const tuningJob = async (name: string) => {
    const job = await store.getTuningJob(name);
    if (!job) throw notFound("tuning job", name);
    return job;
  };
  const trainingJob = async (name: string): Promise<TrainingJobRecord> => {
    const job = await store.getTrainingJob(name);
    if (!job) throw notFound("training job", name);
    return job;
  };

  // Taken before the data is read: a change during the read makes the page's next event look new, never old.
  const stamp = async (c: Context, topic: Topic) => c.header(FINGERPRINT_HEADER, await topicFingerprint(store, topic));

  app.get("/api/tuning-jobs", async (c) => {
    const q = parseQuery(TuningJobsQuery, c.req.query());
    await stamp(c, {});
    const jobs = await store.listTuningJobs({
      limit: q.limit,
      offset: q.offset,
      ...(q.status ? { status: q.status } : {}),
    });
    return c.json({
      TuningJobs: await Promise.all(
        jobs.map(async (job) => {
          const view = await describeTuningJob(store, job);
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
      ),
      ...(jobs.length === q.limit ? { NextOffset: q.offset + q.limit } : {}),
    });
  });

  registerConsoleRoutes(app, store);

  app.get("/api/tuning-jobs/:name", async (c) => {
    parseQuery(TokenOnly, c.req.query());
    await stamp(c, { tuningJob: c.req.param("name") });
    return c.json(await describeTuningJob(store, await tuningJob(c.req.param("name"))));
  });

  app.get("/api/tuning-jobs/:name/training-jobs", async (c) => {
    const q = parseQuery(TrainingJobsQuery, c.req.query());
    await stamp(c, { tuningJob: c.req.param("name") });
    const job = await tuningJob(c.req.param("name"));
    // Sorted and paged by the store: a tuning job of 10,000 jobs reads one page of records.
    const { jobs, total } = await store.pageTrainingJobs(job.name, {
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

  app.get("/api/tuning-jobs/:name/charts", async (c) => {
    parseQuery(TokenOnly, c.req.query());
    await stamp(c, { tuningJob: c.req.param("name") });
    const data = await chartData(store, await tuningJob(c.req.param("name")));
    // The scatters' points travel once, as columns, for all the charts that read them.
    return c.json(chartSet(data));
  });

  app.get("/api/tuning-jobs/:name/importance", async (c) => {
    parseQuery(TokenOnly, c.req.query());
    return c.json({ importance: await tuningJobImportance(store, await tuningJob(c.req.param("name"))) });
  });

  app.get("/api/tuning-jobs/:name/analytics", async (c) => {
    const format = c.req.query("format") ?? "json";
    if (!["csv", "json", "jsonl"].includes(format)) {
      throw new TunekitError("E_QUERY", `format: must be csv, json or jsonl, got ${JSON.stringify(format)}`, {
        field: "format",
      });
    }
    const job = await tuningJob(c.req.param("name"));
    const rows = await tuningJobAnalytics(store, job);
    const body = formatTable(rows, format as "csv" | "json" | "jsonl", tuningJobColumns(rows));
    return c.body(body, 200, { "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json" });
  });

  if (options.submit) addSubmitRoutes(app, { store, ...options.submit });
  app.get("/api/workers", async (c) => c.json({ Workers: await listWorkers(store) }));
  app.get("/api/controller", (c) => {
    if (!options.controller) throw new TunekitError("E_NOT_FOUND", "this server runs no controller (--no-controller)");
    return c.json(options.controller.status());
  });

  app.post("/api/tuning-jobs/:name/stop", async (c) =>
    c.json(await stopJob(store, "tuning-job", (await tuningJob(c.req.param("name"))).name, clock.now())),
  );

  app.get("/api/training-jobs/:name", async (c) => {
    parseQuery(TokenOnly, c.req.query());
    await stamp(c, { trainingJob: c.req.param("name") });
    return c.json(await describeTrainingJob(store, await trainingJob(c.req.param("name"))));
  });

  app.get("/api/training-jobs/:name/metrics", async (c) => {
    parseQuery(TokenOnly, c.req.query());
    await stamp(c, { trainingJob: c.req.param("name") });
    return c.json(await trainingJobAnalytics(store, (await trainingJob(c.req.param("name"))).name));
  });

  app.get("/api/training-jobs/:name/logs", async (c) => {
    const q = parseQuery(LogQuery, c.req.query());
    const job = await trainingJob(c.req.param("name"));
    return c.json(await readLogPage(store, job, q.after, q.limit));
  });

  app.post("/api/training-jobs/:name/stop", async (c) =>
    c.json(await stopJob(store, "training-job", (await trainingJob(c.req.param("name"))).name, clock.now())),
  );

  // Live updates: an event whenever what the page shows changed, found by polling the store (any process may write it).
  app.get("/api/events", async (c) => {
    const q = parseQuery(EventsQuery, c.req.query());
    const fingerprint = () => topicFingerprint(store, q);
    return streamSSE(c, async (stream) => {
      let last = "";
      let id = 0;
      while (!stream.aborted) {
        const now = await fingerprint();
        if (now !== last) {
          last = now;
          await stream.writeSSE({ event: "update", data: now, id: String(id++) });
        }
        await stream.sleep(pollMs);
      }
    });
  });

  app.get("/", async (c) => c.html(consoleAsset("index.html")));
  app.get("/console/:file", async (c) => {
    const file = c.req.param("file");
    const asset = consoleAsset(file);
    const type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "text/plain";
    return c.body(asset, 200, { "content-type": `${type}; charset=utf-8`, "cache-control": "no-cache" });
  });
  return app;
}
