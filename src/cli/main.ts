#!/usr/bin/env node
import { CommanderError } from "commander";
import { TunekitError } from "../errors.js";
import { ExitCode, exitCodeFor } from "./exit-codes.js";
import { installInterruptHandler } from "./interrupt.js";
import { buildProgram } from "./program.js";

/** Runs one CLI invocation and returns its exit code; errors become one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "errors" are successes; the message was already printed.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const wantsJson = argv.includes("--json");
    if (error instanceof TunekitError) {
      const message = wantsJson
        ? JSON.stringify({ error: { code: error.code, field: error.field, message: error.message } })
        : `tunekit: ${error.message} [${error.code}]`;
      process.stderr.write(`${message}\n`);
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
