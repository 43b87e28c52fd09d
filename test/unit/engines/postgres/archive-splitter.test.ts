import { describe, expect, it } from 'vitest';
import type { TocEntry } from '../../../../src-main/engines/postgres/archive/archive-format.ts';
import { ARCHIVE_FORMAT, BLOCK, Cursor, OFFSET_STATE, SECTION, encodeInt, encodeStr, encodeToc, parseHeader } from '../../../../src-main/engines/postgres/archive/archive-format.ts';
import { ArchiveSplitter } from '../../../../src-main/engines/postgres/archive/archive-splitter.ts';
import type { SplitOutput } from '../../../../src-main/engines/postgres/archive/archive-splitter.ts';
import { CustomArchiveParser } from '../../../../src-main/engines/postgres/archive/custom-archive-parser.ts';
import type { ArchiveEvent } from '../../../../src-main/engines/postgres/archive/custom-archive-parser.ts';
import { EntryFeed } from '../../../../src-main/engines/postgres/archive/entry-feed.ts';
import { copySessionSql, copyStatement } from '../../../../src-main/engines/postgres/split-restore.ts';

const I = (value: number) => encodeInt(value, 4);
const S = (value: string | null) => encodeStr(value, 4);
const header = Buffer.concat([Buffer.from('PGDMP'), Buffer.from([1, 14, 0, 4, 8, ARCHIVE_FORMAT.custom]), I(0), ...[5, 4, 3, 24, 10, 124, 0].map(I), S('shop'), S('15.18'), S('15.18')]);

function entry(dumpId: number, desc: string, tag: string, hadDumper: boolean, extra: Partial<TocEntry> = {}): TocEntry {
  return {
    dumpId, hadDumper, tableOid: '1259', oid: String(16000 + dumpId), tag, desc,
    section: hadDumper ? SECTION.data : SECTION.preData,
    defn: desc === 'TABLE' ? `CREATE TABLE public.${tag} (a int);\n` : desc === 'ENCODING' ? "SET client_encoding = 'UTF8';\n" : '',
    dropStmt: '', copyStmt: desc === 'TABLE DATA' ? `COPY public.${tag} (a) FROM stdin;\n` : null,
    namespace: 'public', tablespace: '', tableam: desc === 'TABLE' ? 'heap' : '', owner: 'postgres', withOids: 'false', dependencies: [],
    offsetState: hadDumper ? OFFSET_STATE.notSet : OFFSET_STATE.noData, ...extra,
  };
}

const toc = [entry(1, 'ENCODING', 'ENCODING', false), entry(10, 'TABLE', 'a', false), entry(11, 'TABLE DATA', 'a', true), entry(12, 'BLOBS', 'BLOBS', true), entry(13, 'TABLE DATA', 'b', true)];
const prologue = Buffer.concat([header, encodeToc(toc, parseHeader(new Cursor(header)), ARCHIVE_FORMAT.custom)]);
const tableA = Buffer.concat([I(4), Buffer.from('1\tx\n'), I(6), Buffer.from('2\ty\\n\n'), I(5), Buffer.from('\\.\n\n\n'), I(0)]);
const blobs = Buffer.concat([Buffer.from([BLOCK.blobs]), I(12), I(16394), I(5), Buffer.from('hello'), I(0), I(0)]);
const tableB = Buffer.concat([I(5), Buffer.from('\\.\n\n\n'), I(0)]);
const archive = Buffer.concat([prologue, Buffer.from([BLOCK.data]), I(11), tableA, blobs, Buffer.from([BLOCK.data]), I(13), tableB]);

function split(pieceSize: number): { archive: Buffer; tables: Map<number, Buffer>; order: string[] } {
  const parser = new CustomArchiveParser();
  const splitter = new ArchiveSplitter();
  const outputs: SplitOutput[] = [];
  for (let at = 0; at < archive.length; at += pieceSize) outputs.push(...splitter.onEvents(parser.push(archive.subarray(at, at + pieceSize))));
  outputs.push(...splitter.onEvents(parser.finish()));
  const tables = new Map<number, Buffer>();
  const rest: Buffer[] = [];
  const order: string[] = [];
  let current = 0;
  for (const output of outputs) {
    if (output.to === 'archive') rest.push(output.bytes);
    else if (output.to === 'table-start') {
      current = output.entry.dumpId;
      tables.set(current, Buffer.alloc(0));
      order.push(`start ${current}`);
    } else if (output.to === 'table') tables.set(current, Buffer.concat([tables.get(current)!, output.bytes]));
    else order.push(`end ${output.dumpId}`);
  }
  return { archive: Buffer.concat(rest), tables, order };
}

describe('ArchiveSplitter', () => {
  it.each([1, 3, 7, 64, 100_000])('splits table COPY text out and keeps the rest a valid archive (pieces of %i bytes)', (pieceSize) => {
    const result = split(pieceSize);
    expect(result.order).toEqual(['start 11', 'end 11', 'start 13', 'end 13']);
    // Frames removed: exactly what a directory-format <dumpId>.dat holds.
    expect(result.tables.get(11)!.toString()).toBe('1\tx\n2\ty\\n\n\\.\n\n\n');
    expect(result.tables.get(13)!.toString()).toBe('\\.\n\n\n');
    expect(result.archive.equals(Buffer.concat([prologue, blobs]))).toBe(true);
    const events: ArchiveEvent[] = [];
    const reparser = new CustomArchiveParser();
    events.push(...reparser.push(result.archive), ...reparser.finish());
    expect(events.map((event) => event.type)).toEqual(['prologue', 'blob-start', 'bytes', 'data-end', 'blobs-end']);
  });
});

describe('EntryFeed', () => {
  it('delivers pushed bytes in order and makes the writer wait past its high-water mark', async () => {
    const feed = new EntryFeed();
    const big = Buffer.alloc(3 * 1024 * 1024, 1);
    await feed.push(big);
    let second = false;
    const pushing = feed.push(big).then(() => (second = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(second).toBe(false);
    const read: number[] = [];
    const reading = (async () => {
      for await (const piece of feed) read.push(piece.length);
    })();
    await pushing;
    feed.end();
    await reading;
    expect(read).toEqual([big.length, big.length]);
  });

  it('fails both sides', async () => {
    const feed = new EntryFeed();
    const reading = (async () => {
      for await (const piece of feed) void piece;
    })();
    feed.fail(new Error('repository gone'));
    await expect(reading).rejects.toThrow('repository gone');
    await expect(feed.push(Buffer.from('x'))).rejects.toThrow('repository gone');
  });
});

describe('parallel COPY restore', () => {
  it('uses the dump encoding and pg_restore session settings', () => {
    const sql = copySessionSql(toc);
    expect(sql).toContain("SET client_encoding = 'UTF8';");
    expect(sql).toContain("set_config('search_path', '', false)");
    expect(sql).toContain('SET row_security = off;');
    expect(copyStatement(toc[2]!)).toBe('COPY public.a (a) FROM stdin');
  });
});
