import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** The path jobs see their directory at inside the sandbox, as in a SageMaker container. */
export const CONTAINER_ML = "/opt/ml";

export type SandboxMode = "auto" | "bwrap" | "none";

export interface Sandbox {
  /** Whether the job sees its directory at /opt/ml. */
  readonly private: boolean;
  /** Why not, when it does not (said in the job's log). */
  readonly reason?: string;
  wrap(argv: readonly string[], mlDir: string, cwd: string): string[];
}

let bwrapPath: string | null | undefined;

function findBwrap(): string | null {
  if (bwrapPath === undefined) {
    const probe = spawnSync("bwrap", ["--version"], { encoding: "utf8" });
    bwrapPath = probe.status === 0 ? "bwrap" : null;
  }
  return bwrapPath;
}

/**
 * bubblewrap gives each job a private mount namespace in which its own
 * directory is bound at /opt/ml, so scripts with hard-coded /opt/ml paths run
 * unchanged and concurrent jobs never see each other's files. `--dev-bind`
 * keeps GPUs visible; `--die-with-parent` ends the job if tunekit dies; no
 * `--new-session`, so the job stays in the process group tunekit signals.
 * As root bwrap creates /opt/ml on the host if needed; as another user it
 * must already exist.
 */
export function sandbox(mode: SandboxMode): Sandbox {
  const none = (reason: string): Sandbox => ({ private: false, reason, wrap: (argv) => [...argv] });
  if (mode === "none") return none("sandbox disabled by configuration");
  const bwrap = findBwrap();
  if (!bwrap) return none("bubblewrap (bwrap) is not installed (apt-get install -y bubblewrap)");
  if (process.getuid?.() !== 0 && !existsSync(CONTAINER_ML)) {
    return none(`${CONTAINER_ML} does not exist and only root can create it: sudo mkdir -p ${CONTAINER_ML}`);
  }
  return {
    private: true,
    wrap: (argv, mlDir, cwd) => [
      bwrap,
      "--bind",
      "/",
      "/",
      "--dev-bind",
      "/dev",
      "/dev",
      "--proc",
      "/proc",
      "--bind",
      mlDir,
      CONTAINER_ML,
      "--die-with-parent",
      "--chdir",
      cwd,
      "--",
      ...argv,
    ],
  };
}
