import { serve } from "@hono/node-server";
import { Command } from "commander";
import { systemClock } from "../../clock.js";
import { CONTROLLER_DEFAULTS, Controller } from "../../controller/index.js";
import { TunekitError } from "../../errors.js";
import { slotPoolFor } from "../../executors/index.js";
import { openStore, storeLocation } from "../../store/index.js";
import { createApp } from "../../transports/http/app.js";
import { addCommonOptions, type CommonOptions } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { onInterrupt } from "../interrupt.js";
import { addJobOptions, type JobOptions, jobSettingsFrom } from "../job-options.js";

interface ServeOptions extends CommonOptions, JobOptions {
  port: string;
  host: string;
  token?: string;
  controller: boolean;
  leaseTtl?: string;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

function integer(value: string, field: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new TunekitError("E_VALIDATION", `${field}: must be an integer from ${min} to ${max}, got ${value}`, {
      field,
    });
  }
  return n;
}

export function serveCommand(): Command {
  return addJobOptions(
    addCommonOptions(
      new Command("serve")
        .description(
          "run tunekit as a service: a controller that runs the jobs submitted to it (and takes over those of controllers that died), the HTTP API and the web console",
        )
        .option("--port <n>", "port", "8686")
        .option("--host <address>", "address to bind (anything but loopback needs a token)", "127.0.0.1")
        .option("--token <token>", "require this token on every request (default $TUNEKIT_TOKEN)")
        .option("--no-controller", "serve the API and console only; run no jobs here")
        .option(
          "--lease-ttl <seconds>",
          `how long a job's lease lives unrenewed: a controller that dies is replaced this long after (default ${CONTROLLER_DEFAULTS.leaseTtlMs / 1000})`,
        )
        .addHelpText(
          "after",
          "\nExamples:\n  tunekit serve                       # http://127.0.0.1:8686\n  tunekit serve --store postgres://postgres@127.0.0.1/tunekit --port 8687\n  TUNEKIT_TOKEN=s3cret tunekit serve --host 0.0.0.0",
        ),
    ),
  ).action(async (options: ServeOptions) => {
    const token = options.token ?? process.env.TUNEKIT_TOKEN;
    const port = integer(options.port, "port", 0, 65_535);
    const leaseTtlMs =
      options.leaseTtl === undefined
        ? CONTROLLER_DEFAULTS.leaseTtlMs
        : integer(options.leaseTtl, "lease-ttl", 1, 3600) * 1000;
    if (!LOOPBACK.has(options.host) && !token) {
      throw new TunekitError(
        "E_VALIDATION",
        `--host: binding ${options.host} exposes the store beyond this machine; give --token (or $TUNEKIT_TOKEN)`,
        { field: "host" },
      );
    }
    // Relative paths in a request submitted without run options resolve against the server's working directory.
    const settings = { ...jobSettingsFrom(options, "./request"), leaseTtlMs };
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
    const app = createApp({
      store,
      ...(controller ? { controller } : {}),
      ...(token ? { token } : {}),
      submit: { settings, clock: systemClock, ...(controller ? { onSubmitted: () => controller.wake() } : {}) },
    });
    const server = serve({ fetch: app.fetch, port, hostname: options.host }, (info) => {
      process.stdout.write(
        `tunekit console on http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${info.port}/${token ? "?token=…" : ""}\n`,
      );
      controller?.start();
    });
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
