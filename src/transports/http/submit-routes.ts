import type { Hono } from "hono";
import { z } from "zod";
import type { Clock } from "../../clock.js";
import { issueToError } from "../../config/training-job-request.js";
import { TunekitError } from "../../errors.js";
import { trainingJobArn, tuningJobArn } from "../../identity.js";
import { type JobSettings, parseS3Mapping, withRunOptions } from "../../jobs/index.js";
import { createTrainingJob, createTuningJob } from "../../services/submit.js";
import type { Store } from "../../store/index.js";

/**
 * tunekit's local extension to a submitted request: how the client would have run it (where its relative
 * paths resolve, its S3 map, its interpreter). It is taken off the request before the request is validated.
 */
const RunOptionsSchema = z.strictObject({
  baseDir: z.string().startsWith("/").optional(),
  s3Map: z.array(z.strictObject({ prefix: z.string(), dir: z.string().startsWith("/") })).optional(),
  python: z.string().min(1).optional(),
  sandbox: z.enum(["auto", "bwrap", "none"]).optional(),
  logCapBytes: z.number().int().min(1024).optional(),
  stopGraceMs: z.number().int().min(0).optional(),
});
const EXTENSION = "TunekitRunOptions";

export interface SubmitRoutesOptions {
  readonly store: Store;
  /** This server's settings for running jobs; a submission's run options go over them. */
  readonly settings: JobSettings;
  readonly clock: Clock;
  /** Told of each new job, so the controller starts it at once instead of at its next scan. */
  readonly onSubmitted?: () => void;
}

async function body(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("application/json")) {
    throw new TunekitError("E_VALIDATION", `content-type: a request must be application/json, got ${type || "none"}`, {
      field: "content-type",
    });
  }
  let parsed: unknown;
  try {
    parsed = await request.json();
  } catch (error) {
    throw new TunekitError("E_VALIDATION", `body: not valid JSON (${(error as Error).message})`, { field: "body" });
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new TunekitError("E_VALIDATION", "body: must be a JSON object (the request)", { field: "body" });
  }
  return parsed as Record<string, unknown>;
}

/** The request, and the settings it runs with: the server's, with the submission's run options over them. */
function split(submitted: Record<string, unknown>, settings: JobSettings): { request: unknown; settings: JobSettings } {
  const { [EXTENSION]: extension, ...request } = submitted;
  if (extension === undefined) return { request, settings };
  const parsed = RunOptionsSchema.safeParse(extension);
  if (!parsed.success) throw issueToError(parsed.error.issues[0] as z.core.$ZodIssue, EXTENSION);
  const s3Map = parsed.data.s3Map?.map((m) => parseS3Mapping(`${m.prefix}=${m.dir}`, `${EXTENSION}.s3Map`));
  return { request, settings: withRunOptions(settings, { ...parsed.data, ...(s3Map ? { s3Map } : {}) }) };
}

/**
 * POST /api/tuning-jobs and POST /api/training-jobs: a CreateHyperParameterTuningJob or CreateTrainingJob
 * request, validated exactly as `tunekit tune` and `tunekit train` validate it, stored for the controller to
 * run. The answer is the job's name and ARN (201); a taken name is 409 ResourceInUse.
 */
export function addSubmitRoutes(app: Hono, options: SubmitRoutesOptions): void {
  const { store, clock } = options;
  app.post("/api/tuning-jobs", async (c) => {
    const { request, settings } = split(await body(c.req.raw), options.settings);
    const record = await createTuningJob(store, request, settings, clock);
    options.onSubmitted?.();
    return c.json(
      { HyperParameterTuningJobName: record.name, HyperParameterTuningJobArn: tuningJobArn(record.name) },
      201,
    );
  });
  app.post("/api/training-jobs", async (c) => {
    const { request, settings } = split(await body(c.req.raw), options.settings);
    const record = await createTrainingJob(store, request, settings, clock);
    options.onSubmitted?.();
    return c.json({ TrainingJobName: record.name, TrainingJobArn: trainingJobArn(record.name) }, 201);
  });
}
