import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { systemClock } from "../clock.js";
import { TunekitError } from "../errors.js";

/**
 * A script's declared dependencies, installed once per distinct declaration
 * and reused by every job that declares the same: requirements.txt into a
 * virtual environment made with --system-site-packages (Debian's Python
 * refuses system-wide pip installs, PEP 668, and the system's packages such
 * as torch stay visible), keyed by the interpreter and the file's hash;
 * package.json into node_modules by `npm ci`, keyed by the lock file's hash
 * (local `file:` dependencies are installed as they were when first built).
 */

type Log = (line: string) => void;

function run(argv: string[], cwd: string, log: Log): Promise<void> {
  return new Promise((resolve, reject) => {
    const [command, ...args] = argv as [string, ...string[]];
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) log(line);
    };
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new TunekitError("E_DEPENDENCIES", `${argv.join(" ")} exited with ${code}`)),
    );
  });
}

const hash = (...parts: string[]) => createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 16);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds `dir` once, even with several jobs asking at the same time: the
 * first takes a lock directory (mkdir is atomic), the others wait for its
 * ready marker. A lock left by a dead process is taken over.
 */
async function buildOnce(dir: string, build: () => Promise<void>): Promise<"built" | "reused"> {
  const ready = join(dir, ".tunekit-ready");
  const lock = `${dir}.lock`;
  mkdirSync(dirname(dir), { recursive: true });
  for (;;) {
    if (existsSync(ready)) return "reused";
    try {
      mkdirSync(lock, { recursive: false });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(existsSync(join(lock, "pid")) ? readFileSync(join(lock, "pid"), "utf8") : Number.NaN);
      if (Number.isInteger(owner) && !alive(owner)) rmSync(lock, { recursive: true, force: true });
      else await systemClock.sleep(200);
      continue;
    }
    try {
      writeFileSync(join(lock, "pid"), String(process.pid));
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      await build();
      writeFileSync(ready, "");
      return "built";
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** The interpreter to run a Python entry point with: a cached venv when the code has a requirements.txt. */
export async function pythonFor(codeDir: string, python: string, cacheDir: string, log: Log): Promise<string> {
  const requirements = join(codeDir, "requirements.txt");
  if (!existsSync(requirements)) return python;
  const key = hash(python, readFileSync(requirements, "utf8"));
  const venv = join(cacheDir, "venvs", key);
  const outcome = await buildOnce(venv, async () => {
    log(`requirements.txt: creating environment ${key} (${python} -m venv --system-site-packages, pip install -r)`);
    await run([python, "-m", "venv", "--system-site-packages", venv], codeDir, log);
    await run([join(venv, "bin", "python"), "-m", "pip", "install", "-r", requirements], codeDir, log);
  });
  if (outcome === "reused") log(`requirements.txt: reusing environment ${key}`);
  return join(venv, "bin", "python");
}

/** node_modules for a JavaScript or TypeScript entry point whose code has a package.json. */
export async function nodeModulesFor(codeDir: string, cacheDir: string, log: Log): Promise<void> {
  if (!existsSync(join(codeDir, "package.json")) || existsSync(join(codeDir, "node_modules"))) return;
  const lockFile = join(codeDir, "package-lock.json");
  if (!existsSync(lockFile)) {
    throw new TunekitError(
      "E_DEPENDENCIES",
      "package.json needs a package-lock.json beside it: dependencies are installed with npm ci, reproducibly",
    );
  }
  const key = hash(readFileSync(lockFile, "utf8"));
  const cached = join(cacheDir, "node", key);
  const outcome = await buildOnce(cached, async () => {
    log(`package.json: npm ci into cache ${key}`);
    // The whole code directory, so that local dependencies (file:./lib) resolve as they would beside the script.
    cpSync(codeDir, cached, { recursive: true, filter: (source) => !source.includes("/node_modules") });
    await run(["npm", "ci", "--no-audit", "--no-fund"], cached, log);
  });
  if (outcome === "reused") log(`package.json: reusing node_modules ${key}`);
  symlinkSync(join(cached, "node_modules"), join(codeDir, "node_modules"));
}
