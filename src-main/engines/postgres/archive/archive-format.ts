/**
 * The parts of PostgreSQL's dump archive format (pg_backup_archiver.c) shared by the custom and
 * directory formats: integers, strings, the header and the table of contents.
 *
 * Integers are a sign byte followed by `intSize` little-endian magnitude bytes; strings are an
 * integer length (-1 for NULL) followed by the bytes. We read archive versions 1.12 to 1.15
 * (pg_dump 11 to 16); the client tools on the worker are version 15, which writes 1.14.
 */

/** Archive formats as the header's format byte names them (measured from pg_dump 15 output). */
export const ARCHIVE_FORMAT = { custom: 1, directory: 3 } as const;
/** Data block types of the custom format (pg_backup_custom.c). */
export const BLOCK = { data: 1, blob: 2, blobs: 3 } as const;
/** Offset states of the custom format's TOC extra field. */
export const OFFSET_STATE = { notSet: 1, set: 2, noData: 3 } as const;
/** TOC sections. */
export const SECTION = { none: 1, preData: 2, data: 3, postData: 4 } as const;

/** Thrown by the parsing helpers when the bytes seen so far do not hold the whole structure. */
export class NeedMoreBytes extends Error {
  constructor() {
    super('need more bytes');
  }
}

/** The archive header. `raw` is every header byte, so a converter can copy it verbatim. */
export interface ArchiveHeader {
  version: { major: number; minor: number; revision: number };
  intSize: number;
  offSize: number;
  format: number;
  /** Compression level (<= 1.14) or algorithm (1.15); 0 means none. */
  compression: number;
  database: string | null;
  serverVersion: string | null;
  dumpVersion: string | null;
  raw: Buffer;
}

/** One table-of-contents entry, every field pg_dump writes. */
export interface TocEntry {
  dumpId: number;
  hadDumper: boolean;
  tableOid: string | null;
  oid: string | null;
  tag: string | null;
  desc: string | null;
  section: number;
  defn: string | null;
  dropStmt: string | null;
  copyStmt: string | null;
  namespace: string | null;
  tablespace: string | null;
  tableam: string | null;
  owner: string | null;
  withOids: string | null;
  dependencies: string[];
  /** The format-specific field: custom = offset state (+ offset), directory = file name. */
  offsetState?: number;
  fileName?: string | null;
}

/** A cursor over a buffer that throws NeedMoreBytes at its end. */
export class Cursor {
  readonly bytes: Buffer;
  position: number;
  intSize = 4;

  constructor(bytes: Buffer, position = 0) {
    this.bytes = bytes;
    this.position = position;
  }

  byte(): number {
    if (this.position >= this.bytes.length) throw new NeedMoreBytes();
    return this.bytes[this.position++]!;
  }

  take(n: number): Buffer {
    if (this.position + n > this.bytes.length) throw new NeedMoreBytes();
    const out = this.bytes.subarray(this.position, this.position + n);
    this.position += n;
    return out;
  }

  int(): number {
    return decodeInt(this.take(1 + this.intSize), this.intSize);
  }

  str(): string | null {
    const length = this.int();
    if (length < 0) return null;
    return this.take(length).toString('utf8');
  }
}

/** Decodes a sign byte plus `intSize` little-endian bytes. */
export function decodeInt(bytes: Buffer, intSize: number): number {
  let value = 0;
  for (let i = intSize; i >= 1; i--) value = value * 256 + bytes[i]!;
  return bytes[0] ? -value : value;
}

export function encodeInt(value: number, intSize: number): Buffer {
  const out = Buffer.alloc(1 + intSize);
  out[0] = value < 0 ? 1 : 0;
  let magnitude = Math.abs(value);
  for (let i = 1; i <= intSize; i++) {
    out[i] = magnitude % 256;
    magnitude = Math.floor(magnitude / 256);
  }
  return out;
}

export function encodeStr(value: string | null, intSize: number): Buffer {
  if (value === null) return encodeInt(-1, intSize);
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([encodeInt(bytes.length, intSize), bytes]);
}

function versionAtLeast(header: ArchiveHeader, minor: number): boolean {
  return header.version.major > 1 || (header.version.major === 1 && header.version.minor >= minor);
}

