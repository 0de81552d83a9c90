import type { TrainingJobRequest } from "../config/training-job-request.js";
import { isFrameworkHyperparameter, toolkitArguments, userHyperparameters } from "./arguments.js";
import { JobLayout } from "./job-layout.js";
import { decodeHyperparameter, fromJs, type PyValue, pythonJsonDumps, pythonSorted } from "./python-value.js";

/** What the executor gave this job. */
export interface JobResources {
  readonly cpus: number;
  /** GPU indices for CUDA_VISIBLE_DEVICES; empty for a CPU job. */
  readonly gpus: readonly string[];
}

export const CURRENT_HOST = "algo-1";
const INSTANCE_GROUP = "homogeneousCluster";

/** input/config/inputdataconfig.json: per channel, its input mode and record settings. */
export function inputDataConfig(request: TrainingJobRequest): Record<string, Record<string, string>> {
  return Object.fromEntries(
    (request.InputDataConfig ?? []).map((channel) => [
      channel.ChannelName,
      {
        TrainingInputMode: channel.InputMode ?? request.AlgorithmSpecification.TrainingInputMode,
        S3DistributionType: channel.DataSource.S3DataSource.S3DataDistributionType ?? "FullyReplicated",
        RecordWrapperType: channel.RecordWrapperType ?? "None",
        ...(channel.ContentType ? { ContentType: channel.ContentType } : {}),
      },
    ]),
  );
}

/** input/config/resourceconfig.json for a single local host. */
export function resourceConfig(request: TrainingJobRequest) {
  return {
    current_host: CURRENT_HOST,
    current_instance_type: request.ResourceConfig.InstanceType,
    current_group_name: INSTANCE_GROUP,
    hosts: [CURRENT_HOST],
    instance_groups: [
      {
        instance_group_name: INSTANCE_GROUP,
        instance_type: request.ResourceConfig.InstanceType,
        hosts: [CURRENT_HOST],
      },
    ],
    network_interface_name: "eth0",
  };
}

/** The decoded value of a script-mode setting such as sagemaker_program ("\"train.py\"" and "train.py" both mean train.py). */
export function frameworkSetting(request: TrainingJobRequest, key: string): string | undefined {
  const raw = request.HyperParameters[key];
  if (raw === undefined) return undefined;
  const value = decodeHyperparameter(raw);
  return value.kind === "str" ? value.value : raw;
}

/**
 * The environment of the training toolkit (its to_env_vars), with every
 * path as the job sees it (`ml` is /opt/ml inside the sandbox), plus
 * TRAINING_JOB_NAME/ARN, thread limits for the job's share of cores, GPU
 * visibility, and the request's own Environment (which wins).
 */
export function jobEnvironment(
  request: TrainingJobRequest,
  ml: string,
  resources: JobResources,
  arn: string,
): Record<string, string> {
  const paths = JobLayout.paths(ml);
  const hps = userHyperparameters(request.HyperParameters);
  const hpsDict: PyValue = { kind: "dict", entries: [...hps] };
  const frameworkParams: PyValue = {
    kind: "dict",
    entries: Object.entries(request.HyperParameters)
      .filter(([k]) => k.startsWith("sagemaker_") && isFrameworkHyperparameter(k))
      .filter(([k]) => !KNOWN_SAGEMAKER_KEYS.has(k))
      .map(([k, v]) => [k, decodeHyperparameter(v)] as const),
  };
  const channels = pythonSorted((request.InputDataConfig ?? []).map((c) => c.ChannelName));
  const program = frameworkSetting(request, "sagemaker_program") ?? "";
  const resource = resourceConfig(request);
  const env: Record<string, PyValue | string> = {
    hosts: fromJs([CURRENT_HOST]),
    network_interface_name: "eth0",
    hps: hpsDict,
    user_entry_point: program,
    framework_params: frameworkParams,
    resource_config: fromJs(resource),
    input_data_config: fromJs(inputDataConfig(request)),
    output_data_dir: paths.outputData,
    channels: fromJs(channels),
    current_host: CURRENT_HOST,
    current_instance_type: request.ResourceConfig.InstanceType,
    current_instance_group: INSTANCE_GROUP,
    current_instance_group_hosts: fromJs([CURRENT_HOST]),
    instance_groups: fromJs([INSTANCE_GROUP]),
    instance_groups_dict: fromJs({
      [INSTANCE_GROUP]: {
        hosts: [CURRENT_HOST],
        instance_group_name: INSTANCE_GROUP,
        instance_type: request.ResourceConfig.InstanceType,
      },
    }),
    distribution_instance_groups: fromJs([]),
    is_hetero: fromJs(false),
    module_name: program.replace(/\.py$/, ""),
    log_level: fromJs(20),
    framework_module: "",
    input_dir: paths.input,
    input_config_dir: paths.inputConfig,
    output_dir: paths.output,
    num_cpus: fromJs(resources.cpus),
    num_gpus: fromJs(resources.gpus.length),
    num_neurons: fromJs(0),
    model_dir: paths.model,
    module_dir: frameworkSetting(request, "sagemaker_submit_directory") ?? "",
    user_args: fromJs(toolkitArguments(request.HyperParameters)),
    output_intermediate_dir: paths.outputIntermediate,
  };
  for (const channel of channels) env[`channel_${channel}`] = paths.channel(channel);
  for (const [key, value] of hps) env[`hp_${key}`] = value;
  const trainingEnv: PyValue = {
    kind: "dict",
    entries: Object.entries(env).map(([k, v]) => [k, typeof v === "string" ? fromJs(v) : v] as const),
  };
  env.training_env = trainingEnv;

  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    out[`SM_${key.toUpperCase()}`] =
      typeof value === "string" ? value : value.kind === "str" ? value.value : pythonJsonDumps(value);
  }
  const threads = String(resources.cpus);
  return {
    ...out,
    TRAINING_JOB_NAME: request.TrainingJobName,
    TRAINING_JOB_ARN: arn,
    CURRENT_HOST,
    OMP_NUM_THREADS: threads,
    MKL_NUM_THREADS: threads,
    OPENBLAS_NUM_THREADS: threads,
    CUDA_VISIBLE_DEVICES: resources.gpus.join(","),
    ...request.Environment,
  };
}

/** The toolkit's own settings; other sagemaker_* keys are passed to the script as SM_FRAMEWORK_PARAMS. */
const KNOWN_SAGEMAKER_KEYS = new Set([
  "sagemaker_program",
  "sagemaker_submit_directory",
  "sagemaker_enable_cloudwatch_metrics",
  "sagemaker_region",
  "sagemaker_container_log_level",
  "sagemaker_job_name",
  "sagemaker_s3_output",
]);
