import type { TocEntry } from '../../../../../src-main/engines/postgres/archive/archive-format.ts';
import { OFFSET_STATE, SECTION } from '../../../../../src-main/engines/postgres/archive/archive-format.ts';

/** A TOC entry shaped as pg_dump records it, with only what scheduling looks at set. */
export function tocEntry(dumpId: number, desc: string, tag: string, section: number, dependencies: number[] = []): TocEntry {
  return {
    dumpId,
    hadDumper: section === SECTION.data,
    tableOid: '0',
    oid: String(16000 + dumpId),
    tag,
    desc,
    section,
    defn: '',
    dropStmt: '',
    copyStmt: null,
    namespace: 'public',
    tablespace: '',
    tableam: '',
    owner: 'postgres',
    withOids: 'false',
    dependencies: dependencies.map(String),
    offsetState: OFFSET_STATE.noData,
  };
}
