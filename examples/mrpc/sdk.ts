// The seed's notebook written with tunekit's TypeScript SDK: the same
// estimator, ranges and tuner options as examples/mrpc/tuning-job.json.
//
//   npx tsx examples/mrpc/sdk.ts [MAX_JOBS]
import { fileURLToPath } from "node:url";
import { ContinuousParameter, Estimator, HyperparameterTuner } from "../../src/index.js";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const metricDefinitions = [{ Name: "f1_score", Regex: "'f1_': ([0-9\\.]+)" }];
const estimator = new Estimator({
  entryPoint: "run_glue.py",
  sourceDir: here("./code"),
  python: "/usr/bin/python3",
  hyperparameters: {
    model_type: "bert",
    model_name_or_path: "bert-base-uncased",
    task_name: "MRPC",
    data_dir: "/opt/ml/input/data/training",
    output_dir: "/opt/ml/model",
    num_train_epochs: 3,
    per_gpu_train_batch_size: 64,
    per_gpu_eval_batch_size: 64,
    save_steps: 150,
    logging_steps: 150,
  },
  metricDefinitions,
});
const tuner = new HyperparameterTuner(
  estimator,
  "f1_score",
  { learning_rate: new ContinuousParameter(5e-6, 5e-4, "Logarithmic") },
  {
    metricDefinitions,
    strategy: "Bayesian",
    maxJobs: Number(process.argv[2] ?? 30),
    maxParallelJobs: 3,
    earlyStoppingType: "Auto",
  },
);
await tuner.fit({ training: `file://${here("../../../shared/data/glue/MRPC")}` });
console.log((await tuner.describe()).BestTrainingJob);
console.table(await tuner.analytics().dataframe());
