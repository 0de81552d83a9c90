import { Command } from "commander";
import { isLoopback, servedHostNames } from "../../api/http/served-hosts.js";
import { TunekitError } from "../../errors.js";
import { storeLocation } from "../../store/location.js";
import { addCommonOptions, type CommonOptions } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { onInterrupt } from "../interrupt.js";

interface ServeOptions extends CommonOptions {
  port: string;
  host: string;
  token?: string;
  allowHost: string[];
}

export function serveCommand(): Command {
  return addCommonOptions(
    new Command("serve")
      .description("serve the HTTP API and the web console over this store")
      .option("--port <n>", "port", "8686")
      .option("--host <address>", "address to bind (anything but loopback needs a token)", "127.0.0.1")
      .option("--token <token>", "require this token on every request (default $TUNEKIT_TOKEN)")
      .option(
        "--allow-host <name>",
        "also answer requests addressed to this host name, e.g. a DNS name or a proxy (repeatable)",
        (value: string, previous: string[]) => [...previous, value],
        [],
      )
      .addHelpText(
        "after",
        "\nExamples:\n  tunekit serve                       # http://127.0.0.1:8686\n  TUNEKIT_TOKEN=s3cret tunekit serve --host 0.0.0.0 --allow-host tuning.example.org",
      ),
  ).action(async (options: ServeOptions) => {
    const token = options.token ?? process.env.TUNEKIT_TOKEN;
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new TunekitError("E_VALIDATION", `--port: must be an integer from 0 to 65535, got ${options.port}`, {
        field: "port",
      });
    }
    if (!isLoopback(options.host) && !token) {
      throw new TunekitError(
        "E_VALIDATION",
        `--host: binding ${options.host} exposes the store beyond this machine; give --token (or $TUNEKIT_TOKEN)`,
        { field: "host" },
      );
    }
    const { serve } = await import("@hono/node-server");
    const { createApp } = await import("../../api/http/app.js");
    const { SqliteStore } = await import("../../store/sqlite/sqlite-store.js");
    const store = new SqliteStore(storeLocation(options.store));
    const allowedHosts = servedHostNames(options.host, options.allowHost);
    const app = createApp({ store, allowedHosts, ...(token ? { token } : {}) });
    const server = serve({ fetch: app.fetch, port, hostname: options.host }, (info) => {
      process.stdout.write(
        `tunekit console on http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${info.port}/${token ? "?token=…" : ""}\n`,
      );
    });
    server.on("error", (error: NodeJS.ErrnoException) => {
      process.stderr.write(
        `tunekit: cannot serve on ${options.host}:${port}: ${error.code === "EADDRINUSE" ? "the port is in use (--port)" : error.message}\n`,
      );
      store.close();
      process.exit(ExitCode.failure);
    });
    const close = () => {
      server.close();
      store.close();
      process.exit(0);
    };
    onInterrupt(close);
    process.once("SIGTERM", close);
  });
}
