// npm run bench:sagemaker [-- --clients 20 --seconds 30]
// 20 boto3 clients (one process each) for 30 s describing a running tuning job, listing its training jobs and
// describing one of them through tunekit serve's SageMaker API (SigV4 verified with a configured key), while the
// tuning job runs its training jobs: calls, errors (must be none), p50 and p99 latency per operation.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  CreateHyperParameterTuningJobCommand,
  type CreateHyperParameterTuningJobCommandInput,
  DescribeHyperParameterTuningJobCommand,
  SageMakerClient,
  StopHyperParameterTuningJobCommand,
} from "@aws-sdk/client-sagemaker";
import { ACCESS_KEY, SECRET_KEY, startSageMakerServe, TUNING_REQUEST } from "../test/helpers/sagemaker-serve.js";
import { waitFor } from "../test/helpers/serve.js";
import { machineDescription, markdownTable } from "./report.js";

const { values: args } = parseArgs({
  options: { clients: { type: "string", default: "20" }, seconds: { type: "string", default: "30" } },
});
const LOAD = fileURLToPath(new URL("../test/sagemaker/boto3_load.py", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "tunekit-bench-sagemaker-"));
const server = await startSageMakerServe(root, process.env.TUNEKIT_TEST_PYTHON ?? "/usr/bin/python3");
const client = new SageMakerClient({
  endpoint: server.url,
  region: "us-east-1",
  credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
});

interface LoadReport {
  calls: number;
  errors: number;
  first_errors: string[];
  elapsed: number;
  p50: number;
  p99: number;
  per_operation: Record<string, { calls: number; p50: number; p99: number }>;
}

try {
  const name = "bench-load";
  const request = JSON.parse(readFileSync(TUNING_REQUEST, "utf8")) as CreateHyperParameterTuningJobCommandInput & {
    TrainingJobDefinition: { StaticHyperParameters: Record<string, string> };
  };
  request.HyperParameterTuningJobName = name;
  const config = request.HyperParameterTuningJobConfig as NonNullable<
    CreateHyperParameterTuningJobCommandInput["HyperParameterTuningJobConfig"]
  >;
  config.Strategy = "Random";
  // Enough jobs of 3 epochs of 1 s, 2 at a time, that the tuning job outlives the load.
  config.ResourceLimits = { MaxNumberOfTrainingJobs: 200, MaxParallelTrainingJobs: 2 };
  request.TrainingJobDefinition.StaticHyperParameters.sleep = "1";
  await client.send(new CreateHyperParameterTuningJobCommand(request));
  await waitFor("a training job to run", async () => {
    const d = await client.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }));
    return (d.TrainingJobStatusCounters?.InProgress ?? 0) > 0;
  });
  const result = spawnSync("python3", [LOAD, server.url, ACCESS_KEY, SECRET_KEY, name], {
    env: { ...process.env, CLIENTS: args.clients, SECONDS: args.seconds },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`the load failed: ${result.stderr}`);
  const report = JSON.parse(result.stdout) as LoadReport;
  const after = await client.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }));
  await client.send(new StopHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }));
  const ms = (v: number | null | undefined) => (v === null || v === undefined ? "" : v.toFixed(1));
  console.log(`## bench:sagemaker: ${args.clients} boto3 clients for ${args.seconds} s against a running tuning job\n`);
  console.log(
    `Command: \`npm run bench:sagemaker -- --clients ${args.clients} --seconds ${args.seconds}\`. Date: ${new Date().toISOString().slice(0, 10)}. Machine: ${machineDescription()}.\n`,
  );
  console.log(
    markdownTable(
      ["operation", "calls", "calls/s", "p50 ms", "p99 ms"],
      [
        ...Object.entries(report.per_operation).map(([op, r]) => [
          op,
          String(r.calls),
          (r.calls / report.elapsed).toFixed(0),
          ms(r.p50),
          ms(r.p99),
        ]),
        ["all", String(report.calls), (report.calls / report.elapsed).toFixed(0), ms(report.p50), ms(report.p99)],
      ],
    ),
  );
  console.log(
    `\nErrors: ${report.errors}${report.errors ? ` (${report.first_errors.join("; ")})` : ""}. The tuning job was ${after.HyperParameterTuningJobStatus} after the load, with ${after.TrainingJobStatusCounters?.Completed} training jobs completed and ${after.TrainingJobStatusCounters?.InProgress} running.`,
  );
  if (report.errors > 0) process.exitCode = 1;
} finally {
  client.destroy();
  await server.stop();
  rmSync(root, { recursive: true, force: true });
}
