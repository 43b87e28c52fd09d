import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { EntrySource } from '../../../../src-main/engines/engine.ts';
import { dumpEntryName } from '../../../../src-main/engines/postgres/layout.ts';
import { restorePostgresToFolder } from '../../../../src-main/engines/postgres/postgres-folder.ts';
import { makeTempDir } from '../../../helpers/temp-dir.ts';
import type { ArchiveHeader, TocEntry } from '../../../../src-main/engines/postgres/archive/archive-format.ts';
import { ARCHIVE_FORMAT, BLOCK, Cursor, OFFSET_STATE, SECTION, decodeInt, encodeInt, encodeStr, encodeToc, headerForFormat, parseHeader, parseToc } from '../../../../src-main/engines/postgres/archive/archive-format.ts';
import { ArchiveStats } from '../../../../src-main/engines/postgres/archive/archive-stats.ts';
import { CustomArchiveParser } from '../../../../src-main/engines/postgres/archive/custom-archive-parser.ts';
import type { ArchiveEvent } from '../../../../src-main/engines/postgres/archive/custom-archive-parser.ts';

const I = (value: number) => encodeInt(value, 4);
const S = (value: string | null) => encodeStr(value, 4);

/** A header as pg_dump 15 writes it (archive 1.14, int 4, offset 8, custom format, no compression). */
function header(format: number = ARCHIVE_FORMAT.custom): Buffer {
  return Buffer.concat([Buffer.from('PGDMP'), Buffer.from([1, 14, 0, 4, 8, format]), I(0), ...[5, 4, 3, 24, 10, 124, 0].map(I), S('shop'), S('15.18'), S('15.18')]);
}

function entry(dumpId: number, desc: string, tag: string, hadDumper: boolean, extra: Partial<TocEntry> = {}): TocEntry {
  return {
    dumpId,
    hadDumper,
    tableOid: '1259',
    oid: String(16000 + dumpId),
    tag,
    desc,
    section: hadDumper ? SECTION.data : SECTION.preData,
    defn: desc === 'TABLE' ? `CREATE TABLE public.${tag} (a int);\n` : '',
    dropStmt: '',
    copyStmt: hadDumper ? `COPY public.${tag} (a) FROM stdin;\n` : null,
    namespace: 'public',
    tablespace: '',
    tableam: desc === 'TABLE' ? 'heap' : '',
    owner: 'postgres',
    withOids: 'false',
    dependencies: [],
    offsetState: hadDumper ? OFFSET_STATE.notSet : OFFSET_STATE.noData,
    ...extra,
  };
}

/** A small custom archive: two tables, one with data in several frames, and one large object. */
function sampleArchive(): { bytes: Buffer; toc: TocEntry[] } {
  const toc = [entry(10, 'TABLE', 'a', false), entry(11, 'TABLE DATA', 'a', true, { dependencies: ['10'] }), entry(12, 'BLOBS', 'BLOBS', true)];
  const head = header();
  const parsedHeader = parseHeader(new Cursor(head));
  const data = Buffer.concat([
    Buffer.from([BLOCK.data]), I(11),
    I(4), Buffer.from('1\tx\n'), I(6), Buffer.from('2\ty\\n\n'), I(5), Buffer.from('\\.\n\n\n'), I(0),
    Buffer.from([BLOCK.blobs]), I(12),
    I(16394), I(5), Buffer.from('hello'), I(0),
    I(0),
  ]);
  return { bytes: Buffer.concat([head, encodeToc(toc, parsedHeader, ARCHIVE_FORMAT.custom), data]), toc };
}

function parseInPieces(bytes: Buffer, pieceSize: number): ArchiveEvent[] {
  const parser = new CustomArchiveParser();
  const events: ArchiveEvent[] = [];
  for (let at = 0; at < bytes.length; at += pieceSize) events.push(...parser.push(bytes.subarray(at, at + pieceSize)));
  events.push(...parser.finish());
  return events;
}

