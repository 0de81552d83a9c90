import type { Server } from "node:http";
import { Command } from "commander";
import { CONTROLLER_DEFAULTS } from "../../controller/defaults.js";
import { TunekitError } from "../../errors.js";
import { storeLocation } from "../../store/location.js";
import { isLoopback, servedHostNames } from "../../transports/http/served-hosts.js";
import { addCommonOptions, type CommonOptions } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { onInterrupt } from "../interrupt.js";
import { addExecutorOptions, addJobOptions, type JobOptions, jobSettingsFrom } from "../job-options.js";

/** How long an idle kept-alive connection stays open (see where it is set). */
const KEEP_ALIVE_MS = 65_000;

interface ServeOptions extends CommonOptions, JobOptions {
  port: string;
  host: string;
  token?: string;
  allowHost: string[];
  controller: boolean;
  aws: boolean;
  leaseTtl?: string;
}

function integer(value: string, field: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new TunekitError("E_VALIDATION", `--${field}: must be an integer from ${min} to ${max}, got ${value}`, {
      field,
    });
  }
  return n;
}

export function serveCommand(): Command {
  return addExecutorOptions(
    addJobOptions(
      addCommonOptions(
        new Command("serve")
          .description(
            "run tunekit as a service: a controller that runs the jobs submitted to it (and takes over those of controllers that died), the HTTP API and the web console",
          )
          .option("--port <n>", "port", "8686")
          .option("--host <address>", "address to bind (anything but loopback needs a token)", "127.0.0.1")
          .option("--token <token>", "require this token on every request (default $TUNEKIT_TOKEN)")
          .option(
            "--allow-host <name>",
            "also answer requests addressed to this host name, e.g. a DNS name or a proxy (repeatable)",
            (value: string, previous: string[]) => [...previous, value],
            [],
          )
          .option("--no-controller", "serve the API and console only; run no jobs here")
          .option(
            "--no-aws",
            "do not answer the SageMaker, CloudWatch Logs and STS APIs (boto3, the AWS CLI, the AWS SDKs)",
          )
          .option(
            "--lease-ttl <seconds>",
            `how long a job's lease lives unrenewed: a controller that dies is replaced this long after (default ${CONTROLLER_DEFAULTS.leaseTtlMs / 1000})`,
          )
          .addHelpText(
            "after",
            "\nExamples:\n  tunekit serve                       # http://127.0.0.1:8686\n  tunekit serve --store postgres://postgres@127.0.0.1/tunekit --port 8687\n  TUNEKIT_TOKEN=s3cret tunekit serve --host 0.0.0.0 --allow-host tuning.example.org\n  tunekit serve --store postgres://postgres@10.0.0.5/tunekit --executor queue --queue redis://10.0.0.5:6379",
          ),
      ),
    ),
  ).action(async (options: ServeOptions) => {
    const token = options.token ?? process.env.TUNEKIT_TOKEN;
    const port = integer(options.port, "port", 0, 65_535);
    const leaseTtlMs =
      options.leaseTtl === undefined
        ? CONTROLLER_DEFAULTS.leaseTtlMs
        : integer(options.leaseTtl, "lease-ttl", 1, 3600) * 1000;
    if (!isLoopback(options.host) && !token) {
      throw new TunekitError(
        "E_VALIDATION",
        `--host: binding ${options.host} exposes the store beyond this machine; give --token (or $TUNEKIT_TOKEN)`,
        { field: "host" },
      );
    }
    // The AWS APIs: signed with configured keys, or on loopback with any well-formed signature.
    const { loadLocalConfig } = await import("../../config/local-config.js");
    const { sageMakerSettings } = await import("../../transports/sagemaker/settings.js");
    const aws = options.aws
      ? sageMakerSettings(loadLocalConfig(options.config ?? process.env.TUNEKIT_CONFIG).sagemaker)
      : undefined;
    if (aws && aws.keys.size === 0 && !isLoopback(options.host)) {
      throw new TunekitError(
        "E_VALIDATION",
        `--host: the SageMaker API on ${options.host} needs access keys (sagemaker.accessKeys in --config, or $TUNEKIT_AWS_ACCESS_KEYS), or --no-aws`,
        { field: "host" },
      );
    }
    // A token or an allowed host name says requests come from elsewhere (a proxy in front of a loopback address):
    // there, accepting any signature would let anyone who reaches the proxy run jobs the token keeps them from.
    if (aws && aws.keys.size === 0 && (token || options.allowHost.length > 0)) {
      throw new TunekitError(
        "E_VALIDATION",
        `--token: with a token or --allow-host the SageMaker API needs access keys too (sagemaker.accessKeys in --config, or $TUNEKIT_AWS_ACCESS_KEYS), or --no-aws`,
        { field: "token" },
      );
    }
    const { serve } = await import("@hono/node-server");
    const { createApp } = await import("../../transports/http/app.js");
    const { openStore } = await import("../../store/open-store.js");
    const { Controller } = await import("../../controller/controller.js");
    const { slotPoolFor } = await import("../../executors/slot-pool.js");
    const { systemClock } = await import("../../clock.js");
    // Relative paths in a request submitted without run options resolve against the server's working directory.
    const settings = { ...(await jobSettingsFrom(options, "./request")), leaseTtlMs };
    const store = await openStore(storeLocation(options.store));
    const controller = options.controller
      ? new Controller({
          store,
          settings,
          slots: slotPoolFor(settings),
          leaseTtlMs,
          log: (line) => process.stdout.write(`tunekit: ${line}\n`),
        })
      : undefined;
    const { configureArns } = await import("../../identity.js");
    const { sigV4 } = await import("../../transports/sagemaker/sigv4.js");
    const { getCallerIdentity } = await import("../../transports/sagemaker/sts.js");
    const { cloudWatchLogs } = await import("../../transports/sagemaker/cloudwatch-logs.js");
    const { cloudWatchMetrics } = await import("../../transports/sagemaker/cloudwatch-metrics.js");
    if (aws) configureArns({ partition: "aws", region: aws.region, account: aws.account });
    const app = createApp({
      store,
      allowedHosts: servedHostNames(options.host, options.allowHost),
      ...(controller ? { controller } : {}),
      ...(token ? { token } : {}),
      submit: { settings, clock: systemClock, ...(controller ? { onSubmitted: () => controller.wake() } : {}) },
      ...(aws
        ? {
            aws: {
              settings,
              authenticate: sigV4({ keys: aws.keys }),
              services: [cloudWatchLogs(store), cloudWatchMetrics(store)],
              queryActions: { GetCallerIdentity: (_params, request) => getCallerIdentity(request) },
              ...(aws.maxRunningTuningJobs === undefined ? {} : { maxRunningTuningJobs: aws.maxRunningTuningJobs }),
              ...(controller ? { onSubmitted: () => controller.wake() } : {}),
            },
          }
        : {}),
    });
    const server = serve({ fetch: app.fetch, port, hostname: options.host }, (info) => {
      process.stdout.write(
        `tunekit console on http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${info.port}/${token ? "?token=…" : ""}\n`,
      );
      if (aws) {
        process.stdout.write(
          aws.keys.size > 0
            ? `tunekit: SageMaker API on the same address (region ${aws.region}, account ${aws.account}); requests must be signed with one of ${aws.keys.size} access key(s)\n`
            : `tunekit: SageMaker API on the same address (region ${aws.region}, account ${aws.account}); no access keys are configured, so any well-formed signature is accepted (loopback only)\n`,
        );
      }
      controller?.start();
    });
    // An SDK client polls (a waiter, every few seconds) over a kept-alive connection. Node closes an idle one
    // after 5 s, and a request sent as the close is under way fails with "socket hang up"; load balancers keep
    // them 60 s, and so does this server, so a client's idle socket is not pulled from under it.
    const http = server as Server;
    http.keepAliveTimeout = KEEP_ALIVE_MS;
    http.headersTimeout = KEEP_ALIVE_MS + 1000;
    server.on("error", (error: NodeJS.ErrnoException) => {
      process.stderr.write(
        `tunekit: cannot serve on ${options.host}:${port}: ${error.code === "EADDRINUSE" ? "the port is in use (--port)" : error.message}\n`,
      );
      void store.close();
      process.exit(ExitCode.failure);
    });
    const close = () => {
      server.close();
      void controller?.stop();
      process.exit(0);
    };
    onInterrupt(close);
    process.once("SIGTERM", close);
  });
}
