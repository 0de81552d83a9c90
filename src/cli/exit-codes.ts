import { reportOf } from "../error-codes.js";

/**
 * Exit codes scripts can rely on. Documented in the README; they follow from
 * each error code's category in the one registry (src/error-codes.ts), so
 * every command, the HTTP API and the SageMaker API agree.
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  ambiguous: 4,
  conflict: 5,
  storeUnusable: 6,
  interrupted: 130,
} as const;

export function exitCodeFor(error: unknown): number {
  return reportOf(error).exit;
}
