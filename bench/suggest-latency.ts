// `npm run bench:suggest-latency`: how long the Bayesian strategy takes to suggest on a long history (6-D,
// Hartmann-6's space, random observations), and what a batch for many free slots saves over one suggestion per
// slot. The machine may be shared: each figure is a median, with the CPU time beside the wall-clock time and
// the load average before and after.
import { writeFileSync } from "node:fs";
import { freemem, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { BayesianStrategy } from "../src/strategies/bayesian/index.js";
import { machineDescription, markdownTable } from "./report.js";
import { context, coordinates, latency, start, timed, view } from "./suggestion-timing.js";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "100,1000,5000" },
    repeats: { type: "string", default: "20" },
    batch: { type: "string", default: "100" },
    "batch-sizes": { type: "string", default: "100,1000" },
    out: { type: "string" },
  },
});

/**
 * `slots` free slots filled on one history: one batch, against one suggestion per slot with the earlier ones
 * pending (what the tuning loop did before batches). One warm-up suggestion first, so both start from a stored fit.
 */
function slots(n: number, count: number) {
  const { history, pending } = start(n);
  const warm = new BayesianStrategy().suggest(context(history, pending, n + 2));
  history.push(view(n + 2, coordinates(warm), "Completed", (warm as { state?: unknown }).state));
  const first = n + 3;
  const one = new BayesianStrategy();
  const single = timed(() => {
    const queued = [...pending];
    for (let i = 0; i < count; i++) {
      const s = one.suggest(context(history, queued, first + i));
      queued.push(view(first + i, coordinates(s), "Pending", (s as { state?: unknown }).state));
    }
  });
  const batch = timed(() => new BayesianStrategy().suggestBatch(context(history, pending, first), count));
  const distinct = new Set(batch.value.map((s) => JSON.stringify(coordinates(s)))).size;
  return { single, batch, distinct };
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");
const loadBefore = load();
const repeats = Number(args.repeats);
const count = Number(args.batch);
const latencyRows: string[][] = [];
for (const n of (args.sizes as string).split(",").map(Number)) {
  const r = latency(n, repeats);
  console.log(`n=${n}: median ${r.wall.toFixed(0)} ms wall, ${r.cpu.toFixed(0)} ms CPU, max ${r.max.toFixed(0)} ms`);
  latencyRows.push([String(n), r.wall.toFixed(0), r.cpu.toFixed(0), r.max.toFixed(0)]);
}
const batchRows: string[][] = [];
for (const n of (args["batch-sizes"] as string).split(",").map(Number)) {
  const r = slots(n, count);
  console.log(
    `n=${n}: ${count} single ${r.single.wall.toFixed(0)} ms (${r.single.cpu.toFixed(0)} CPU), batch ${r.batch.wall.toFixed(0)} ms (${r.batch.cpu.toFixed(0)} CPU), ${r.distinct} distinct`,
  );
  batchRows.push([
    String(n),
    `${(r.single.wall / 1000).toFixed(1)} (${(r.single.cpu / 1000).toFixed(1)})`,
    `${(r.batch.wall / 1000).toFixed(1)} (${(r.batch.cpu / 1000).toFixed(1)})`,
    (r.single.cpu / r.batch.cpu).toFixed(1),
    `${r.distinct} of ${count}`,
  ]);
}
const loadAfter = load();

const date = new Date().toISOString().slice(0, 10);
const command = `npm run bench:suggest-latency${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
const out = args.out ?? `suggest-latency-${date}.md`;
writeFileSync(
  new URL(`./results/${out}`, import.meta.url),
  `# bench:suggest-latency, ${date}

Command: \`${command}\`
Machine: ${machineDescription()}, ${(freemem() / 2 ** 30).toFixed(0)} of ${(totalmem() / 2 ** 30).toFixed(0)} GiB free at the end
Load average (1, 5, 15 min): ${loadBefore} before, ${loadAfter} after (the machine is shared; CPU time is this process's)

Bayesian suggestions on Hartmann-6's space (6-D): n random observations and 2 pending trials, 2 warm-up
suggestions, then ${repeats} consecutive suggestions, each told and stored with its kernel fit as a run would (the
kernel is refitted every 10th trial above 256 results).

${markdownTable(["observations", "median wall ms", "median CPU ms", "max wall ms"], latencyRows)}

${count} free slots filled on one history of n observations (+2 pending): ${count} single suggestions, each with
the earlier ones pending, against one batch (one kernel fit and factorisation, each suggestion a pending trial
to the next). Seconds, wall (CPU).

${markdownTable(["observations", `${count} single s`, "one batch s", "CPU ratio", "distinct"], batchRows)}
`,
);
console.log(`wrote bench/results/${out}`);
