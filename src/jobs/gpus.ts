import { spawnSync } from "node:child_process";

/** GPU indices on this machine, from `nvidia-smi -L`; none when it is absent. */
export function detectGpus(): string[] {
  const probe = spawnSync("nvidia-smi", ["-L"], { encoding: "utf8", timeout: 5000 });
  if (probe.status !== 0 || typeof probe.stdout !== "string") return [];
  return probe.stdout
    .split("\n")
    .map((line) => /^GPU (\d+):/.exec(line)?.[1])
    .filter((index): index is string => index !== undefined);
}
