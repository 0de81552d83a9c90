import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateHyperParameterTuningJobCommand,
  type CreateHyperParameterTuningJobCommandInput,
  CreateTrainingJobCommand,
  DescribeHyperParameterTuningJobCommand,
  DescribeTrainingJobCommand,
  paginateListTrainingJobsForHyperParameterTuningJob,
  ResourceInUse,
  ResourceNotFound,
  SageMakerClient,
  SageMakerServiceException,
  waitUntilTrainingJobCompletedOrStopped,
} from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCESS_KEY, SECRET_KEY, startSageMakerServe, TUNING_REQUEST } from "./helpers/sagemaker-serve.js";
import { type ServeProcess, waitFor } from "./helpers/serve.js";

/**
 * The AWS SDK for JavaScript v3 and the AWS CLI (the python3 on PATH's `aws`) against a real `tunekit serve`,
 * changed in nothing but their endpoint.
 */
const PYTHON = process.env.TUNEKIT_TEST_PYTHON ?? "/usr/bin/python3";
const root = mkdtempSync(join(tmpdir(), "tunekit-sagemaker-clients-"));
let server: ServeProcess;
let sagemaker: SageMakerClient;

beforeAll(async () => {
  server = await startSageMakerServe(root, PYTHON);
  sagemaker = new SageMakerClient({
    endpoint: server.url,
    region: "us-east-1",
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  sagemaker?.destroy();
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

function tuningRequest(name: string): CreateHyperParameterTuningJobCommandInput {
  const request = JSON.parse(readFileSync(TUNING_REQUEST, "utf8")) as CreateHyperParameterTuningJobCommandInput;
  request.HyperParameterTuningJobName = name;
  const config = request.HyperParameterTuningJobConfig as NonNullable<
    CreateHyperParameterTuningJobCommandInput["HyperParameterTuningJobConfig"]
  >;
  config.Strategy = "Random";
  config.ResourceLimits = { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 };
  return request;
}

/** A CreateTrainingJob request of the tuning request's definition, with one configuration. */
function trainingRequest(name: string) {
  const definition = JSON.parse(readFileSync(TUNING_REQUEST, "utf8")).TrainingJobDefinition;
  return {
    TrainingJobName: name,
    AlgorithmSpecification: definition.AlgorithmSpecification,
    HyperParameters: { ...definition.StaticHyperParameters, learning_rate: "0.01", layers: "2", optimizer: "sgd" },
    RoleArn: definition.RoleArn,
    OutputDataConfig: definition.OutputDataConfig,
    ResourceConfig: definition.ResourceConfig,
    StoppingCondition: definition.StoppingCondition,
  };
}

async function trainingJobEnded(name: string) {
  return waitFor(`training job ${name} to end`, async () => {
    const d = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
    return d.TrainingJobStatus === "Completed" || d.TrainingJobStatus === "Failed" ? d : undefined;
  });
}

async function tuningJobEnded(name: string) {
  return waitFor(`tuning job ${name} to end`, async () => {
    const d = await sagemaker.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }));
    return d.HyperParameterTuningJobStatus === "Completed" || d.HyperParameterTuningJobStatus === "Failed"
      ? d
      : undefined;
  });
}

describe("the AWS SDK for JavaScript v3", () => {
  it("creates a tuning job, pages its jobs by objective, and raises typed exceptions", async () => {
    const name = "js-tune";
    await sagemaker.send(new CreateHyperParameterTuningJobCommand(tuningRequest(name)));
    const described = await tuningJobEnded(name);
    expect(described.HyperParameterTuningJobStatus).toBe("Completed");
    expect(described.CreationTime).toBeInstanceOf(Date);
    const pages: number[] = [];
    const values: number[] = [];
    for await (const page of paginateListTrainingJobsForHyperParameterTuningJob(
      { client: sagemaker, pageSize: 2 },
      { HyperParameterTuningJobName: name, SortBy: "FinalObjectiveMetricValue", SortOrder: "Ascending" },
    )) {
      pages.push(page.TrainingJobSummaries?.length ?? 0);
      for (const s of page.TrainingJobSummaries ?? []) {
        values.push(s.FinalHyperParameterTuningJobObjectiveMetric?.Value as number);
      }
    }
    expect(pages).toEqual([2, 2]);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(described.BestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric?.Value).toBe(values[0]);

    await expect(sagemaker.send(new CreateHyperParameterTuningJobCommand(tuningRequest(name)))).rejects.toBeInstanceOf(
      ResourceInUse,
    );
    await expect(
      sagemaker.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: "never-made" })),
    ).rejects.toBeInstanceOf(ResourceNotFound);
    const bad = tuningRequest("js-bad");
    (
      bad.HyperParameterTuningJobConfig as { ResourceLimits: { MaxParallelTrainingJobs: number } }
    ).ResourceLimits.MaxParallelTrainingJobs = 0;
    const error = await sagemaker.send(new CreateHyperParameterTuningJobCommand(bad)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SageMakerServiceException);
    expect(error).toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining("'hyperParameterTuningJobConfig.resourceLimits.maxParallelTrainingJobs'"),
    });
  }, 600_000);

  it("waits for a training job with waitUntilTrainingJobCompletedOrStopped", async () => {
    const definition = JSON.parse(readFileSync(TUNING_REQUEST, "utf8")).TrainingJobDefinition;
    await sagemaker.send(
      new CreateTrainingJobCommand({
        TrainingJobName: "js-train",
        AlgorithmSpecification: definition.AlgorithmSpecification,
        HyperParameters: { ...definition.StaticHyperParameters, learning_rate: "0.01", layers: "2", optimizer: "sgd" },
        RoleArn: definition.RoleArn,
        OutputDataConfig: definition.OutputDataConfig,
        ResourceConfig: definition.ResourceConfig,
        StoppingCondition: definition.StoppingCondition,
      }),
    );
    const result = await waitUntilTrainingJobCompletedOrStopped(
      { client: sagemaker, maxWaitTime: 600, minDelay: 1, maxDelay: 2 },
      { TrainingJobName: "js-train" },
    );
    expect(result.state).toBe("SUCCESS");
    const job = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: "js-train" }));
    expect(job).toMatchObject({ TrainingJobStatus: "Completed", SecondaryStatus: "Completed" });
    expect(job.TrainingJobArn).toBe("arn:aws:sagemaker:eu-west-3:123456789012:training-job/js-train");

    // Its log, followed as the SDKs follow one: the stream by prefix, then events by forward token.
    const logs = new CloudWatchLogsClient({
      endpoint: server.url,
      region: "us-east-1",
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
      maxAttempts: 1,
    });
    try {
      const group = "/aws/sagemaker/TrainingJobs";
      const streams = await logs.send(
        new DescribeLogStreamsCommand({ logGroupName: group, logStreamNamePrefix: "js-train/" }),
      );
      const stream = streams.logStreams?.[0]?.logStreamName as string;
      expect(stream).toMatch(/^js-train\/algo-1-\d+$/);
      const messages: string[] = [];
      let token: string | undefined;
      for (;;) {
        const page = await logs.send(
          new GetLogEventsCommand({
            logGroupName: group,
            logStreamName: stream,
            startFromHead: true,
            limit: 2,
            ...(token ? { nextToken: token } : {}),
          }),
        );
        messages.push(...(page.events ?? []).map((e) => e.message as string));
        // The end of the log: the same forward token again, as CloudWatch Logs answers it.
        if (page.nextForwardToken === token) break;
        token = page.nextForwardToken;
      }
      expect(messages.filter((m) => /^epoch \d val_loss=/.test(m))).toHaveLength(3);
      await expect(
        logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: "nobody/algo-1-1" })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
    } finally {
      logs.destroy();
    }
  }, 600_000);
});

