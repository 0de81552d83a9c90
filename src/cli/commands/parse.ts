import { InvalidArgumentError } from "commander";

export function parseCount(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`must be a positive integer, got "${text}"`);
  return n;
}
