#!/usr/bin/env node
import { CommanderError } from "commander";
import { TunekitError } from "../errors.js";
import { ExitCode, exitCodeFor } from "./exit-codes.js";
import { installInterruptHandler } from "./interrupt.js";
import { buildProgram } from "./program.js";

/** Runs one CLI invocation and returns its exit code; errors become one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  // With --json, scripts read errors as JSON on stderr: commander's own messages (and the help it prints after
  // them) are held back, and its error is printed as one JSON line below.
  const wantsJson = argv.includes("--json");
  for (const command of [program, ...program.commands]) {
    command.exitOverride();
    if (wantsJson) command.configureOutput({ writeErr: () => {}, outputError: () => {} });
  }
  const printJson = (code: string, message: string, field?: string) =>
    process.stderr.write(`${JSON.stringify({ error: { code, ...(field ? { field } : {}), message } })}\n`);
  try {
    await program.parseAsync(argv);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "errors" are successes; the message was already printed.
      if (error.exitCode === 0) return ExitCode.ok;
      if (wantsJson) printJson("E_USAGE", error.message.replace(/^error: /, ""));
      return ExitCode.usage;
    }
    if (error instanceof TunekitError) {
      if (wantsJson) printJson(error.code, error.message, error.field);
      else process.stderr.write(`tunekit: ${error.message} [${error.code}]\n`);
    } else if (wantsJson) {
      printJson("E_INTERNAL", error instanceof Error ? error.message : String(error));
    } else {
      process.stderr.write(
        `tunekit: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    return exitCodeFor(error);
  }
}

installInterruptHandler();
const code = await main(process.argv);
// A command may have set a more specific code (a failed job) while returning normally.
process.exitCode = code === ExitCode.ok ? (process.exitCode ?? ExitCode.ok) : code;
