import type { Clock } from "../clock.js";
import type { Fence, MetricPoint, Store } from "../store/index.js";
import { LogCapture } from "./log-capture.js";
import { type MetricDefinition, MetricExtractor } from "./metric-extractor.js";

/** How many of a job's last log lines are kept for its FailureReason. */
const TAIL_LINES = 20;

export interface JobOutputOptions {
  readonly store: Store;
  readonly name: string;
  /** The training job's lease: output written under a lease that was taken over is refused. */
  readonly fence: Fence;
  readonly attempt: number;
  readonly capBytes: number;
  readonly definitions: readonly MetricDefinition[];
  readonly clock: Clock;
  /** Each line of the job's log as it arrives (the terminal). */
  readonly onLine?: (line: string) => void;
  /** Metric points once they are in the store, in emission order. */
  readonly onPoints?: (attempt: number, points: readonly MetricPoint[]) => void;
}

/**
 * Where a running job's output goes: its log text and the metric points its
 * regexes find, buffered between flushes and written to the store for the
 * current attempt, so every process that reads the store (the console, the
 * CLI on another machine, a controller) sees a job's log and metrics as they
 * happen.
 */
export class JobOutput {
  readonly capture: LogCapture;
  private readonly extractor: MetricExtractor;
  private attempt: number;
  private text = "";
  private lines: string[] = [];
  /** Points found but not yet written: kept when a write fails, so the next flush writes them. */
  private points: MetricPoint[] = [];
  /** The job's own last lines: tunekit's notes are left out, since a FailureReason should say what the job said. */
  private readonly tail: string[] = [];
  private noting = false;

  constructor(private readonly options: JobOutputOptions) {
    this.attempt = options.attempt;
    this.extractor = new MetricExtractor(options.definitions, (warning) => this.note(warning));
    this.capture = new LogCapture(
      (text) => {
        this.text += text;
      },
      options.capBytes,
      (lines) => {
        for (const line of lines) {
          options.onLine?.(line);
          if (this.noting) continue;
          this.tail.push(line);
          if (this.tail.length > TAIL_LINES) this.tail.shift();
        }
        this.lines.push(...lines);
      },
    );
  }

  /**
   * A line from tunekit itself (notices, status), kept in the log like the job's own; `inFailureReason` for one
   * that says why the job ended where the job itself could not (it never started).
   */
  note(line: string, inFailureReason = false): void {
    this.noting = !inFailureReason;
    try {
      this.capture.note(line);
    } finally {
      this.noting = false;
    }
  }

  /** The last lines of the log, for a FailureReason. */
  lastLines(): string[] {
    return [...this.tail];
  }

  /** Writes what arrived since the last flush: metric points first (the tuner acts on them), then the log. */
  async flush(): Promise<void> {
    const { store, name, fence, clock } = this.options;
    // Nothing is dropped when a write fails (the store down for a moment): the points and text stay for the next.
    while (this.points.length > 0 || this.lines.length > 0) {
      if (this.points.length === 0) {
        const batch = this.lines;
        this.lines = [];
        this.points = await this.extractor.extract(batch, clock.now());
        if (this.points.length === 0) continue;
      }
      const points = this.points;
      await store.appendMetricPoints(name, this.attempt, points, fence);
      this.points = [];
      this.options.onPoints?.(this.attempt, points);
    }
    if (this.text) {
      const text = this.text;
      await store.appendLog(name, this.attempt, text, clock.now(), fence);
      this.text = this.text.slice(text.length);
    }
  }

  /** Writes as `attempt` from now on; flush the previous attempt's output before the store moves to it. */
  setAttempt(attempt: number): void {
    this.attempt = attempt;
    this.points = []; // an earlier attempt's, whose write failed: they must not count as this one's
    // A FailureReason speaks of the attempt that failed, not of the ones before it.
    this.tail.length = 0;
  }

  async close(): Promise<void> {
    await this.extractor.close();
  }
}