/** The environment a user of the AWS CLI sets: keys, region, and the endpoints of SageMaker and CloudWatch Logs. */
function awsEnvironment(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: SECRET_KEY,
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_ENDPOINT_URL_SAGEMAKER: server.url,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: server.url,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
}

/** Debian's AWS CLI where it is version 2 (the one with `aws logs tail`). */
const AWS_V2 = (() => {
  const cli = "/usr/bin/aws";
  const version = spawnSync(cli, ["--version"], { encoding: "utf8", timeout: 60_000 });
  return version.status === 0 && /^aws-cli\/2\./.test(version.stdout) ? cli : undefined;
})();

function writeJson(file: string, value: unknown): string {
  const path = join(root, file);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** The AWS CLI, with the endpoint from AWS_ENDPOINT_URL_SAGEMAKER / AWS_ENDPOINT_URL_LOGS as a user sets it. */
function aws(args: string[]): unknown {
  const result = spawnSync("aws", [...args, "--output", "json"], {
    env: awsEnvironment(),
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`aws ${args.join(" ")}: ${result.stderr}`);
  return result.stdout.trim() === "" ? {} : JSON.parse(result.stdout);
}

describe("tunekit serve beyond loopback", () => {
  it("refuses to start the SageMaker API without access keys, and says how to give them", () => {
    const main = new URL("../src/cli/main.ts", import.meta.url).pathname;
    const result = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        main,
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        "0",
        "--token",
        "t",
        "--store",
        join(root, "x.db"),
      ],
      { encoding: "utf8", timeout: 120_000, env: { ...process.env, TUNEKIT_HOME: join(root, "x-home") } },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /needs access keys \(sagemaker.accessKeys in --config, or \$TUNEKIT_AWS_ACCESS_KEYS\), or --no-aws/,
    );
  });

  // Behind a proxy the server listens on loopback, but its token or allowed host name says it is reached from
  // elsewhere: any signature must not get past what the token guards.
  it.each([
    ["--token", "t"],
    ["--allow-host", "tuning.example.org"],
  ])("refuses the SageMaker API without access keys on loopback with %s", (flag, value) => {
    const main = new URL("../src/cli/main.ts", import.meta.url).pathname;
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", main, "serve", "--port", "0", flag, value, "--store", join(root, "y.db")],
      { encoding: "utf8", timeout: 120_000, env: { ...process.env, TUNEKIT_HOME: join(root, "y-home") } },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/with a token or --allow-host the SageMaker API needs access keys too/);
  });
});

