import type { TocEntry } from './archive/archive-format.ts';

/**
 * Which post-data entries (indexes, constraints, triggers, materialized view refreshes, …) may run
 * while some tables are still loading: those that depend on none of the loading tables, directly
 * or through any chain of other entries (a refresh depends on its view, which depends on tables).
 * pg_restore's parallel mode makes an entry that depends on a table wait for that table's data
 * (pg_backup_archiver.c `repoint_table_dependencies`); following whole chains is more cautious.
 *
 * `loadingData` are the `TABLE DATA` entries not loaded yet; an entry is blocked when it reaches
 * one of them or the `TABLE` entry one of them fills. `building` are post-data entries another
 * pass is building now; an entry that reaches one of them waits for that pass.
 */
export function postDataReady(toc: readonly TocEntry[], postData: readonly TocEntry[], loadingData: readonly TocEntry[], building: readonly TocEntry[] = []): TocEntry[] {
  const blocking = new Set<string>();
  for (const data of loadingData) {
    blocking.add(String(data.dumpId));
    for (const dependency of data.dependencies) blocking.add(dependency);
  }
  for (const entry of building) blocking.add(String(entry.dumpId));
  const byId = new Map(toc.map((entry) => [String(entry.dumpId), entry]));
  const memo = new Map<string, boolean>();
  const reachesBlocking = (id: string): boolean => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    memo.set(id, false); // a dependency cycle (pg_dump makes none) must not recurse forever
    const entry = byId.get(id);
    const result = entry !== undefined && entry.dependencies.some((dependency) => blocking.has(dependency) || reachesBlocking(dependency));
    memo.set(id, result);
    return result;
  };
  return postData.filter((entry) => !reachesBlocking(String(entry.dumpId)));
}