/** Parses the header at the cursor; throws NeedMoreBytes when incomplete, Error when not an archive. */
export function parseHeader(cursor: Cursor): ArchiveHeader {
  const start = cursor.position;
  const magic = cursor.take(5).toString('latin1');
  if (magic !== 'PGDMP') throw new Error('not a PostgreSQL archive (no PGDMP magic)');
  const version = { major: cursor.byte(), minor: cursor.byte(), revision: cursor.byte() };
  if (version.major !== 1 || version.minor < 12 || version.minor > 15) {
    throw new Error(`unsupported archive version ${version.major}.${version.minor}.${version.revision} (1.12 to 1.15 are supported)`);
  }
  const intSize = cursor.byte();
  const offSize = cursor.byte();
  const format = cursor.byte();
  cursor.intSize = intSize;
  const compression = version.minor >= 15 ? cursor.byte() : cursor.int();
  for (let i = 0; i < 7; i++) cursor.int(); // creation time: sec, min, hour, mday, mon, year, isdst
  const database = cursor.str();
  const serverVersion = cursor.str();
  const dumpVersion = cursor.str();
  return { version, intSize, offSize, format, compression, database, serverVersion, dumpVersion, raw: cursor.bytes.subarray(start, cursor.position) };
}

/** Parses the TOC (count + entries) for the header's format. */
export function parseToc(cursor: Cursor, header: ArchiveHeader): TocEntry[] {
  const count = cursor.int();
  const entries: TocEntry[] = [];
  for (let i = 0; i < count; i++) {
    const entry: TocEntry = {
      dumpId: cursor.int(),
      hadDumper: cursor.int() !== 0,
      tableOid: cursor.str(),
      oid: cursor.str(),
      tag: cursor.str(),
      desc: cursor.str(),
      section: cursor.int(),
      defn: cursor.str(),
      dropStmt: cursor.str(),
      copyStmt: cursor.str(),
      namespace: cursor.str(),
      tablespace: cursor.str(),
      tableam: versionAtLeast(header, 14) ? cursor.str() : null,
      owner: cursor.str(),
      withOids: cursor.str(),
      dependencies: [],
    };
    for (;;) {
      const dependency = cursor.str();
      if (dependency === null) break;
      entry.dependencies.push(dependency);
    }
    if (header.format === ARCHIVE_FORMAT.custom) {
      entry.offsetState = cursor.byte();
      cursor.take(header.offSize);
    } else if (header.format === ARCHIVE_FORMAT.directory) {
      entry.fileName = cursor.str();
    }
    entries.push(entry);
  }
  return entries;
}

/**
 * Serializes a TOC for `header`'s format (directory: `fileName` per entry, custom: offset state
 * with a zero offset). Field order follows WriteToc in pg_backup_archiver.c.
 */
export function encodeToc(entries: TocEntry[], header: ArchiveHeader, format: number): Buffer {
  const { intSize } = header;
  const parts: Buffer[] = [encodeInt(entries.length, intSize)];
  const str = (value: string | null) => parts.push(encodeStr(value, intSize));
  const int = (value: number) => parts.push(encodeInt(value, intSize));
  for (const entry of entries) {
    int(entry.dumpId);
    int(entry.hadDumper ? 1 : 0);
    str(entry.tableOid);
    str(entry.oid);
    str(entry.tag);
    str(entry.desc);
    int(entry.section);
    str(entry.defn);
    str(entry.dropStmt);
    str(entry.copyStmt);
    str(entry.namespace);
    str(entry.tablespace);
    if (versionAtLeast(header, 14)) str(entry.tableam);
    str(entry.owner);
    str(entry.withOids);
    for (const dependency of entry.dependencies) str(dependency);
    str(null);
    if (format === ARCHIVE_FORMAT.directory) str(entry.fileName ?? '');
    else if (format === ARCHIVE_FORMAT.custom) parts.push(Buffer.from([entry.offsetState ?? OFFSET_STATE.noData]), Buffer.alloc(header.offSize));
  }
  return Buffer.concat(parts);
}

/** A header rewritten for another format (only the format byte differs). */
export function headerForFormat(header: ArchiveHeader, format: number): Buffer {
  const raw = Buffer.from(header.raw);
  raw[10] = format; // "PGDMP" + 3 version bytes + intSize + offSize, then the format byte
  return raw;
}
