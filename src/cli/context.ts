import type { Command } from "commander";
import { type Clock, systemClock } from "../clock.js";
import { storeLocation, tunekitHome } from "../store/location.js";
import type { Store } from "../store/store.js";
import { type Output, processOutput } from "./output.js";

export interface CommonOptions {
  store?: string;
  json?: boolean;
}

/** What every command gets: its store, where to print, and the clock. */
export interface CommandContext {
  store: Store;
  /** tunekit's home on this machine: job directories, caches, slot locks, detached tuners' output. */
  home: string;
  json: boolean;
  output: Output;
  clock: Clock;
}

export function addCommonOptions(command: Command): Command {
  return command
    .option(
      "--store <path|url>",
      "the store: an SQLite file or a postgres:// URL (default: $TUNEKIT_STORE, else $TUNEKIT_HOME/tunekit.db, else ~/.tunekit/tunekit.db)",
    )
    .option("--json", "print machine-readable JSON");
}

export async function withContext(
  options: CommonOptions,
  run: (context: CommandContext) => void | Promise<void>,
): Promise<void> {
  // Loaded here, not at the top: `tunekit --help` and `--version` never open a store.
  const { openStore } = await import("../store/open-store.js");
  const location = storeLocation(options.store);
  const store = await openStore(location);
  try {
    await run({
      store,
      home: tunekitHome(location),
      json: options.json === true,
      output: processOutput,
      clock: systemClock,
    });
  } finally {
    await store.close();
  }
}
