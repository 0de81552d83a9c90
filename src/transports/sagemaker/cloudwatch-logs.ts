import { arnScope } from "../../identity.js";
import type { Store, TrainingJobRecord } from "../../store/index.js";
import { AwsError } from "./aws-error.js";
import type { JsonService } from "./protocol.js";

/**
 * Training jobs' logs as CloudWatch Logs serves SageMaker's (`Logs_20140328.*`): log group
 * /aws/sagemaker/TrainingJobs, one stream per job named `<job>/algo-1-<epoch seconds of its creation>`, one
 * event per line of the log the store keeps. Enough for `aws logs get-log-events`, `aws logs tail` and the
 * SDKs' log-following (DescribeLogStreams, GetLogEvents, FilterLogEvents). Tokens are event offsets.
 */

export const LOG_GROUP = "/aws/sagemaker/TrainingJobs";

interface LogEvent {
  readonly timestamp: number;
  readonly message: string;
  readonly ingestionTime: number;
}

export function logStreamName(job: TrainingJobRecord): string {
  return `${job.name}/algo-1-${Math.floor(job.createdAt / 1000)}`;
}

function noSuch(what: string): AwsError {
  return new AwsError("ResourceNotFoundException", `The specified ${what} does not exist.`);
}

function checkGroup(input: Record<string, unknown>): void {
  const group = input.logGroupName ?? (input.logGroupIdentifier as string | undefined)?.split(":log-group:").pop();
  if (group !== LOG_GROUP) throw noSuch("log group");
}

async function jobOfStream(store: Store, stream: unknown): Promise<TrainingJobRecord> {
  const name = typeof stream === "string" ? stream.split("/")[0] : undefined;
  const job = name ? await store.getTrainingJob(name) : undefined;
  if (!job || logStreamName(job) !== stream) throw noSuch("log stream");
  return job;
}

/** A job's log as events, one per line (a chunk's lines share its time). */
async function eventsOf(store: Store, job: TrainingJobRecord): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  for (const chunk of await store.readLog(job.name)) {
    const lines = chunk.text.split("\n");
    if (lines.at(-1) === "") lines.pop();
    for (const line of lines)
      events.push({ timestamp: chunk.timestamp, message: line, ingestionTime: chunk.timestamp });
  }
  return events;
}

function offsetOf(token: unknown, prefix: string): number | undefined {
  if (token === undefined || token === null) return undefined;
  const m = new RegExp(`^${prefix}/(\\d+)$`).exec(String(token));
  if (!m) throw new AwsError("InvalidParameterException", "The specified nextToken is invalid.");
  return Number(m[1]);
}

const inWindow = (input: Record<string, unknown>) => (e: LogEvent) =>
  (input.startTime === undefined || e.timestamp >= (input.startTime as number)) &&
  (input.endTime === undefined || e.timestamp < (input.endTime as number));

export function cloudWatchLogs(store: Store): JsonService {
  const streamOf = async (job: TrainingJobRecord) => {
    const chunks = await store.readLog(job.name, { newest: true, limit: 1 });
    const last = chunks[0]?.timestamp;
    const { partition, region, account } = arnScope();
    return {
      logStreamName: logStreamName(job),
      creationTime: job.createdAt,
      ...(last === undefined
        ? {}
        : { firstEventTimestamp: job.startedAt ?? job.createdAt, lastEventTimestamp: last, lastIngestionTime: last }),
      arn: `arn:${partition}:logs:${region}:${account}:log-group:${LOG_GROUP}:log-stream:${logStreamName(job)}`,
      storedBytes: 0,
    };
  };
  return {
    prefix: "Logs_20140328",
    operations: {
      async DescribeLogStreams(input) {
        checkGroup(input);
        const prefix = (input.logStreamNamePrefix as string | undefined) ?? "";
        const jobName = prefix.split("/")[0] ?? "";
        const jobs = (await store.listTrainingJobs(jobName ? { nameContains: jobName } : {}))
          .filter((job) => logStreamName(job).startsWith(prefix))
          .sort((a, b) => (input.orderBy === "LastEventTime" ? a.updatedAt - b.updatedAt : a.name < b.name ? -1 : 1));
        if (input.descending === true) jobs.reverse();
        const offset = offsetOf(input.nextToken, "s") ?? 0;
        const limit = (input.limit as number | undefined) ?? 50;
        const page = jobs.slice(offset, offset + limit);
        return {
          logStreams: await Promise.all(page.map(streamOf)),
          ...(offset + limit < jobs.length ? { nextToken: `s/${offset + limit}` } : {}),
        };
      },

      async GetLogEvents(input) {
        checkGroup(input);
        const job = await jobOfStream(store, input.logStreamName ?? input.logStreamIdentifier);
        const all = (await eventsOf(store, job)).filter(inWindow(input));
        const limit = (input.limit as number | undefined) ?? 10_000;
        const direction = String(input.nextToken ?? "").startsWith("b/") ? "b" : "f";
        const forward = direction === "f" ? offsetOf(input.nextToken, "f") : undefined;
        const backward = direction === "b" ? offsetOf(input.nextToken, "b") : undefined;
        // From the head when asked (or when following a forward token); otherwise the newest events.
        let start: number;
        if (forward !== undefined) start = forward;
        else if (backward !== undefined) start = Math.max(0, backward - limit);
        else start = input.startFromHead === true ? 0 : Math.max(0, all.length - limit);
        const end = backward !== undefined ? backward : Math.min(all.length, start + limit);
        return {
          events: all.slice(start, end),
          nextForwardToken: `f/${end}`,
          nextBackwardToken: `b/${start}`,
        };
      },

      async FilterLogEvents(input) {
        checkGroup(input);
        const names = input.logStreamNames as string[] | undefined;
        const prefix = input.logStreamNamePrefix as string | undefined;
        let jobs: TrainingJobRecord[];
        if (names) jobs = await Promise.all(names.map((n) => jobOfStream(store, n)));
        else {
          const jobName = prefix?.split("/")[0];
          jobs = (await store.listTrainingJobs(jobName ? { nameContains: jobName } : {})).filter(
            (job) => prefix === undefined || logStreamName(job).startsWith(prefix),
          );
        }
        const pattern = input.filterPattern as string | undefined;
        // A plain filter pattern: every term must appear (CloudWatch's unquoted terms); quoted phrases as they are.
        const terms = (pattern?.match(/"[^"]*"|\S+/g) ?? []).map((t) => t.replace(/^"|"$/g, ""));
        const events = (
          await Promise.all(
            jobs.map(async (job) =>
              (
                await eventsOf(store, job)
              ).map((e, i) => ({
                ...e,
                logStreamName: logStreamName(job),
                eventId: `${job.name}-${i}`,
              })),
            ),
          )
        )
          .flat()
          .filter(inWindow(input))
          .filter((e) => terms.every((t) => e.message.includes(t)))
          .sort((a, b) => a.timestamp - b.timestamp);
        const offset = offsetOf(input.nextToken, "e") ?? 0;
        const limit = (input.limit as number | undefined) ?? 10_000;
        return {
          events: events.slice(offset, offset + limit),
          searchedLogStreams: jobs.map((job) => ({ logStreamName: logStreamName(job), searchedCompletely: true })),
          ...(offset + limit < events.length ? { nextToken: `e/${offset + limit}` } : {}),
        };
      },
    },
  };
}
