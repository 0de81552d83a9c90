// `npm run bench:cli-start`: how long the built `tunekit` command takes to start (`--version`, `--help`,
// `train --help`) beside Node.js doing nothing, with hyperfine when it is installed (wall and CPU time), else by
// repeated runs (wall time). Run `npm run build` first; `--cli PATH` times another build's bin/tunekit.js.
// Prints a table and writes bench/results/cli-start-DATE.md.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { machineDescription, markdownTable, median } from "./report.js";

const { values: args } = parseArgs({
  options: {
    cli: { type: "string" },
    runs: { type: "string", default: "20" },
    out: { type: "string" },
  },
});
const RUNS = Number(args.runs);
const cli = args.cli ?? fileURLToPath(new URL("../bin/tunekit.js", import.meta.url));
const commands: [string, string[]][] = [
  ["node -e 0", ["-e", "0"]],
  ["tunekit --version", [cli, "--version"]],
  ["tunekit --help", [cli, "--help"]],
  ["tunekit train --help", [cli, "train", "--help"]],
];
const hasHyperfine = spawnSync("hyperfine", ["--version"]).status === 0;
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

interface Timing {
  wallMs: number;
  minMs: number;
  cpuMs?: number;
}

function withHyperfine(argv: string[]): Timing {
  const dir = mkdtempSync(join(tmpdir(), "tunekit-bench-start-"));
  try {
    const file = join(dir, "out.json");
    const command = [process.execPath, ...argv].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    const run = spawnSync("hyperfine", ["-N", "-w", "3", "-r", String(RUNS), "--export-json", file, command], {
      encoding: "utf8",
    });
    if (run.status !== 0) throw new Error(run.stderr);
    const [result] = JSON.parse(readFileSync(file, "utf8")).results as {
      median: number;
      min: number;
      user: number;
      system: number;
    }[];
    if (!result) throw new Error("hyperfine gave no result");
    return { wallMs: result.median * 1000, minMs: result.min * 1000, cpuMs: (result.user + result.system) * 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function byRepeating(argv: string[]): Timing {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, argv, { stdio: "ignore" });
    if (run.status !== 0) throw new Error(`${argv.join(" ")} exited ${run.status}`);
    if (i >= 3) times.push(performance.now() - started);
  }
  return { wallMs: median(times), minMs: Math.min(...times) };
}

const loadBefore = load();
const rows = commands.map(([label, argv]) => {
  const t = hasHyperfine ? withHyperfine(argv) : byRepeating(argv);
  const row = [label, t.wallMs.toFixed(0), t.minMs.toFixed(0), t.cpuMs === undefined ? "" : t.cpuMs.toFixed(0)];
  console.log(row.join("  "));
  return row;
});
const table = markdownTable(["command", "median wall, ms", "min wall, ms", "mean CPU (user + system), ms"], rows);
const date = new Date().toISOString().slice(0, 10);
const report = `# bench:cli-start, ${date}

Command: \`npm run bench:cli-start -- --runs ${RUNS}${args.cli === undefined ? "" : ` --cli ${cli}`}\`
Machine: ${machineDescription()}; load average ${loadBefore} before, ${load()} after
Measured with ${hasHyperfine ? "hyperfine (3 warm-up runs)" : "repeated runs (3 warm-up runs)"}, ${RUNS} runs each${args.cli === undefined ? ", of this checkout's build" : ""}.

${table}
`;
const out = args.out ?? fileURLToPath(new URL(`./results/cli-start-${date}.md`, import.meta.url));
writeFileSync(out, report);
console.log(`\n${table}\n\nwrote ${out}`);
