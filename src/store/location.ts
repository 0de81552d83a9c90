import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { isPostgresUrl } from "./postgres/settings.js";

export const STORE_FILE = "tunekit.db";

/** A PostgreSQL store is named by its URL; anything else is an SQLite file's path. */
export function isStoreUrl(location: string): boolean {
  return isPostgresUrl(location);
}

/**
 * Where tunekit keeps what is not in the store on this machine (job directories, caches, slot locks):
 * $TUNEKIT_HOME, else the directory of an SQLite store given by path, else ~/.tunekit. The one rule every
 * command and the SDK follow.
 */
export function tunekitHome(location?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.TUNEKIT_HOME) return resolve(env.TUNEKIT_HOME);
  if (location && !isStoreUrl(location)) return dirname(resolve(location));
  return join(homedir(), ".tunekit");
}

/**
 * The store to open: `--store` (a file path or a postgres:// URL), else $TUNEKIT_STORE, else
 * `tunekit.db` in tunekit's home.
 */
export function storeLocation(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const given = flag ?? env.TUNEKIT_STORE;
  if (given) return isStoreUrl(given) ? given : resolve(given);
  return join(tunekitHome(undefined, env), STORE_FILE);
}
