import { ValidationError } from "../../errors.js";
import type { ListFilters, ListOptions, TrainingJobListOptions, TuningJobListOptions } from "../records.js";

/** Where the two SQL stores differ in what a listing needs. */
export interface SqlDialect {
  /** A case-insensitive "name contains" test with one `?` for the substring. */
  readonly contains: string;
  /** The expression that orders names without regard to case. */
  readonly lowerName: string;
  /** The test that a training job belongs to a tuning job, with one `?` for its name (any case). */
  readonly tuningJobIs: string;
  /** What LIMIT takes to mean "no limit" when only an offset is asked for. */
  readonly noLimit: string;
}

export const SQLITE_DIALECT: SqlDialect = {
  contains: "instr(lower(name), lower(?)) > 0",
  lowerName: "lower(name)",
  tuningJobIs: "tuning_job_name = ?",
  noLimit: "-1",
};
export const POSTGRES_DIALECT: SqlDialect = {
  contains: "strpos(lower(name), lower(?)) > 0",
  // name_key is lower(name), kept in a column so that indexes can order by it.
  lowerName: "name_key",
  tuningJobIs: "tuning_job_key = lower(?)",
  noLimit: "ALL",
};

/** A WHERE clause with `?` placeholders and its parameters, in order. */
export interface SqlFilter {
  readonly where: string;
  readonly params: unknown[];
}

function filterClauses(filters: ListFilters<string>, dialect: SqlDialect): { conditions: string[]; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, value: unknown) => {
    conditions.push(condition);
    params.push(value);
  };
  if (filters.status !== undefined) add("status = ?", filters.status);
  if (filters.nameContains !== undefined) add(dialect.contains, filters.nameContains);
  if (filters.createdAfter !== undefined) add("created_at > ?", filters.createdAfter);
  if (filters.createdBefore !== undefined) add("created_at < ?", filters.createdBefore);
  if (filters.modifiedAfter !== undefined) add("updated_at > ?", filters.modifiedAfter);
  if (filters.modifiedBefore !== undefined) add("updated_at < ?", filters.modifiedBefore);
  return { conditions, params };
}

const where = (conditions: string[]) => (conditions.length ? ` WHERE ${conditions.join(" AND ")}` : "");

/** Column expressions from a fixed table and a fixed direction word: nothing from the caller reaches the SQL. */
function orderBy(
  sortBy: NonNullable<ListFilters<string>["sortBy"]>,
  descending: boolean | undefined,
  dialect: SqlDialect,
) {
  const columns = { name: dialect.lowerName, createdAt: "created_at", status: "status" };
  const column = columns[sortBy];
  if (!column) throw new ValidationError("sortBy", `must be one of ${Object.keys(columns).join(", ")}, got ${sortBy}`);
  return `${column} ${descending ? "DESC" : "ASC"}`;
}

export function tuningJobListing(options: TuningJobListOptions, dialect: SqlDialect): SqlFilter & { order: string } {
  const { conditions, params } = filterClauses(options, dialect);
  if (options.kind !== undefined) {
    conditions.push("kind = ?");
    params.push(options.kind);
  }
  const order =
    options.sortBy === undefined
      ? `created_at DESC, ${dialect.lowerName}`
      : `${orderBy(options.sortBy, options.descending, dialect)}, ${dialect.lowerName}`;
  return { where: where(conditions), params, order };
}

/** In trial order within a tuning job, else in creation order, unless a sort is asked for. */
export function trainingJobListing(
  options: TrainingJobListOptions,
  dialect: SqlDialect,
  creationOrder: string,
): SqlFilter & { order: string } {
  const { conditions, params } = filterClauses(options, dialect);
  if (options.tuningJobName !== undefined) {
    conditions.push(dialect.tuningJobIs);
    params.push(options.tuningJobName);
  }
  if (options.standalone) conditions.push("tuning_job_name IS NULL");
  const natural = options.tuningJobName !== undefined ? "trial_index" : creationOrder;
  const order =
    options.sortBy === undefined
      ? natural
      : `${orderBy(options.sortBy, options.descending, dialect)}, trial_index, ${dialect.lowerName}`;
  return { where: where(conditions), params, order };
}

/** LIMIT/OFFSET from a listing's bounds; the numbers are validated integers, never caller text. */
export function limitClause(options: ListOptions, dialect: SqlDialect): string {
  const offset = Math.max(0, Math.floor(options.offset ?? 0));
  if (options.limit === undefined) return offset > 0 ? ` LIMIT ${dialect.noLimit} OFFSET ${offset}` : "";
  return ` LIMIT ${Math.max(0, Math.floor(options.limit))} OFFSET ${offset}`;
}