describe("the AWS CLI", () => {
  it("creates a tuning job from --cli-input-json, pages with --max-items, reads a job's log", async () => {
    const request = tuningRequest("cli-tune");
    const file = join(root, "cli-request.json");
    writeFileSync(file, JSON.stringify(request));
    const created = aws(["sagemaker", "create-hyper-parameter-tuning-job", "--cli-input-json", `file://${file}`]);
    expect(created).toEqual({
      HyperParameterTuningJobArn: "arn:aws:sagemaker:eu-west-3:123456789012:hyper-parameter-tuning-job/cli-tune",
    });
    await tuningJobEnded("cli-tune");
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = aws([
        "sagemaker",
        "list-training-jobs-for-hyper-parameter-tuning-job",
        "--hyper-parameter-tuning-job-name",
        "cli-tune",
        "--max-items",
        "3",
        ...(token ? ["--starting-token", token] : []),
      ]) as { TrainingJobSummaries: { TrainingJobName: string }[]; NextToken?: string };
      expect(page.TrainingJobSummaries.length).toBeLessThanOrEqual(3);
      names.push(...page.TrainingJobSummaries.map((s) => s.TrainingJobName));
      token = page.NextToken;
    } while (token);
    expect(names).toHaveLength(4);
    expect(new Set(names).size).toBe(4);

    const streams = aws([
      "logs",
      "describe-log-streams",
      "--log-group-name",
      "/aws/sagemaker/TrainingJobs",
      "--log-stream-name-prefix",
      `${names[0]}/`,
    ]) as { logStreams: { logStreamName: string }[] };
    const events = aws([
      "logs",
      "get-log-events",
      "--log-group-name",
      "/aws/sagemaker/TrainingJobs",
      "--log-stream-name",
      streams.logStreams[0]?.logStreamName as string,
      "--start-from-head",
    ]) as { events: { message: string; timestamp: number }[] };
    expect(events.events.some((e) => /epoch 3 val_loss=/.test(e.message))).toBe(true);
  }, 600_000);

  // `aws logs tail` is the AWS CLI v2's (Debian's awscli); v1 has no such command. It pages FilterLogEvents.
  it.runIf(AWS_V2)(
    "tails a training job's log with aws logs tail (AWS CLI v2)",
    async () => {
      const name = "cli-tail";
      const created = aws([
        "sagemaker",
        "create-training-job",
        "--cli-input-json",
        `file://${writeJson(`${name}.json`, trainingRequest(name))}`,
      ]);
      expect(created).toEqual({ TrainingJobArn: `arn:aws:sagemaker:eu-west-3:123456789012:training-job/${name}` });
      await trainingJobEnded(name);
      // v2 releases before 2.13 do not read AWS_ENDPOINT_URL_*: the endpoint goes on the command line.
      const result = spawnSync(
        AWS_V2 as string,
        [
          "logs",
          "tail",
          "/aws/sagemaker/TrainingJobs",
          "--log-stream-name-prefix",
          `${name}/`,
          "--since",
          "1d",
          "--format",
          "short",
          "--endpoint-url",
          server.url,
        ],
        { env: awsEnvironment(), encoding: "utf8", timeout: 120_000 },
      );
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/epoch 3 val_loss=/);
    },
    600_000,
  );
});
