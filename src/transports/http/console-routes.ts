import type { Context, Hono } from "hono";
import { z } from "zod";
import { TunekitError } from "../../errors.js";
import { chartData, findingsSentences, renderReport, tuningFindings } from "../../report/index.js";
import { learningCurves } from "../../services/learning-curves.js";
import { modelView } from "../../services/model-view.js";
import { runningMetrics } from "../../services/running-metrics.js";
import { standaloneTrainingJobs } from "../../services/standalone-training-jobs.js";
import { type Store, TRAINING_JOB_STATUSES } from "../../store/index.js";
import { FINGERPRINT_HEADER, topicFingerprint } from "./fingerprint.js";
import { parseQuery, TokenOnly } from "./query.js";

const ModelQuery = z.strictObject({ job: z.string().min(1).max(63).optional(), token: z.string().optional() });
const StandaloneQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  status: z.enum(TRAINING_JOB_STATUSES).optional(),
  token: z.string().optional(),
});

/**
 * The console's views of a tuning job beyond Describe and its charts, each computed on the server from narrow
 * store reads: learning curves with the early-stopping verdicts, the model's view of a suggestion, the
 * findings, running jobs' latest values, the report; and the standalone training jobs.
 */
export function registerConsoleRoutes(app: Hono, store: Store): void {
  // A page asks for its code and its data at once, and an answer that reads the store holds this one thread for
  // tens of milliseconds per thousand jobs: the requests already received (the page's code, from memory) are
  // answered first, so the browser compiles the code while the data is read.
  app.use("/api/*", async (_c, next) => {
    await new Promise((resolve) => setImmediate(resolve));
    await next();
  });

  const tuningJob = async (name: string) => {
    const job = await store.getTuningJob(name);
    if (!job) throw new TunekitError("E_NOT_FOUND", `no tuning job named "${name}"`, { field: "name" });
    return job;
  };
  const stamp = async (c: Context, name: string) =>
    c.header(FINGERPRINT_HEADER, await topicFingerprint(store, { tuningJob: name }));

  app.get("/api/tuning-jobs/:name/learning-curves", async (c) => {
    parseQuery(TokenOnly, c.req.query());
    await stamp(c, c.req.param("name"));
    return c.json(await learningCurves(store, await tuningJob(c.req.param("name"))));
  });

  app.get("/api/tuning-jobs/:name/model", async (c) => {
    const q = parseQuery(ModelQuery, c.req.query());
    return c.json(await modelView(store, await tuningJob(c.req.param("name")), q.job));
  });

  app.get("/api/tuning-jobs/:name/findings", async (c) => {
    parseQuery(TokenOnly, c.req.query());
    await stamp(c, c.req.param("name"));
    const data = await chartData(store, await tuningJob(c.req.param("name")));
    const findings = tuningFindings(data.jobs, data.objective, data.axes);
    return c.json(
      findings ? { findings, sentences: findingsSentences(findings, data.objective.MetricName) } : { sentences: [] },
    );
  });

  app.get("/api/tuning-jobs/:name/running", async (c) => {
    parseQuery(TokenOnly, c.req.query());
    await stamp(c, c.req.param("name"));
    return c.json({ RunningJobs: await runningMetrics(store, await tuningJob(c.req.param("name"))) });
  });

  app.get("/api/tuning-jobs/:name/report", async (c) => {
    parseQuery(TokenOnly, c.req.query());
    return c.html((await renderReport(store, await tuningJob(c.req.param("name")))).html);
  });

  app.get("/api/training-jobs", async (c) => {
    const q = parseQuery(StandaloneQuery, c.req.query());
    const page = await standaloneTrainingJobs(store, q);
    return c.json({ ...page, ...(q.offset + q.limit < page.Total ? { NextOffset: q.offset + q.limit } : {}) });
  });
}
