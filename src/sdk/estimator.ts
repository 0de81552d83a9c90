import { resolve } from "node:path";
import { systemClock } from "../clock.js";
import { TunekitError } from "../errors.js";
import { runOptionsOf } from "../jobs/index.js";
import type { describeTrainingJob } from "../services/describe.js";
import { runTrainingJobHere } from "../services/submit.js";
import type { ServerClient } from "../transports/http/client.js";
import { backendOf } from "./backend.js";
import { Session, type SessionOptions } from "./session.js";

type TrainingJobDescription = Awaited<ReturnType<typeof describeTrainingJob>>;

/** A channel's data: one URI (the "training" channel), or a URI per channel name. */
export type Inputs = string | Record<string, string>;

export interface MetricDefinition {
  readonly Name: string;
  readonly Regex: string;
}

/** The SageMaker Python SDK's Estimator arguments, in camelCase, for a script run on this machine. */
export interface EstimatorOptions extends SessionOptions {
  readonly entryPoint: string;
  readonly sourceDir?: string;
  /** Static hyperparameters; each is JSON-encoded as the SDK's framework estimators encode them. */
  readonly hyperparameters?: Record<string, unknown>;
  readonly instanceType?: string;
  readonly instanceCount?: number;
  /** MaxRuntimeInSeconds of each job (default 86,400). */
  readonly maxRun?: number;
  readonly outputPath?: string;
  readonly metricDefinitions?: readonly MetricDefinition[];
  readonly environment?: Record<string, string>;
  readonly checkpointS3Uri?: string;
  readonly checkpointLocalPath?: string;
  readonly maxRetryAttempts?: number;
  readonly baseJobName?: string;
}

/** `name-yyMMdd-HHmmss-mmm`, as the SDK names jobs it is not given a name for, within `max` characters. */
export function timestampedName(base: string, max: number): string {
  const t = new Date().toISOString().replace(/[-:TZ.]/g, "");
  const stamp = `${t.slice(2, 8)}-${t.slice(8, 14)}-${t.slice(14, 17)}`;
  return `${base.slice(0, max - stamp.length - 1).replace(/-+$/, "")}-${stamp}`;
}

/**
 * A training script and how to run it: `fit()` runs it as a training job
 * under the SageMaker container contract, as `tunekit train` would run the
 * CreateTrainingJob request `trainingRequest()` builds: in this process, or
 * on a tunekit server when the session names one.
 */
export class Estimator {
  readonly session: Session;
  /** The name of the latest training job `fit()` ran. */
  latestTrainingJob: string | undefined;

  constructor(readonly options: EstimatorOptions) {
    this.session = new Session(options);
  }

  /** The parts of a training job that do not change from job to job: the HyperParameterTrainingJobDefinition. */
  definition(inputs: Inputs | undefined): Record<string, unknown> {
    const o = this.options;
    const base = this.session.settings.baseDir;
    const channels = inputs === undefined ? {} : typeof inputs === "string" ? { training: inputs } : inputs;
    const hyperparameters: Record<string, string> = {
      sagemaker_program: JSON.stringify(o.entryPoint),
      sagemaker_submit_directory: JSON.stringify(resolve(base, o.sourceDir ?? ".")),
    };
    for (const [k, v] of Object.entries(o.hyperparameters ?? {})) hyperparameters[k] = JSON.stringify(v);
    return {
      AlgorithmSpecification: {
        TrainingInputMode: "File",
        MetricDefinitions: [...(o.metricDefinitions ?? [])],
      },
      StaticHyperParameters: hyperparameters,
      ...(Object.keys(channels).length
        ? {
            InputDataConfig: Object.entries(channels).map(([ChannelName, uri]) => ({
              ChannelName,
              DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: uri } },
            })),
          }
        : {}),
      OutputDataConfig: { S3OutputPath: o.outputPath ?? resolve(this.session.settings.jobsDir, "..", "output") },
      ResourceConfig: { InstanceType: o.instanceType ?? "local", InstanceCount: o.instanceCount ?? 1 },
      StoppingCondition: { MaxRuntimeInSeconds: o.maxRun ?? 86_400 },
      ...(o.environment ? { Environment: o.environment } : {}),
      ...(o.checkpointS3Uri
        ? {
            CheckpointConfig: {
              S3Uri: o.checkpointS3Uri,
              ...(o.checkpointLocalPath ? { LocalPath: o.checkpointLocalPath } : {}),
            },
          }
        : {}),
      ...(o.maxRetryAttempts ? { RetryStrategy: { MaximumRetryAttempts: o.maxRetryAttempts } } : {}),
    };
  }

  /** The CreateTrainingJob request `fit()` runs. */
  trainingRequest(inputs?: Inputs, jobName?: string): Record<string, unknown> {
    const { StaticHyperParameters, ...rest } = this.definition(inputs);
    return {
      TrainingJobName: jobName ?? timestampedName(this.options.baseJobName ?? "tunekit-training", 63),
      HyperParameters: StaticHyperParameters,
      ...rest,
    };
  }

  /**
   * Runs one training job to its end and returns its DescribeTrainingJob: in this process, or on the
   * session's tunekit server. Its log lines go to `onLine` (default: standard output when `logs`).
   */
  async fit(
    inputs?: Inputs,
    options: { jobName?: string; logs?: boolean; onLine?: (line: string) => void; signal?: AbortSignal } = {},
  ): Promise<TrainingJobDescription> {
    const request = this.trainingRequest(inputs, options.jobName);
    const onLine = options.onLine ?? (options.logs ? (line: string) => process.stdout.write(`${line}\n`) : undefined);
    const client = this.session.client;
    const name = request.TrainingJobName as string;
    if (client) {
      await client.createTrainingJob(request, runOptionsOf(this.session.settings));
      options.signal?.addEventListener("abort", () => void client.stop("training-job", name).catch(() => undefined));
      await followRemoteLog(client, name, onLine);
    } else {
      await runTrainingJobHere(await this.session.store(), request, this.session.settings, systemClock, {
        ...(onLine ? { onLine } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    }
    this.latestTrainingJob = name;
    return this.describe();
  }

  /** DescribeTrainingJob of the latest job `fit()` ran. */
  async describe(): Promise<TrainingJobDescription> {
    if (!this.latestTrainingJob) throw new TunekitError("E_NO_TRAINING_JOB", "no training job yet: call fit() first");
    return backendOf(this.session).describeTrainingJob(this.latestTrainingJob);
  }

  /** Where the latest job's model.tar.gz is (ModelArtifacts.S3ModelArtifacts). */
  async modelData(): Promise<string | undefined> {
    return (await this.describe()).ModelArtifacts?.S3ModelArtifacts;
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

/** Prints a job's log from a server as it grows (when `onLine` is given), until the job has ended. */
async function followRemoteLog(client: ServerClient, name: string, onLine?: (line: string) => void): Promise<void> {
  let after = -1;
  let partial = "";
  for (;;) {
    const page = await client.readLog(name, after);
    after = page.next;
    if (onLine && page.text) {
      const lines = (partial + page.text).split("\n");
      partial = lines.pop() as string;
      for (const line of lines) onLine(line);
    }
    if (page.complete) break;
    if (!page.text) await systemClock.sleep(500);
  }
  if (onLine && partial) onLine(partial);
}
