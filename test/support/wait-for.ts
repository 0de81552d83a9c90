/**
 * Polls `condition` until it holds, failing after a limit generous enough for a busy 2-core machine: tests
 * wait for states, never for times.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, limitMs = 300_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
