import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** The numbered SQL files beside this module, in order; numbers must run 1, 2, 3 without gaps. */
export function loadMigrations(dir = fileURLToPath(new URL("./migrations/", import.meta.url))): Migration[] {
  const migrations = readdirSync(dir)
    .map((file) => ({ file, match: MIGRATION_FILE.exec(file) }))
    .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ file, match }) => ({
      version: Number(match[1]),
      name: match[2] as string,
      sql: readFileSync(`${dir}/${file}`, "utf8"),
    }))
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, i) => {
    if (migration.version !== i + 1) {
      throw new Error(`store migrations must be numbered 1, 2, 3...: found ${migration.version} at position ${i + 1}`);
    }
  });
  return migrations;
}
