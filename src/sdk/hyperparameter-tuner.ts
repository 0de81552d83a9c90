import { systemClock } from "../clock.js";
import { parseTuningJobRequest } from "../config/tuning-job-request.js";
import { TunekitError } from "../errors.js";
import { LocalExecutor, slotPoolFor } from "../executors/index.js";
import { runOptionsOf } from "../jobs/index.js";
import { type ParameterRange, SearchSpace, toParameterRanges } from "../space/index.js";
import type { TuningJobRecord } from "../store/index.js";
import { runTuningJob, type TuningEvent } from "../tuner/index.js";
import { HyperparameterTuningJobAnalytics } from "./analytics.js";
import { backendOf } from "./backend.js";
import { type Estimator, type Inputs, type MetricDefinition, timestampedName } from "./estimator.js";
import { Session, type SessionOptions } from "./session.js";

export interface WarmStartConfig {
  readonly warmStartType: "IdenticalDataAndAlgorithm" | "TransferLearning";
  readonly parents: readonly string[];
}

/** The SageMaker Python SDK's HyperparameterTuner arguments, in camelCase. */
export interface HyperparameterTunerOptions {
  readonly metricDefinitions?: readonly MetricDefinition[];
  readonly strategy?: "Bayesian" | "Random" | "Hyperband" | "Grid";
  readonly objectiveType?: "Maximize" | "Minimize";
  readonly maxJobs?: number;
  readonly maxParallelJobs?: number;
  readonly maxRuntimeInSeconds?: number;
  readonly baseTuningJobName?: string;
  readonly warmStartConfig?: WarmStartConfig;
  readonly strategyConfig?: { hyperbandStrategyConfig?: { minResource?: number; maxResource?: number } };
  readonly completionCriteriaConfig?: {
    targetObjectiveMetricValue?: number;
    maxNumberOfTrainingJobsNotImproving?: number;
    completeOnConvergence?: boolean;
  };
  readonly earlyStoppingType?: "Off" | "Auto";
  readonly randomSeed?: number;
  /** Called as jobs start, stop early and finish. */
  readonly onEvent?: (event: TuningEvent) => void;
}

/**
 * Tunes an Estimator's hyperparameters with a tuning job run on this machine:
 * `fit()` builds the CreateHyperParameterTuningJob request (`request()`) and
 * runs it in this process, exactly as `tunekit tune` would run that request.
 */
export class HyperparameterTuner {
  readonly session: Session;
  latestTuningJob: string | undefined;
  private running: Promise<TuningJobRecord> | undefined;
  private readonly abort = new AbortController();

  constructor(
    readonly estimator: Estimator | undefined,
    readonly objectiveMetricName: string,
    readonly hyperparameterRanges: Record<string, ParameterRange>,
    readonly options: HyperparameterTunerOptions = {},
    session?: Session,
  ) {
    this.session = session ?? estimator?.session ?? new Session();
  }

  /** A tuner for a tuning job that already exists (to wait on, describe, stop, or analyse it). */
  static async attach(name: string, options: SessionOptions = {}): Promise<HyperparameterTuner> {
    const session = new Session(options);
    const described = await backendOf(session).describeTuningJob(name);
    if (described.Kind !== "tuning-job") {
      throw new TunekitError("E_NOT_FOUND", `no tuning job named "${name}"`, { field: "name" });
    }
    // Describe echoes the request's fields: the request is read back from them.
    const echoed = described as unknown as Record<string, unknown>;
    const request = parseTuningJobRequest(
      Object.fromEntries(
        [
          "HyperParameterTuningJobName",
          "HyperParameterTuningJobConfig",
          "TrainingJobDefinition",
          "TrainingJobDefinitions",
          "WarmStartConfig",
        ]
          .filter((field) => echoed[field] !== undefined)
          .map((field) => [field, echoed[field]]),
      ),
    );
    const definition = request.definitions[0];
    const ranges = Object.fromEntries(definition ? definition.space.ranges() : []);
    const tuner = new HyperparameterTuner(undefined, definition?.objective.MetricName ?? "", ranges, {}, session);
    tuner.latestTuningJob = described.HyperParameterTuningJobName;
    return tuner;
  }

