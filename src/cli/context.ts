import type { Command } from "commander";
import { type Clock, systemClock } from "../clock.js";
import { storeLocation } from "../store/location.js";
import type { Store } from "../store/store.js";
import { type Output, processOutput } from "./output.js";

export interface CommonOptions {
  store?: string;
  json?: boolean;
}

/** What every command gets: its store, where to print, and the clock. */
export interface CommandContext {
  store: Store;
  json: boolean;
  output: Output;
  clock: Clock;
}

export function addCommonOptions(command: Command): Command {
  return command
    .option("--store <path>", "the store file (default: $TUNEKIT_HOME/tunekit.db, else ~/.tunekit/tunekit.db)")
    .option("--json", "print machine-readable JSON");
}

export async function withContext(
  options: CommonOptions,
  run: (context: CommandContext) => void | Promise<void>,
): Promise<void> {
  // Loaded here, not at the top: `tunekit --help` and `--version` never open a store.
  const { SqliteStore } = await import("../store/sqlite/sqlite-store.js");
  const store = new SqliteStore(storeLocation(options.store));
  try {
    await run({ store, json: options.json === true, output: processOutput, clock: systemClock });
  } finally {
    store.close();
  }
}
