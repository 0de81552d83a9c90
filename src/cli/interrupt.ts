import { ExitCode } from "./exit-codes.js";

/**
 * Ctrl-C. A command with something to wind down (a running job) registers a
 * handler: the first Ctrl-C calls it, a second one exits at once. Without a
 * handler, Ctrl-C exits with 130.
 */
let handler: (() => void) | undefined;
let interrupted = false;

export function onInterrupt(h: (() => void) | undefined): void {
  handler = h;
}

export function installInterruptHandler(): void {
  process.on("SIGINT", () => {
    if (handler && !interrupted) {
      interrupted = true;
      process.stderr.write("\ntunekit: stopping (Ctrl-C again to exit at once)\n");
      handler();
      return;
    }
    process.exit(ExitCode.interrupted);
  });
}