  /** The CreateHyperParameterTuningJob request `fit()` runs. */
  request(inputs?: Inputs, jobName?: string): Record<string, unknown> {
    if (!this.estimator) throw new TunekitError("E_NO_ESTIMATOR", "an attached tuner has no estimator to run");
    const o = this.options;
    const definition = this.estimator.definition(inputs) as {
      AlgorithmSpecification: { MetricDefinitions: unknown[] };
    };
    if (o.metricDefinitions) definition.AlgorithmSpecification.MetricDefinitions = [...o.metricDefinitions];
    const statics = (definition as unknown as { StaticHyperParameters: Record<string, string> }).StaticHyperParameters;
    for (const name of Object.keys(this.hyperparameterRanges)) delete statics[name];
    const hyperband = o.strategyConfig?.hyperbandStrategyConfig;
    const criteria = o.completionCriteriaConfig;
    return {
      HyperParameterTuningJobName: jobName ?? timestampedName(o.baseTuningJobName ?? "tunekit-tuning", 32),
      HyperParameterTuningJobConfig: {
        Strategy: o.strategy ?? "Bayesian",
        ...(hyperband
          ? {
              StrategyConfig: {
                HyperbandStrategyConfig: {
                  ...(hyperband.minResource === undefined ? {} : { MinResource: hyperband.minResource }),
                  ...(hyperband.maxResource === undefined ? {} : { MaxResource: hyperband.maxResource }),
                },
              },
            }
          : {}),
        HyperParameterTuningJobObjective: { Type: o.objectiveType ?? "Maximize", MetricName: this.objectiveMetricName },
        ResourceLimits: {
          ...(o.maxJobs === undefined ? {} : { MaxNumberOfTrainingJobs: o.maxJobs }),
          MaxParallelTrainingJobs: o.maxParallelJobs ?? 1,
          ...(o.maxRuntimeInSeconds === undefined ? {} : { MaxRuntimeInSeconds: o.maxRuntimeInSeconds }),
        },
        ParameterRanges: toParameterRanges(new SearchSpace(this.hyperparameterRanges)),
        TrainingJobEarlyStoppingType: o.earlyStoppingType ?? "Off",
        ...(criteria
          ? {
              TuningJobCompletionCriteria: {
                ...(criteria.targetObjectiveMetricValue === undefined
                  ? {}
                  : { TargetObjectiveMetricValue: criteria.targetObjectiveMetricValue }),
                ...(criteria.maxNumberOfTrainingJobsNotImproving === undefined
                  ? {}
                  : {
                      BestObjectiveNotImproving: {
                        MaxNumberOfTrainingJobsNotImproving: criteria.maxNumberOfTrainingJobsNotImproving,
                      },
                    }),
                ...(criteria.completeOnConvergence === undefined
                  ? {}
                  : {
                      ConvergenceDetected: {
                        CompleteOnConvergence: criteria.completeOnConvergence ? "Enabled" : "Disabled",
                      },
                    }),
              },
            }
          : {}),
        ...(o.randomSeed === undefined ? {} : { RandomSeed: o.randomSeed }),
      },
      TrainingJobDefinition: definition,
      ...(o.warmStartConfig
        ? {
            WarmStartConfig: {
              ParentHyperParameterTuningJobs: o.warmStartConfig.parents.map((p) => ({
                HyperParameterTuningJobName: p,
              })),
              WarmStartType: o.warmStartConfig.warmStartType,
            },
          }
        : {}),
    };
  }

  /**
   * Starts the tuning job: in this process, or on the session's tunekit server. With `wait` (the default)
   * it resolves when the job has ended; without, once it has started (then `wait()` for the end).
   */
  async fit(inputs?: Inputs, options: { jobName?: string; wait?: boolean } = {}): Promise<void> {
    const request = this.request(inputs, options.jobName);
    const { settings, client } = this.session;
    if (client) {
      this.latestTuningJob = await client.createTuningJob(request, runOptionsOf(settings));
      if (options.wait !== false) await this.wait();
      return;
    }
    const job = parseTuningJobRequest(request);
    const store = await this.session.store();
    let opened: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      opened = resolve;
    });
    this.latestTuningJob = job.request.HyperParameterTuningJobName;
    const parallel = job.request.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs;
    this.running = runTuningJob({
      store,
      job,
      executor: new LocalExecutor(store, settings, {
        slots: slotPoolFor(settings),
        concurrency: Math.min(parallel, settings.slots ?? parallel),
      }),
      signal: this.abort.signal,
      stopGraceMs: settings.stopGraceMs,
      runOptions: runOptionsOf(settings),
      onOpened: () => opened(),
      ...(this.options.onEvent ? { onEvent: this.options.onEvent } : {}),
    });
    if (options.wait === false) {
      // Report a request the tuner refused (it throws before opening) instead of a start that never came.
      await Promise.race([started, this.running]);
      return;
    }
    await this.running;
  }

  /** Resolves when the tuning job has ended (for one started here, or attached and run elsewhere). */
  async wait(pollMs = 1000): Promise<void> {
    if (this.running) {
      await this.running;
      return;
    }
    for (;;) {
      const status = (await this.describe()).HyperParameterTuningJobStatus;
      if (status !== "InProgress" && status !== "Stopping") return;
      await systemClock.sleep(pollMs);
    }
  }

  /** Stops the tuning job and its running training jobs (here, or through a stop request to whoever runs it). */
  async stopTuningJob(): Promise<void> {
    if (this.running) this.abort.abort();
    else await backendOf(this.session).stop("tuning-job", this.name());
  }

  /** DescribeHyperParameterTuningJob. */
  describe() {
    return backendOf(this.session).describeTuningJob(this.name());
  }

  /** The name of the best training job so far. */
  async bestTrainingJob(): Promise<string> {
    const best = (await this.describe()).BestTrainingJob;
    if (!best) throw new TunekitError("E_NO_BEST", `tuning job ${this.name()} has no completed training job yet`);
    return best.TrainingJobName;
  }

  analytics(): HyperparameterTuningJobAnalytics {
    return new HyperparameterTuningJobAnalytics(this.name(), this.session);
  }

  /** A new tuner warm-started from this tuning job (and others) with TransferLearning. */
  transferLearningTuner(options: { additionalParents?: readonly string[]; estimator?: Estimator } = {}) {
    return this.warmStarted("TransferLearning", options);
  }

  /** A new tuner warm-started from this tuning job (and others) with IdenticalDataAndAlgorithm. */
  identicalDatasetAndAlgorithmTuner(options: { additionalParents?: readonly string[] } = {}) {
    return this.warmStarted("IdenticalDataAndAlgorithm", options);
  }

  private warmStarted(
    warmStartType: WarmStartConfig["warmStartType"],
    options: { additionalParents?: readonly string[]; estimator?: Estimator },
  ): HyperparameterTuner {
    const parents = [this.name(), ...(options.additionalParents ?? [])];
    return new HyperparameterTuner(
      options.estimator ?? this.estimator,
      this.objectiveMetricName,
      this.hyperparameterRanges,
      { ...this.options, warmStartConfig: { warmStartType, parents } },
      this.session,
    );
  }

  private name(): string {
    if (!this.latestTuningJob) throw new TunekitError("E_NO_TUNING_JOB", "no tuning job yet: call fit() first");
    return this.latestTuningJob;
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
