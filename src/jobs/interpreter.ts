import { accessSync, constants, existsSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { TrainingJobRequest } from "../config/training-job-request.js";
import { TunekitError } from "../errors.js";
import { frameworkSetting } from "./environment.js";

/** Whether the job's command starts the Python interpreter (see jobCommand: the same order of rules). */
export function runsPython(request: TrainingJobRequest, source: string | undefined): boolean {
  const entrypoint = request.AlgorithmSpecification.ContainerEntrypoint;
  if (entrypoint) return entrypoint[0] === "python" || entrypoint[0] === "python3";
  const program = frameworkSetting(request, "sagemaker_program");
  if (typeof program !== "string" || program.endsWith(".sh")) return false;
  if (source !== undefined && statSync(source).isDirectory() && existsSync(join(source, "setup.py"))) return true;
  return program.endsWith(".py");
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Refuses an interpreter that does not exist, before anything is created: a name is looked for on PATH (as
 * spawning it would), a path must be an executable file. Otherwise every job would be created only to fail.
 */
export function checkPython(python: string, env: NodeJS.ProcessEnv = process.env): void {
  const found = python.includes("/")
    ? executable(python)
    : (env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && executable(join(dir, python)));
  if (!found) {
    throw new TunekitError(
      "E_PYTHON_NOT_FOUND",
      `the Python interpreter ${JSON.stringify(python)} ${python.includes("/") ? "is not an executable file" : "is not on PATH"}; set it with --python, $TUNEKIT_PYTHON or python in the config file`,
    );
  }
}