describe('PostgreSQL archive format', () => {
  it('encodes integers as a sign byte plus little-endian magnitude', () => {
    expect(encodeInt(258, 4)).toEqual(Buffer.from([0, 2, 1, 0, 0]));
    expect(encodeInt(-1, 4)).toEqual(Buffer.from([1, 1, 0, 0, 0]));
    expect(decodeInt(encodeInt(-123456, 4), 4)).toBe(-123456);
    expect(encodeStr(null, 4)).toEqual(encodeInt(-1, 4));
  });

  it('parses the header and rewrites only its format byte for a directory archive', () => {
    const parsed: ArchiveHeader = parseHeader(new Cursor(header()));
    expect(parsed).toMatchObject({ version: { major: 1, minor: 14, revision: 0 }, intSize: 4, offSize: 8, format: ARCHIVE_FORMAT.custom, compression: 0, database: 'shop' });
    const directory = headerForFormat(parsed, ARCHIVE_FORMAT.directory);
    expect(parseHeader(new Cursor(directory)).format).toBe(ARCHIVE_FORMAT.directory);
    expect(Buffer.compare(directory.subarray(11), header().subarray(11))).toBe(0);
  });

  it('refuses what is not a supported archive', () => {
    expect(() => parseHeader(new Cursor(Buffer.from('PGDMQ\x01\x0e\x00')))).toThrow(/not a PostgreSQL archive/);
    expect(() => parseHeader(new Cursor(Buffer.from('PGDMP\x01\x10\x00\x04\x08\x01')))).toThrow(/unsupported archive version 1.16/);
  });

  it('round-trips a TOC through encode and parse, for both formats', () => {
    const { toc } = sampleArchive();
    const parsedHeader = parseHeader(new Cursor(header()));
    const custom = parseToc(new Cursor(encodeToc(toc, parsedHeader, ARCHIVE_FORMAT.custom)), parsedHeader);
    expect(custom).toEqual(toc);
    const directoryHeader = { ...parsedHeader, format: ARCHIVE_FORMAT.directory };
    const withFiles = toc.map((item) => ({ ...item, offsetState: undefined, fileName: item.hadDumper ? `${item.dumpId}.dat` : '' }));
    const directory = parseToc(new Cursor(encodeToc(withFiles, directoryHeader, ARCHIVE_FORMAT.directory)), directoryHeader);
    expect(directory.map((item) => item.fileName)).toEqual(['', '11.dat', '12.dat']);
  });

  it('parses data blocks and large objects the same whatever the piece boundaries', () => {
    const { bytes } = sampleArchive();
    const simplify = (events: ArchiveEvent[]) => {
      const out: unknown[] = [];
      for (const event of events) {
        if (event.type === 'bytes') {
          const last = out.at(-1);
          if (typeof last === 'string') out[out.length - 1] = last + event.bytes.toString();
          else out.push(event.bytes.toString());
        } else out.push(event.type === 'prologue' ? { type: 'prologue', entries: event.toc.length } : event);
      }
      return out;
    };
    const expected = [
      { type: 'prologue', entries: 3 },
      { type: 'data-start', dumpId: 11 },
      '1\tx\n2\ty\\n\n\\.\n\n\n',
      { type: 'data-end' },
      { type: 'blob-start', dumpId: 12, oid: 16394 },
      'hello',
      { type: 'data-end' },
      { type: 'blobs-end', dumpId: 12 },
    ];
    for (const size of [1, 2, 3, 7, 64, bytes.length]) expect(simplify(parseInPieces(bytes, size))).toEqual(expected);
  });

  it('counts rows per table without the end-of-data marker', () => {
    const stats = new ArchiveStats();
    for (const event of parseInPieces(sampleArchive().bytes, 5)) stats.onEvent(event);
    expect([...stats.tables.values()]).toEqual([{ schema: 'public', table: 'a', rows: 2, bytes: 15 }]);
    expect(stats.largeObjects).toBe(1);
  });

  it('reports a truncated archive', () => {
    const { bytes } = sampleArchive();
    const parser = new CustomArchiveParser();
    parser.push(bytes.subarray(0, bytes.length - 3));
    expect(() => parser.finish()).toThrow(/ends inside a data block/);
    expect(() => new CustomArchiveParser().finish()).toThrow(/before its table of contents/);
  });
});

describe('restore to a folder in the stock layout', () => {
  it('converts a stored archive whose stream delivers everything at once (no byte lost before the reader starts)', async () => {
    // A source that has the whole entry at hand, as a cached or small entry does: a progress counter
    // that started the flow early would drop these bytes while the folder is being prepared.
    const { bytes } = sampleArchive();
    const source: EntrySource = {
      entries: [{ name: dumpEntryName('shop'), size: bytes.length, metadata: { kind: 'pg-dump', database: 'shop' } }],
      open: async () => Readable.from([bytes]),
    };
    const dir = makeTempDir('cosmos-pg-folder-');
    const progress: number[] = [];
    try {
      const summary = await restorePostgresToFolder({ folder: dir.path }, source, { signal: new AbortController().signal, log: () => {}, progress: (done) => progress.push(done) });
      expect(summary.databases.map((db) => db.name)).toEqual(['shop']);
      expect(readdirSync(join(dir.path, 'shop')).sort()).toEqual(['11.dat', 'blob_16394.dat', 'blobs.toc', 'toc.dat']);
      expect(progress.at(-1)).toBe(bytes.length);
    } finally {
      dir.remove();
    }
  });
});
