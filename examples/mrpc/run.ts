// The seed workload: the learning rate of a classifier fine-tuned on GLUE
// MRPC, tuned with the seed's own request (tuning-job.json: 5e-6..5e-4 on a
// log scale, the `'f1_': ...` metric regex, Bayesian, 30 jobs, 3 in parallel,
// early stopping Auto), then the report with the seed's two plots and its two
// findings measured on this run.
//
//   npx tsx examples/mrpc/run.ts [--jobs N] [--parallel N] [--name NAME] [--out DIR] [--store PATH]
//
// The data comes from ../shared/data/glue/MRPC by default (tunekit.config.yaml's
// s3Map): point s3://my-bucket/glue at your own GLUE_DIR. Python jobs run with
// the config's interpreter (/usr/bin/python3, where Debian's python3-torch is).
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exampleOptions, renamedRequest, tunekit } from "../example-runner.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const options = exampleOptions(join(here, "output"));
const { file, name } = renamedRequest(join(here, "tuning-job.json"), options);
tunekit(["tune", file, "--config", join(here, "tunekit.config.yaml")], options.store);
const report = join(options.out, `${name}-report.html`);
tunekit(["report", name, "-o", report, "--charts", join(options.out, `${name}-charts`), "--png"], options.store);
