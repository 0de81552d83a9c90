// npm run bench:service [-- --clients 50 --seconds 30]
// 50 clients for 30 s each creating, describing and listing training jobs against `tunekit serve` (no controller:
// the jobs are created, not run), on SQLite and on PostgreSQL: requests per second, p50 and p99 latency, and two
// checks: no 5xx answer, and every job the server said it created is in the store.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openStore } from "../src/store/index.js";
import { throwawayDatabase } from "../test/fixtures/postgres.js";
import { quantile, runLoad } from "../test/helpers/load.js";
import { startServe } from "../test/helpers/serve.js";
import { machineDescription, markdownTable } from "./report.js";

const { values: args } = parseArgs({
  options: { clients: { type: "string", default: "50" }, seconds: { type: "string", default: "30" } },
});
const clients = Number(args.clients);
const seconds = Number(args.seconds);
const dir = mkdtempSync(join(tmpdir(), "tunekit-bench-service-"));
mkdirSync(join(dir, "code"));
writeFileSync(join(dir, "code", "train.py"), "print('loss=1')\n");

const request = (name: string) => ({
  TrainingJobName: name,
  AlgorithmSpecification: { TrainingInputMode: "File", MetricDefinitions: [{ Name: "loss", Regex: "loss=(\\S+)" }] },
  HyperParameters: { sagemaker_program: '"train.py"', sagemaker_submit_directory: JSON.stringify(join(dir, "code")) },
  OutputDataConfig: { S3OutputPath: join(dir, "out") },
  ResourceConfig: { InstanceType: "local", InstanceCount: 1 },
  StoppingCondition: { MaxRuntimeInSeconds: 60 },
});

const rows: string[][] = [];
const database = await throwawayDatabase("bench_service");
try {
  for (const [label, store] of [
    ["SQLite", join(dir, "tunekit.db")],
    ["PostgreSQL", database.url],
  ] as const) {
    const server = await startServe(["--store", store, "--no-controller"], { TUNEKIT_HOME: join(dir, label) });
    try {
      const result = await runLoad({ url: server.url, clients, durationMs: seconds * 1000, request, prefix: "load" });
      const check = await openStore(store);
      let missing = 0;
      for (const name of result.created) if (!(await check.getTrainingJob(name))) missing++;
      await check.close();
      const all = [...result.latencies.create, ...result.latencies.describe, ...result.latencies.list].sort(
        (a, b) => a - b,
      );
      const ms = (v: number) => v.toFixed(1);
      rows.push([
        label,
        String(result.requests),
        (result.requests / result.seconds).toFixed(0),
        ms(quantile(all, 0.5)),
        ms(quantile(all, 0.99)),
        ms(quantile(result.latencies.create, 0.99)),
        ms(quantile(result.latencies.describe, 0.99)),
        ms(quantile(result.latencies.list, 0.99)),
        String(result.failures.length),
        `${result.created.length - missing}/${result.created.length}`,
      ]);
      if (result.failures.length > 0) console.error(`${label}: ${result.failures.slice(0, 5).join("; ")}`);
    } finally {
      await server.stop();
    }
  }
} finally {
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `## bench:service: ${clients} clients for ${seconds} s each, creating, describing and listing training jobs\n`,
);
console.log(
  `Command: \`npm run bench:service -- --clients ${clients} --seconds ${seconds}\`. Date: ${new Date().toISOString().slice(0, 10)}. Machine: ${machineDescription()}.\n`,
);
console.log(
  markdownTable(
    [
      "store",
      "requests",
      "req/s",
      "p50 ms",
      "p99 ms",
      "p99 create",
      "p99 describe",
      "p99 list",
      "5xx or no answer",
      "created jobs in the store",
    ],
    rows,
  ),
);
