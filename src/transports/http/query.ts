import { z } from "zod";
import { TunekitError } from "../../errors.js";
import { SORT_BY } from "../../services/sort-by.js";
import { TRAINING_JOB_STATUSES, TUNING_JOB_STATUSES } from "../../store/index.js";

/** Query parameters, validated: an error names the parameter and the rule. */
const page = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
};

export const TuningJobsQuery = z.strictObject({
  ...page,
  status: z.enum(TUNING_JOB_STATUSES).optional(),
  token: z.string().optional(),
});

export const TrainingJobsQuery = z.strictObject({
  ...page,
  sortBy: z.enum(SORT_BY).default("CreationTime"),
  sortOrder: z.enum(["Ascending", "Descending"]).default("Ascending"),
  status: z.enum(TRAINING_JOB_STATUSES).optional(),
  token: z.string().optional(),
});

export const LogQuery = z.strictObject({
  /** A cursor from the previous page (`next`); -1 reads from the start. */
  after: z.coerce.number().int().min(-1).default(-1),
  /** How many of the log's chunks (each up to a fraction of a second of output) to read. */
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  token: z.string().optional(),
});

export const EventsQuery = z.strictObject({
  tuningJob: z.string().min(1).max(63).optional(),
  trainingJob: z.string().min(1).max(63).optional(),
  token: z.string().optional(),
});

export const TokenOnly = z.strictObject({ token: z.string().optional() });

export function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, string>): z.infer<T> {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  const field = issue.path.length ? issue.path.join(".") : ((issue as { keys?: string[] }).keys?.[0] ?? "query");
  throw new TunekitError("E_QUERY", `${field}: ${issue.message}`, { field });
}
