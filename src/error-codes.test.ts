import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CATEGORIES, categoryOf, ERROR_CODES, reportOf } from "./error-codes.js";
import { TunekitError, ValidationError } from "./errors.js";

const SRC = fileURLToPath(new URL(".", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|js)$/.test(entry) && !/\.test\.ts$/.test(entry) ? [path] : [];
  });
}

describe("the error registry", () => {
  it("gives every code the source raises a category", () => {
    const codes = new Set(
      sources(SRC).flatMap((path) =>
        [...readFileSync(path, "utf8").matchAll(/"(E_[A-Z0-9_]*[A-Z0-9])"/g)].map((m) => m[1]),
      ),
    );
    const missing = [...codes].filter(
      (code) =>
        categoryOf(new TunekitError(code as string, "x")) === "internal" && ERROR_CODES[code as string] !== "internal",
    );
    expect(missing).toEqual([]);
  });

  it("maps one category to one exit code, HTTP status and SageMaker exception everywhere", () => {
    expect(reportOf(new ValidationError("field", "bad"))).toEqual({ exit: 2, http: 400, aws: "ValidationException" });
    expect(reportOf(new TunekitError("E_METRIC_REGEX", "x"))).toEqual(CATEGORIES.invalid);
    expect(reportOf(new TunekitError("E_STORE_NOT_FOUND", "x"))).toEqual(CATEGORIES["not-found"]);
    expect(reportOf(new TunekitError("E_RANGE_REVERSED", "x"))).toEqual(CATEGORIES.invalid);
    expect(reportOf(new TunekitError("E_RESOURCE_IN_USE", "x")).aws).toBe("ResourceInUse");
    expect(reportOf(new Error("anything else"))).toEqual(CATEGORIES.internal);
  });
});
