import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { TrainingJobRequest } from "../config/training-job-request.js";
import { ValidationError } from "../errors.js";
import { toolkitArguments } from "./arguments.js";
import { frameworkSetting } from "./environment.js";

/**
 * The argv a job runs, as an array: no shell ever parses a hyperparameter.
 *
 * ContainerEntrypoint + ContainerArguments run as given (a leading `python`
 * or `python3` is the configured interpreter). Script mode follows the
 * training toolkit's entry-point kinds, with cwd the job's code directory:
 * `.sh` → /bin/sh ENTRY ARGS, `setup.py` present → python -m MODULE ARGS,
 * `.py` → python ENTRY ARGS, `.js`/`.mjs`/`.cjs` → node ENTRY ARGS,
 * `.ts`/`.mts` → node with tsx, other files → /bin/sh ENTRY ARGS. Where the
 * toolkit runs `/bin/sh -c "./entry args"`, we pass the entry and each
 * argument as separate argv elements to /bin/sh: the script sees the same
 * arguments, and no shell expands them.
 */
export interface JobCommand {
  readonly argv: readonly string[];
  /** The entry kind, for the job's log. */
  readonly kind: "container-entrypoint" | "python" | "python-module" | "shell" | "node" | "typescript";
}

export interface InterpreterSettings {
  /** The Python interpreter for Python entry points (--python, TUNEKIT_PYTHON; default python3). */
  readonly python: string;
  /** Node.js for JavaScript and TypeScript entry points: this process's own binary. */
  readonly node: string;
}

const require = createRequire(import.meta.url);

function tsxCli(): string {
  return require.resolve("tsx/cli");
}

export function jobCommand(
  request: TrainingJobRequest,
  codeDir: string,
  interpreters: InterpreterSettings,
): JobCommand {
  const spec = request.AlgorithmSpecification;
  if (spec.ContainerEntrypoint) {
    const [first, ...rest] = spec.ContainerEntrypoint;
    const program = first === "python" || first === "python3" ? interpreters.python : (first as string);
    return { argv: [program, ...rest, ...(spec.ContainerArguments ?? [])], kind: "container-entrypoint" };
  }
  const entry = frameworkSetting(request, "sagemaker_program") as string;
  if (!existsSync(join(codeDir, entry))) {
    throw new ValidationError(
      "HyperParameters.sagemaker_program",
      `${entry} is not in the submit directory (sagemaker_submit_directory)`,
      "E_ENTRY_POINT",
    );
  }
  const args = toolkitArguments(request.HyperParameters);
  if (entry.endsWith(".sh")) return { argv: ["/bin/sh", entry, ...args], kind: "shell" };
  if (existsSync(join(codeDir, "setup.py"))) {
    return {
      argv: [interpreters.python, "-m", entry.replace(/\.py$/, "").replace(/\//g, "."), ...args],
      kind: "python-module",
    };
  }
  if (entry.endsWith(".py")) return { argv: [interpreters.python, entry, ...args], kind: "python" };
  if (/\.(m|c)?js$/.test(entry)) return { argv: [interpreters.node, entry, ...args], kind: "node" };
  if (/\.(m)?ts$/.test(entry)) return { argv: [interpreters.node, tsxCli(), entry, ...args], kind: "typescript" };
  return { argv: ["/bin/sh", entry, ...args], kind: "shell" };
}
