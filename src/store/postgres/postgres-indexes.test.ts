import pg from "pg";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { admin, throwawayDatabase } from "../../../test/fixtures/postgres.js";
import type { TrainingJobPageOptions } from "../records.js";
import { PostgresStore } from "./postgres-store.js";

// The reads a controller and the console make on every tick or page load must be served by indexes at 10,000 jobs.
// The statements checked are the ones the store really sends (caught on their way to the pool), explained on a
// tuning job of 10,000 training jobs beside others, with sequential scans discouraged: a plan that still scans a
// table, or sorts a page's worth of rows instead of reading them in order, has no index to use.
const database = await throwawayDatabase("indexes");
let store: PostgresStore;
const JOBS = 10_000;

beforeAll(async () => {
  store = await PostgresStore.open(database.url, { poolSize: 2 });
  for (const name of ["big", "other"])
    await store.createTuningJob({ name, kind: "tuning-job", config: {}, seed: 1, now: 0 });
  await admin(async (client) => {
    await client.query(
      `INSERT INTO training_jobs (name, tuning_job_name, trial_index, status, hyperparameters, request,
         objective_value, objective_status, created_at, updated_at, started_at, ended_at)
       SELECT format('big-%s', i), 'big', i, (ARRAY['Completed', 'Failed', 'Stopped', 'InProgress'])[1 + i % 4],
         json_build_object('lr', i / 1e4), json_build_object('TrainingJobName', format('big-%s', i)),
         CASE WHEN i % 4 = 1 THEN NULL ELSE sin(i) END, CASE WHEN i % 4 = 1 THEN 'Failed' ELSE 'Succeeded' END,
         i * 1000, i * 1000, i * 1000, i * 1000 + 500
       FROM generate_series(0, $1 - 1) i`,
      [JOBS],
    );
    await client.query(
      `INSERT INTO training_jobs (name, tuning_job_name, trial_index, status, hyperparameters, created_at, updated_at)
       SELECT format('other-%s', i), 'other', i, 'Completed', '{}', i, i FROM generate_series(0, 999) i`,
    );
    await client.query("UPDATE tuning_jobs SET trial_count = $1 WHERE name = 'big'", [JOBS]);
    await client.query("VACUUM ANALYZE");
  }, database.url);
}, 120_000);

afterAll(async () => {
  await store?.close();
  await database.drop();
});

interface PlanNode {
  "Node Type": string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): string[] {
  return [plan["Node Type"], ...(plan.Plans ?? []).flatMap(nodes)];
}

/** A page is found below its LIMIT; above it, only the page's own rows are joined and sorted. */
function belowLimit(plan: PlanNode): PlanNode | undefined {
  if (plan["Node Type"] === "Limit") return plan;
  for (const child of plan.Plans ?? []) {
    const found = belowLimit(child);
    if (found) return found;
  }
  return undefined;
}

/** The plan of every statement `read` sends, as the list of its node types (below its LIMIT, if it has one). */
async function plansOf(read: () => Promise<unknown>): Promise<string[][]> {
  const sent: { text: string; values: unknown[] }[] = [];
  const query = pg.Pool.prototype.query;
  const spy = vi.spyOn(pg.Pool.prototype, "query").mockImplementation(function (this: pg.Pool, ...args: unknown[]) {
    const config = args[0] as pg.QueryConfig;
    sent.push({ text: config.text, values: config.values ?? [] });
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query);
  try {
    await read();
  } finally {
    spy.mockRestore();
  }
  return admin(async (client) => {
    await client.query("SET enable_seqscan = off");
    const plans: string[][] = [];
    for (const { text, values } of sent) {
      const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${text}`, values);
      const plan = rows[0]["QUERY PLAN"][0].Plan as PlanNode;
      plans.push(nodes(belowLimit(plan) ?? plan));
    }
    return plans;
  }, database.url);
}

const served = (plan: string[]) => plan.some((node) => /Index/.test(node)) && !plan.includes("Seq Scan");

it("serves the whole-job reads (chart points, counts, finished results) from indexes", async () => {
  const [points] = await plansOf(() => store.listTrainingJobPoints("big"));
  expect(served(points as string[]), String(points)).toBe(true);
  const [counts] = await plansOf(() => store.countTrainingJobs("big"));
  expect(counts).toContain("Index Only Scan");
  const [results] = await plansOf(() => store.listObjectiveResults("big"));
  expect(results).toEqual(["Index Only Scan"]);
});

it("finds the best job and every page of the jobs table in index order, sorting no more than ties", async () => {
  for (const objective of ["Maximize", "Minimize"] as const) {
    const [best] = await plansOf(() => store.bestTrainingJob("big", objective));
    expect(served(best as string[]) && !best?.includes("Sort"), `${objective}: ${best}`).toBe(true);
  }
  const sorts: TrainingJobPageOptions["sortBy"][] = ["name", "createdAt", "status", "objectiveValue"];
  for (const sortBy of sorts) {
    for (const descending of [false, true]) {
      for (const status of [undefined, "Completed" as const]) {
        const [page, total] = await plansOf(() =>
          store.pageTrainingJobs("big", { sortBy, descending, status, limit: 50, offset: 100 }),
        );
        const label = `${sortBy} ${descending ? "desc" : "asc"} ${status ?? ""}: ${page} / ${total}`;
        expect(served(page as string[]) && !page?.includes("Sort"), label).toBe(true);
        // A status is shared by thousands of jobs: sorting its ties would sort most of the tuning job.
        if (sortBy === "status") expect(page, label).not.toContain("Incremental Sort");
        expect(served(total as string[]), label).toBe(true);
      }
    }
  }
});

it("finds jobs nobody holds a lease on from the running jobs alone", async () => {
  for (const kind of ["tuning-job", "training-job"] as const) {
    const [plan] = await plansOf(() => store.listUnleased(kind));
    expect(served(plan as string[]), `${kind}: ${plan}`).toBe(true);
  }
});
