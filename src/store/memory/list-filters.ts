import type { ListFilters, ListOptions } from "../records.js";

interface Listed {
  readonly name: string;
  readonly status: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly trialIndex?: number | null;
  readonly objectiveValue?: number | null;
}

export function page<T>(items: T[], options: ListOptions = {}): T[] {
  const offset = options.offset ?? 0;
  return items.slice(offset, options.limit === undefined ? undefined : offset + options.limit);
}

/** The records a listing's filters let through (status, name substring, creation and modification windows). */
export function filterListed<T extends Listed>(items: T[], filters: ListFilters<string>): T[] {
  const contains = filters.nameContains?.toLowerCase();
  return items.filter(
    (item) =>
      (filters.status === undefined || item.status === filters.status) &&
      (contains === undefined || item.name.toLowerCase().includes(contains)) &&
      (filters.createdAfter === undefined || item.createdAt > filters.createdAfter) &&
      (filters.createdBefore === undefined || item.createdAt < filters.createdBefore) &&
      (filters.modifiedAfter === undefined || item.updatedAt > filters.modifiedAfter) &&
      (filters.modifiedBefore === undefined || item.updatedAt < filters.modifiedBefore),
  );
}

const SORT_KEYS = {
  name: (item: Listed) => item.name.toLowerCase(),
  createdAt: (item: Listed) => item.createdAt,
  status: (item: Listed) => item.status,
  objectiveValue: (item: Listed) => item.objectiveValue ?? 0,
};

/** Orders by one key; ties keep trial order (then name) whichever the direction, as the SQL stores do. */
export function compareBy(sortBy: keyof typeof SORT_KEYS, descending = false): (a: Listed, b: Listed) => number {
  const by = SORT_KEYS[sortBy];
  const sign = descending ? -1 : 1;
  return (a, b) => {
    const x = by(a);
    const y = by(b);
    return (
      sign * (x < y ? -1 : x > y ? 1 : 0) ||
      (a.trialIndex ?? 0) - (b.trialIndex ?? 0) ||
      (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0)
    );
  };
}
