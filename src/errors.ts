/**
 * The one error base class of tunekit. Every error a user can meet carries a
 * stable `code` (safe to match on in scripts and tests) and, where it is about
 * one input, the `field` that was wrong. Messages name the field, the rule and
 * the value received. The CLI and the HTTP API map codes to exit and status
 * codes in one place each.
 */
export class TunekitError extends Error {
  readonly code: string;
  readonly field: string | undefined;

  constructor(code: string, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.field = options.field;
  }
}

/** Bad input to a public entry point: a wrong type, a broken rule, an unknown name. */
export class ValidationError extends TunekitError {
  constructor(field: string, message: string, code = "E_VALIDATION") {
    super(code, `${field}: ${message}`, { field });
  }
}

/** Renders a received value for an error message without flooding it. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) {
    return String(value);
  }
  if (typeof value === "bigint") return `${value}n`;
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
