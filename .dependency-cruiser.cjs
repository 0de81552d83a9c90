// Import boundaries, checked by `npm run boundaries` (part of `npm test`).
// Dependencies point one way: space → strategies → tuner → (executors, jobs, store) → controller → services →
// transports (HTTP, CLI, SDK). The root files (errors, clock, random, retry, identity, error-codes) are the base
// every layer may use.

/** A rule that `from` may not import `to` (paths under src/). */
const forbid = (name, comment, from, to) => ({
  name,
  comment,
  severity: "error",
  // Tests may reach across layers; src/index.ts is the public surface and re-exports every layer.
  from: { path: from, pathNot: "\\.test\\.ts$|^src/index\\.ts$" },
  to: { path: to },
});

const TOP = "^src/(services|report|analytics|transports|cli|sdk)/";

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "A cycle ties modules together so neither can change alone.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    forbid(
      "space-is-the-bottom",
      "Parameter ranges know nothing of how they are searched or stored.",
      "^src/space/",
      `^src/(strategies|optimizer|tuner|executors|jobs|store|controller|config)/|${TOP}`,
    ),
    forbid(
      "strategies-are-pure",
      "A strategy is a function of (space, history, pending, rng): no store, no jobs, no tuner.",
      "^src/strategies/",
      `^src/(optimizer|tuner|executors|jobs|store|controller|config)/|${TOP}`,
    ),
    forbid(
      "store-below-the-runtime",
      "The store holds records; it does not run them.",
      "^src/store/",
      `^src/(optimizer|tuner|executors|jobs|controller)/|${TOP}`,
    ),
    forbid(
      "jobs-below-the-tuner",
      "One training job under the container contract knows nothing of tuning jobs or where it was dispatched from.",
      "^src/jobs/",
      `^src/(optimizer|tuner|executors|controller)/|${TOP}`,
    ),
    forbid(
      "executors-below-the-tuner",
      "Executors run jobs the tuner decided on; they do not decide.",
      "^src/executors/",
      `^src/(tuner|controller)/|${TOP}`,
    ),
    forbid(
      "core-below-services",
      "Nothing below the services imports a service, a report or a transport.",
      "^src/(space|strategies|optimizer|tuner|executors|jobs|store|controller|config)/|^src/[^/]+\\.ts$",
      TOP,
    ),
    forbid(
      "services-below-transports",
      "Services answer every client alike; they do not know how a request arrived.",
      "^src/(services|report|analytics)/",
      "^src/(transports|cli|sdk)/",
    ),
    forbid(
      "console-through-the-api",
      "The console depends only on the HTTP API.",
      "^src/console/",
      "^src/(?!console/)",
    ),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    includeOnly: "^src/",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
