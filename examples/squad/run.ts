// The SQuAD example: tunes the sliding-window span scorer (code/answer.ts)
// with the tuning job in tuning-job.json on one half of SQuAD v1.1's dev set
// (split by article), then runs one training job with the best job's
// hyperparameters on the other half and reports exact match and F1 on both,
// scored by the official metric (code/squad-metric.ts).
//
//   npx tsx examples/squad/run.ts [--jobs N] [--parallel N] [--name NAME] [--out DIR] [--store PATH]
//
// The data comes from ../shared/data/squad by default (tunekit.config.yaml's
// s3Map): point s3://my-bucket/squad at your own copy of dev-v1.1.json.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exampleOptions, renamedRequest, tunekit } from "../example-runner.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const options = exampleOptions(join(here, "output"));
const config = join(here, "tunekit.config.yaml");

const { file, name, request } = renamedRequest(join(here, "tuning-job.json"), options);
tunekit(["tune", file, "--config", config, "--quiet"], options.store);
const described = JSON.parse(tunekit(["describe", name, "--json"], options.store, true));
const best = described.BestTrainingJob;
if (!best) throw new Error(`${name} has no best training job`);

// The chosen hyperparameters, scored once on the held-out articles.
const definition = request.TrainingJobDefinition;
const holdout = {
  TrainingJobName: `${name}-holdout`,
  RoleArn: definition.RoleArn,
  AlgorithmSpecification: {
    ...definition.AlgorithmSpecification,
    MetricDefinitions: [
      { Name: "f1", Regex: "holdout_f1=([0-9.]+)" },
      { Name: "exact_match", Regex: "holdout_exact_match=([0-9.]+)" },
    ],
  },
  HyperParameters: {
    ...definition.StaticHyperParameters,
    ...Object.fromEntries(Object.entries(best.TunedHyperParameters).map(([k, v]) => [k, String(v)])),
    split: '"holdout"',
  },
  InputDataConfig: definition.InputDataConfig,
  OutputDataConfig: definition.OutputDataConfig,
  ResourceConfig: definition.ResourceConfig,
  StoppingCondition: definition.StoppingCondition,
};
const holdoutFile = join(options.out, `${name}-holdout.request.json`);
writeFileSync(holdoutFile, `${JSON.stringify(holdout, null, 2)}\n`);
tunekit(["train", holdoutFile, "--config", config, "--quiet"], options.store);
const holdoutJob = JSON.parse(tunekit(["describe", holdout.TrainingJobName, "--json"], options.store, true));

const metric = (metrics: { MetricName: string; Value: number }[], metricName: string) =>
  metrics.find((m) => m.MetricName === metricName)?.Value;
const tuneMetrics = JSON.parse(tunekit(["describe", best.TrainingJobName, "--json"], options.store, true))
  .FinalMetricDataList as { MetricName: string; Value: number }[];
const holdoutMetrics = holdoutJob.FinalMetricDataList as { MetricName: string; Value: number }[];
console.log(
  `\n${name}: best of ${request.HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs} jobs is ${best.TrainingJobName}`,
);
console.log(`hyperparameters: ${JSON.stringify(best.TunedHyperParameters)}`);
console.log("articles              exact match      F1");
console.log(
  `tuning half (even)    ${metric(tuneMetrics, "exact_match")?.toFixed(2).padStart(11)}  ${metric(tuneMetrics, "f1")?.toFixed(2).padStart(6)}`,
);
console.log(
  `held-out half (odd)   ${metric(holdoutMetrics, "exact_match")?.toFixed(2).padStart(11)}  ${metric(holdoutMetrics, "f1")?.toFixed(2).padStart(6)}`,
);
const report = join(options.out, `${name}-report.html`);
tunekit(["report", name, "-o", report], options.store);
