import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import { Command } from "commander";
import { describeTrainingJob } from "../../api/index.js";
import { readDocument } from "../../config/files.js";
import { loadLocalConfig } from "../../config/local-config.js";
import { detectGpus } from "../../jobs/gpus.js";
import { defaultJobSettings, parseS3Mapping, prepareTrainingJob, runTrainingJob } from "../../jobs/index.js";
import { reapOrphanedJobs } from "../../jobs/orphans.js";
import type { SandboxMode } from "../../jobs/sandbox.js";
import { storeLocation } from "../../store/location.js";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { onInterrupt } from "../interrupt.js";
import { json } from "../output.js";

interface TrainOptions extends CommonOptions {
  s3Map: string[];
  python?: string;
  config?: string;
  sandbox?: SandboxMode;
  cpus?: string;
  quiet?: boolean;
}

export function trainCommand(): Command {
  return addCommonOptions(
    new Command("train")
      .argument("<file>", "a CreateTrainingJob request, JSON or YAML")
      .description("run a training job on this machine under SageMaker's container contract, streaming its log")
      .option(
        "--s3-map <s3-prefix=dir>",
        "read and write s3://prefix in a local directory (repeatable)",
        (value: string, previous: string[]) => [...previous, value],
        [],
      )
      .option("--python <interpreter>", "the Python for .py entry points (default $TUNEKIT_PYTHON, else python3)")
      .option("--config <file>", "tunekit's local settings (s3Map, python, logCapBytes, sandbox, stopGraceSeconds)")
      .option("--sandbox <mode>", "auto (bubblewrap when installed), bwrap, or none")
      .option("--cpus <n>", "cores given to the job (SM_NUM_CPUS, OMP_NUM_THREADS)")
      .option("--quiet", "do not stream the job's log")
      .addHelpText(
        "after",
        "\nExample:\n  tunekit train examples/train-job.json --s3-map s3://my-bucket/glue=../shared/data/glue --python /usr/bin/python3",
      ),
  ).action((file: string, options: TrainOptions) =>
    withContext(options, async ({ store, output }) => {
      const config = loadLocalConfig(options.config ?? process.env.TUNEKIT_CONFIG);
      const settings = defaultJobSettings(dirname(storeLocation(options.store)), {
        baseDir: dirname(resolve(file)),
        s3Map: [
          ...options.s3Map.map((m) => parseS3Mapping(m)),
          ...Object.entries(config.s3Map).map(([prefix, dir]) => parseS3Mapping(`${prefix}=${dir}`, "config.s3Map")),
        ],
        python: options.python ?? process.env.TUNEKIT_PYTHON ?? config.python ?? "python3",
        ...(config.logCapBytes ? { logCapBytes: config.logCapBytes } : {}),
        sandbox: options.sandbox ?? config.sandbox ?? "auto",
        ...(config.stopGraceSeconds === undefined ? {} : { stopGraceMs: config.stopGraceSeconds * 1000 }),
        resources: {
          cpus: options.cpus ? Math.max(1, Number(options.cpus)) : availableParallelism(),
          gpus: detectGpus(),
        },
      });
      const job = prepareTrainingJob(readDocument(file, "file"), settings);
      for (const name of await reapOrphanedJobs(store, Date.now())) {
        output.out(`[tunekit] ${name}: its tunekit process had died; marked Failed and its processes ended`);
      }
      const abort = new AbortController();
      onInterrupt(() => abort.abort());
      const quiet = options.quiet || options.json;
      const record = await runTrainingJob({
        store,
        job,
        settings,
        signal: abort.signal,
        ...(quiet ? {} : { onLine: (line: string) => output.out(line) }),
      });
      onInterrupt(undefined);
      const view = describeTrainingJob(store, record);
      if (options.json) output.out(json(view));
      else
        output.out(
          `\n${record.name}: ${record.status}${record.failureReason ? ` (${record.failureReason.split("\n")[0]})` : ""}`,
        );
      if (abort.signal.aborted) process.exitCode = ExitCode.interrupted;
      else if (record.status !== "Completed") process.exitCode = ExitCode.failure;
    }),
  );
}
