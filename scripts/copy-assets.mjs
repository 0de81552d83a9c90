// tsc compiles only TypeScript; the store's SQL migrations and the console's files travel beside the compiled code.
import { cpSync } from "node:fs";

cpSync("src/store/sqlite/migrations", "dist/store/sqlite/migrations", { recursive: true });
cpSync("src/store/postgres/migrations", "dist/store/postgres/migrations", { recursive: true });
// The console's tests stay behind; its type declarations travel, for TypeScript users of plot.js.
cpSync("src/console", "dist/console", { recursive: true, filter: (path) => !path.endsWith(".test.ts") });
// The SageMaker model's input shapes, which the SageMaker API checks requests against.
cpSync("src/transports/sagemaker/input-shapes.json", "dist/transports/sagemaker/input-shapes.json");
