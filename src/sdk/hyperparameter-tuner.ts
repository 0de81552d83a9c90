import { dirname, join } from "node:path";
import { describeTuningJob } from "../api/describe.js";
import { parseTuningJobRequest } from "../config/tuning-job-request.js";
import { TunekitError } from "../errors.js";
import { type ParameterRange, SearchSpace, toParameterRanges } from "../space/index.js";
import type { TuningJobRecord } from "../store/index.js";
import { LocalExecutor } from "../tuner/local-executor.js";
import { runTuningJob, type TuningEvent } from "../tuner/run-tuning-job.js";
import { SlotPool } from "../tuner/slot-pool.js";
import { HyperparameterTuningJobAnalytics } from "./analytics.js";
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
  static attach(name: string, options: SessionOptions = {}): HyperparameterTuner {
    const session = new Session(options);
    const job = session.store.getTuningJob(name);
    if (job?.kind !== "tuning-job") {
      throw new TunekitError("E_NOT_FOUND", `no tuning job named "${name}"`, { field: "name" });
    }
    const request = parseTuningJobRequest(job.config);
    const definition = request.definitions[0];
    const ranges = Object.fromEntries(definition ? definition.space.ranges() : []);
    const tuner = new HyperparameterTuner(undefined, definition?.objective.MetricName ?? "", ranges, {}, session);
    tuner.latestTuningJob = job.name;
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
   * Starts the tuning job. With `wait` (the default) it resolves when the job
   * has ended; without, once it has started (then `wait()` for the end).
   */
  async fit(inputs?: Inputs, options: { jobName?: string; wait?: boolean } = {}): Promise<void> {
    const job = parseTuningJobRequest(this.request(inputs, options.jobName));
    const { store, settings, storePath } = this.session;
    let opened: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      opened = resolve;
    });
    this.latestTuningJob = job.request.HyperParameterTuningJobName;
    this.running = runTuningJob({
      store,
      job,
      executor: new LocalExecutor(
        store,
        settings,
        new SlotPool(join(dirname(storePath), "slots"), settings.slots, settings.resources),
      ),
      signal: this.abort.signal,
      stopGraceMs: settings.stopGraceMs,
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
  async wait(pollMs = 1000): Promise<TuningJobRecord> {
    if (this.running) return this.running;
    for (;;) {
      const job = this.store().getTuningJob(this.name());
      if (job && job.status !== "InProgress" && job.status !== "Stopping") return job;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Stops the tuning job and its running training jobs (here, or through a stop request to the process running it). */
  stopTuningJob(): void {
    if (this.running) this.abort.abort();
    else this.store().requestStop("tuning-job", this.name(), Date.now(), "user");
  }

  /** DescribeHyperParameterTuningJob. */
  describe() {
    const job = this.store().getTuningJob(this.name());
    if (!job) throw new TunekitError("E_NOT_FOUND", `no tuning job named "${this.name()}"`);
    return describeTuningJob(this.store(), job);
  }

  /** The name of the best training job so far. */
  bestTrainingJob(): string {
    const best = this.describe().BestTrainingJob;
    if (!best) throw new TunekitError("E_NO_BEST", `tuning job ${this.name()} has no completed training job yet`);
    return best.TrainingJobName;
  }

  analytics(): HyperparameterTuningJobAnalytics {
    return new HyperparameterTuningJobAnalytics(this.name(), { store: this.store() });
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

  private store() {
    return this.session.store;
  }

  close(): void {
    this.session.close();
  }
}
