import { objectiveOf, strategyOf } from "../identity.js";
import type { Store, TrainingJobPoint } from "../store/index.js";
import { formatHyperparameters, formatValue, table } from "./output.js";

/** How many finished jobs the live table keeps under the running ones. */
const FINISHED_ROWS = 8;

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : m > 0 ? `${m}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

function bar(done: number, total: number, width = 24): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}

async function objectiveCell(store: Store, job: TrainingJobPoint, metric: string): Promise<string | undefined> {
  if (job.objectiveValue !== null) return formatValue(job.objectiveValue);
  if (job.status !== "InProgress" && job.status !== "Stopping")
    return job.objectiveStatus === "Failed" ? "none" : undefined;
  // A running job shows its latest value and how many it has emitted (its epoch).
  const points = await store.listMetricPoints(job.name, { metricName: metric });
  const last = points[points.length - 1];
  return last ? `${formatValue(last.value)} (e${points.length})` : undefined;
}

/**
 * The live view of a tuning job, drawn from the store alone, so `tunekit tune`
 * and `tunekit watch` (from another shell, or for a detached job) show the same:
 * a progress bar, the best job so far, the running jobs and the latest finished.
 */
export async function renderTuningJob(store: Store, name: string, now: number): Promise<string[]> {
  const job = await store.getTuningJob(name);
  if (!job) return [`no tuning job named ${name}`];
  const objective = objectiveOf(job);
  const config = job.config as {
    HyperParameterTuningJobConfig?: { ResourceLimits?: { MaxNumberOfTrainingJobs?: number } };
  };
  const jobs = await store.listTrainingJobPoints(job.name);
  const max = config.HyperParameterTuningJobConfig?.ResourceLimits?.MaxNumberOfTrainingJobs ?? jobs.length;
  const counts = { running: 0, Completed: 0, Stopped: 0, Failed: 0 };
  for (const j of jobs) {
    if (j.status === "InProgress" || j.status === "Stopping") counts.running++;
    else counts[j.status]++;
  }
  const finished = jobs.length - counts.running;
  const best = await store.bestTrainingJob(job.name, objective.Type);
  const lines = [
    `${job.name}  ${job.status}  ${strategyOf(job)}  ${objective.Type} ${objective.MetricName}  ${formatDuration((job.endedAt ?? now) - job.createdAt)}`,
    `${bar(finished, max)} ${finished}/${max} jobs  (${counts.running} running, ${counts.Completed} completed, ${counts.Stopped} stopped, ${counts.Failed} failed)`,
    best
      ? `best ${formatValue(best.objectiveValue)}  ${best.name}  ${formatHyperparameters(best.hyperparameters)}`
      : "best: none yet",
  ];
  const running = jobs.filter((j) => j.status === "InProgress" || j.status === "Stopping");
  const done = jobs
    .filter((j) => j.status !== "InProgress" && j.status !== "Stopping")
    .sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0))
    .slice(0, FINISHED_ROWS);
  const rows = [...running, ...done];
  if (rows.length > 0) {
    const cells = await Promise.all(rows.map((j) => objectiveCell(store, j, objective.MetricName)));
    lines.push(
      "",
      ...table(
        ["JOB", "STATUS", "OBJECTIVE", "HYPERPARAMETERS"],
        rows.map((j, i) => [
          j.name,
          j.stopReason && j.status === "Stopped" ? `Stopped (${j.stopReason})` : j.status,
          cells[i],
          formatHyperparameters(j.hyperparameters),
        ]),
      ).split("\n"),
    );
  }
  if (job.completionReason) lines.push("", `completed early: ${job.completionReason}`);
  if (job.failureReason) lines.push("", `failed: ${job.failureReason}`);
  return lines;
}

/** Redraws a block of lines in place on a terminal (cursor up, clear to the end). */
export class LiveBlock {
  private height = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  draw(lines: readonly string[]): void {
    const width = this.stream.columns ?? 120;
    const clipped = lines.map((l) => (l.length > width - 1 ? `${l.slice(0, width - 2)}…` : l));
    const up = this.height > 0 ? `\x1b[${this.height}F` : "";
    this.stream.write(`${up}\x1b[J${clipped.join("\n")}\n`);
    this.height = clipped.length;
  }
}
