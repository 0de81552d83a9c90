/** Signals the job did not send itself that mean the machine, not the script, ended it (retryable under RetryStrategy). */
export const INFRASTRUCTURE_SIGNALS: ReadonlySet<string> = new Set(["SIGKILL", "SIGSEGV", "SIGBUS"]);

/**
 * Whether a FailureReason tells of a failure from outside the script (SageMaker's RetryableError): the machine
 * killed the job, or tunekit lost the process that ran it. A non-zero exit is the script's own (an AlgorithmError).
 */
export function isRetryableFailure(reason: string | null): boolean {
  if (reason === null) return false;
  if (reason.startsWith("InternalServerError")) return true;
  const killed = /^AlgorithmError: killed by (SIG[A-Z]+)/.exec(reason);
  return killed !== null && INFRASTRUCTURE_SIGNALS.has(killed[1] as string);
}
