import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { TunekitError, ValidationError } from "../errors.js";

/** A request or config file: JSON, or YAML (any file that is not valid JSON is read as YAML). */
export function readDocument(path: string, field = "file"): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new TunekitError("E_NOT_FOUND", `${field}: cannot read ${path}: ${(error as Error).message}`, { field });
  }
  try {
    return JSON.parse(text);
  } catch {
    try {
      return parseYaml(text);
    } catch (error) {
      throw new ValidationError(
        field,
        `${path} is neither JSON nor YAML: ${(error as Error).message}`,
        "E_REQUEST_INVALID",
      );
    }
  }
}
