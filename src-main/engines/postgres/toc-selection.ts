import type { TocEntry } from './archive/archive-format.ts';

/** What to restore from one database: schemas and/or tables (`name` or `schema.name`). */
export interface TocSelection {
  schemas?: string[];
  tables?: string[];
  /** Also create the schemas that hold selected tables (the target database is new). */
  includeSchemasOfTables?: boolean;
}

/** Entries that describe a relation (matched by schema and name). */
const RELATION_DESCS = new Set(['TABLE', 'TABLE DATA', 'VIEW', 'MATERIALIZED VIEW', 'MATERIALIZED VIEW DATA', 'SEQUENCE', 'SEQUENCE SET', 'FOREIGN TABLE']);
/** Entries that belong to relations and follow them in (never pulling in other relations). */
const ATTACHED_DESCS = new Set([
  'INDEX',
  'INDEX ATTACH',
  'CONSTRAINT',
  'CHECK CONSTRAINT',
  'FK CONSTRAINT',
  'TRIGGER',
  'RULE',
  'POLICY',
  'ROW SECURITY',
  'DEFAULT',
  'COMMENT',
  'ACL',
  'SEQUENCE OWNED BY',
  'STATISTICS',
  'TABLE ATTACH',
  'SECURITY LABEL',
]);

/** Relations that follow a chosen table in when they depend on it (serial and identity sequences). */
const OWNED_DESCS = new Set(['SEQUENCE', 'SEQUENCE SET']);
/** Dependencies that never keep an attached entry out (they exist or come with the database). */
const IGNORED_DEPENDENCY_DESCS = new Set(['SCHEMA', 'EXTENSION', 'DATABASE', 'ENCODING', 'STDSTRINGS', 'SEARCHPATH']);

function tableMatches(spec: string, entry: TocEntry): boolean {
  return spec === entry.tag || spec === `${entry.namespace}.${entry.tag}`;
}

/** True when a selection narrows the restore at all. */
export function isSelective(selection: TocSelection): boolean {
  return Boolean(selection.schemas?.length || selection.tables?.length);
}

/**
 * The TOC entries a schema/table selection restores, in archive order: the matching relations and
 * their data, everything in a selected schema, and the entries attached to what was chosen
 * (indexes, constraints, triggers, defaults, comments, grants, owned sequences) when everything
 * they depend on is chosen too — so a foreign key to a table left out, or a trigger whose function
 * is left out, is left out as well.
 */
export function selectTocEntries(toc: TocEntry[], selection: TocSelection): TocEntry[] {
  const schemas = new Set(selection.schemas ?? []);
  const tables = selection.tables ?? [];
  const byId = new Map(toc.map((entry) => [String(entry.dumpId), entry]));
  const chosen = new Set<number>();
  for (const entry of toc) {
    if (entry.desc === 'SCHEMA' && entry.tag !== null && schemas.has(entry.tag)) chosen.add(entry.dumpId);
    else if (entry.namespace !== null && schemas.has(entry.namespace) && !ATTACHED_DESCS.has(entry.desc ?? '')) chosen.add(entry.dumpId);
    else if (RELATION_DESCS.has(entry.desc ?? '') && tables.some((spec) => tableMatches(spec, entry))) chosen.add(entry.dumpId);
  }
  if (selection.includeSchemasOfTables) {
    const tableSchemas = new Set(toc.filter((entry) => chosen.has(entry.dumpId)).map((entry) => entry.namespace));
    for (const entry of toc) if (entry.desc === 'SCHEMA' && tableSchemas.has(entry.tag)) chosen.add(entry.dumpId);
  }
  // Attached entries may depend on other attached entries (an index attach on an index): repeat.
  for (let grew = true; grew; ) {
    grew = false;
    for (const entry of toc) {
      if (chosen.has(entry.dumpId) || !(ATTACHED_DESCS.has(entry.desc ?? '') || OWNED_DESCS.has(entry.desc ?? ''))) continue;
      const deps = entry.dependencies.map((id) => byId.get(id)).filter((dep): dep is TocEntry => dep !== undefined && !IGNORED_DEPENDENCY_DESCS.has(dep.desc ?? ''));
      if (deps.length && deps.every((dep) => chosen.has(dep.dumpId))) {
        chosen.add(entry.dumpId);
        grew = true;
      }
    }
  }
  return toc.filter((entry) => chosen.has(entry.dumpId));
}

/** A pg_restore `-L` list of `entries` (pg_restore reads the leading dump id of each line). */
export function restoreList(entries: TocEntry[]): string {
  return entries.map((entry) => `${entry.dumpId}; ${entry.desc ?? ''} ${entry.namespace ?? '-'} ${(entry.tag ?? '').replace(/\n/g, ' ')}\n`).join('');
}

/** The tables (schema, name) a selection would create, for the non-empty target check. */
export function selectedTables(entries: TocEntry[]): { schema: string; name: string }[] {
  return entries.filter((entry) => entry.desc === 'TABLE' && entry.namespace !== null && entry.tag !== null).map((entry) => ({ schema: entry.namespace!, name: entry.tag! }));
}
