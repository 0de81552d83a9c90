import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { isPostgresUrl } from "./postgres/settings.js";

export const STORE_FILE = "tunekit.db";

/** `--store PATH` (or a postgres:// URL, kept as it is), else `$TUNEKIT_HOME/tunekit.db`, else `~/.tunekit/tunekit.db`. */
export function storeLocation(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return isPostgresUrl(flag) ? flag : resolve(flag);
  const home = env.TUNEKIT_HOME ? resolve(env.TUNEKIT_HOME) : join(homedir(), ".tunekit");
  return join(home, STORE_FILE);
}
