import { TunekitError } from "../../errors.js";
import type { RunOptions } from "../../jobs/index.js";

/** What `tunekit serve`'s API answers about a tuning job (DescribeHyperParameterTuningJob's shape). */
export interface RemoteTuningJob {
  HyperParameterTuningJobName: string;
  HyperParameterTuningJobStatus: string;
  FailureReason?: string;
  CompletionReason?: string;
  BestTrainingJob?: {
    TrainingJobName: string;
    TunedHyperParameters: Record<string, unknown>;
    FinalHyperParameterTuningJobObjectiveMetric?: { Value: number };
  };
}

export interface RemoteTrainingJobSummary {
  TrainingJobName: string;
  TrainingJobStatus: string;
  TunedHyperParameters: Record<string, unknown>;
  FinalHyperParameterTuningJobObjectiveMetric?: { Value: number };
}

/**
 * The CLI's side of `tunekit serve`'s API: submits requests, reads jobs back, stops them. Errors come back as
 * the server's typed errors (same code), so exit codes do not depend on where a job runs.
 */
export class ServerClient {
  private readonly base: string;

  constructor(
    url: string,
    private readonly token?: string,
  ) {
    this.base = url.replace(/\/+$/, "");
  }

  private async call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new TunekitError(
        "E_SERVER_UNREACHABLE",
        `cannot reach tunekit serve at ${this.base}: ${(error as Error).message}`,
        {
          field: "--server",
        },
      );
    }
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; field?: string; message?: string } } | undefined)?.error;
      throw new TunekitError(
        error?.code ?? "E_SERVER",
        error?.message ?? `${method} ${path}: HTTP ${response.status}`,
        {
          ...(error?.field ? { field: error.field } : {}),
        },
      );
    }
    return parsed as T;
  }

  /** Submits a CreateHyperParameterTuningJob request with the options it runs with; returns its name. */
  async createTuningJob(request: unknown, runOptions: Partial<RunOptions>): Promise<string> {
    const body = { ...(request as Record<string, unknown>), TunekitRunOptions: runOptions };
    const created = await this.call<{ HyperParameterTuningJobName: string }>("POST", "/api/tuning-jobs", body);
    return created.HyperParameterTuningJobName;
  }

  async createTrainingJob(request: unknown, runOptions: Partial<RunOptions>): Promise<string> {
    const body = { ...(request as Record<string, unknown>), TunekitRunOptions: runOptions };
    const created = await this.call<{ TrainingJobName: string }>("POST", "/api/training-jobs", body);
    return created.TrainingJobName;
  }

  describeTuningJob(name: string): Promise<RemoteTuningJob> {
    return this.call("GET", `/api/tuning-jobs/${encodeURIComponent(name)}`);
  }

  describeTrainingJob(
    name: string,
  ): Promise<{ TrainingJobStatus: string; FailureReason?: string; ModelArtifacts?: { S3ModelArtifacts: string } }> {
    return this.call("GET", `/api/training-jobs/${encodeURIComponent(name)}`);
  }

  /** Every training job of a tuning job, in the order they were created. */
  async trainingJobs(name: string): Promise<RemoteTrainingJobSummary[]> {
    const jobs: RemoteTrainingJobSummary[] = [];
    for (let offset = 0; ; ) {
      const page = await this.call<{ TrainingJobSummaries: RemoteTrainingJobSummary[]; NextOffset?: number }>(
        "GET",
        `/api/tuning-jobs/${encodeURIComponent(name)}/training-jobs?limit=1000&offset=${offset}&sortBy=CreationTime`,
      );
      jobs.push(...page.TrainingJobSummaries);
      if (page.NextOffset === undefined) return jobs;
      offset = page.NextOffset;
    }
  }

  async readLog(name: string, after: number): Promise<{ next: number; text: string; complete: boolean }> {
    return this.call("GET", `/api/training-jobs/${encodeURIComponent(name)}/logs?after=${after}`);
  }

  async stop(kind: "tuning-job" | "training-job", name: string): Promise<void> {
    await this.call("POST", `/api/${kind}s/${encodeURIComponent(name)}/stop`, {});
  }

  /** Any of the API's GET resources, as JSON (Describe shapes, analytics rows, importance, metrics). */
  get<T>(path: string): Promise<T> {
    return this.call("GET", path);
  }
}
