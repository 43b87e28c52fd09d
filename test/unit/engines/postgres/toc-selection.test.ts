import { describe, expect, it } from 'vitest';
import type { TocEntry } from '../../../../src-main/engines/postgres/archive/archive-format.ts';
import { restoreList, selectTocEntries, selectedTables } from '../../../../src-main/engines/postgres/toc-selection.ts';

let nextId = 1;
function e(desc: string, namespace: string | null, tag: string, dependencies: TocEntry[] = []): TocEntry {
  return { dumpId: nextId++, hadDumper: desc.endsWith('DATA'), tableOid: '0', oid: '0', tag, desc, section: 2, defn: '', dropStmt: '', copyStmt: null, namespace, tablespace: '', tableam: '', owner: 'postgres', withOids: 'false', dependencies: dependencies.map((d) => String(d.dumpId)) };
}

/** A TOC shaped like pg_dump's for two schemas (dependencies as pg_dump records them). */
const sales = e('SCHEMA', null, 'sales');
const fn = e('FUNCTION', 'public', 'audit()');
const customers = e('TABLE', 'sales', 'customers', [sales]);
const customersSeq = e('SEQUENCE', 'sales', 'customers_id_seq', [customers]);
const ownedBy = e('SEQUENCE OWNED BY', 'sales', 'customers_id_seq', [customersSeq]);
const visits = e('TABLE', 'sales', 'visits', [sales]);
const notes = e('TABLE', 'public', 'notes');
const def = e('DEFAULT', 'sales', 'customers id', [customers, customersSeq]);
const customersData = e('TABLE DATA', 'sales', 'customers', [customers]);
const visitsData = e('TABLE DATA', 'sales', 'visits', [visits]);
const notesData = e('TABLE DATA', 'public', 'notes', [notes]);
const seqSet = e('SEQUENCE SET', 'sales', 'customers_id_seq', [customersSeq]);
const pkey = e('CONSTRAINT', 'sales', 'customers customers_pkey', [customers]);
const index = e('INDEX', 'sales', 'visits_at_idx', [visits]);
const fk = e('FK CONSTRAINT', 'sales', 'visits visits_customer_fkey', [visits, customers, pkey]);
const fkToNotes = e('FK CONSTRAINT', 'sales', 'visits visits_note_fkey', [visits, notes]);
const trigger = e('TRIGGER', 'sales', 'customers audit', [customers, fn]);
const acl = e('ACL', 'sales', 'TABLE visits', [visits]);
const TOC = [sales, fn, customers, customersSeq, ownedBy, visits, notes, def, customersData, visitsData, notesData, seqSet, pkey, index, fk, fkToNotes, trigger, acl];
const tags = (entries: TocEntry[]) => entries.map((entry) => `${entry.desc} ${entry.tag}`);

describe('restore selection from a dump TOC', () => {
  it('selects tables with their data, owned sequences, constraints, indexes and grants — not what needs something left out', () => {
    expect(tags(selectTocEntries(TOC, { tables: ['sales.customers', 'visits'] }))).toEqual([
      'TABLE customers',
      'SEQUENCE customers_id_seq',
      'SEQUENCE OWNED BY customers_id_seq',
      'TABLE visits',
      'DEFAULT customers id',
      'TABLE DATA customers',
      'TABLE DATA visits',
      'SEQUENCE SET customers_id_seq',
      'CONSTRAINT customers customers_pkey',
      'INDEX visits_at_idx',
      'FK CONSTRAINT visits visits_customer_fkey',
      'ACL TABLE visits',
    ]);
  });

  it('selects a whole schema, and the schemas of tables when the target is new', () => {
    const bySchema = tags(selectTocEntries(TOC, { schemas: ['sales'] }));
    expect(bySchema).toContain('SCHEMA sales');
    expect(bySchema).toContain('TABLE DATA visits');
    expect(bySchema).not.toContain('TABLE notes');
    expect(bySchema).not.toContain('FK CONSTRAINT visits visits_note_fkey');
    expect(tags(selectTocEntries(TOC, { tables: ['notes'] }))).toEqual(['TABLE notes', 'TABLE DATA notes']);
    expect(tags(selectTocEntries(TOC, { tables: ['sales.visits'], includeSchemasOfTables: true }))[0]).toBe('SCHEMA sales');
  });

  it('writes a pg_restore list and names the tables for the non-empty check', () => {
    const chosen = selectTocEntries(TOC, { tables: ['notes'] });
    expect(restoreList(chosen)).toBe(`${notes.dumpId}; TABLE public notes\n${notesData.dumpId}; TABLE DATA public notes\n`);
    expect(selectedTables(chosen)).toEqual([{ schema: 'public', name: 'notes' }]);
  });
});
