import { homedir } from "node:os";
import { join, resolve } from "node:path";

export const STORE_FILE = "tunekit.db";

/** `--store PATH`, else `$TUNEKIT_HOME/tunekit.db`, else `~/.tunekit/tunekit.db`. */
export function storeLocation(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  const home = env.TUNEKIT_HOME ? resolve(env.TUNEKIT_HOME) : join(homedir(), ".tunekit");
  return join(home, STORE_FILE);
}
