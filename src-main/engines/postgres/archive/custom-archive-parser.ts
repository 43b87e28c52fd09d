import type { ArchiveHeader, TocEntry } from './archive-format.ts';
import { ARCHIVE_FORMAT, BLOCK, Cursor, NeedMoreBytes, decodeInt, parseHeader, parseToc } from './archive-format.ts';

/** What the parser finds, in archive order. `bytes` events belong to the data or blob opened last. */
export type ArchiveEvent =
  | { type: 'prologue'; header: ArchiveHeader; toc: TocEntry[] }
  | { type: 'data-start'; dumpId: number }
  | { type: 'blob-start'; dumpId: number; oid: number }
  | { type: 'bytes'; bytes: Buffer }
  /** End of one table's data or of one large object. */
  | { type: 'data-end' }
  | { type: 'blobs-end'; dumpId: number };

type State = 'prologue' | 'block' | 'dumpId' | 'chunkLength' | 'chunk' | 'blobOid';

/**
 * A push parser of a custom-format (`pg_dump -Fc`) archive written to a pipe, i.e. with the data
 * blocks following the TOC in order (pg_backup_custom.c). Synchronous and allocation-light so it
 * can watch a backup stream go by (to count rows) without slowing it; data bytes are handed out as
 * views of the input pieces, never copied.
 *
 * Only uncompressed archives (`-Z0`) have their data readable as-is; compressed data passes
 * through as opaque bytes.
 */
export class CustomArchiveParser {
  header: ArchiveHeader | undefined;
  toc: TocEntry[] | undefined;
  private state: State = 'prologue';
  /** Bytes kept until a structure (prologue, integer) is whole. */
  private carry: Buffer = Buffer.alloc(0);
  private nextPrologueAttempt = 0;
  private intLength = 5;
  private blockType = 0;
  private dumpId = 0;
  private chunkLeft = 0;
  private inBlob = false;

  /** Feeds one piece; returns what it completed. Throws on a malformed archive. */
  push(piece: Buffer): ArchiveEvent[] {
    const events: ArchiveEvent[] = [];
    let input = this.carry.length ? Buffer.concat([this.carry, piece]) : piece;
    this.carry = Buffer.alloc(0);
    if (this.state === 'prologue') {
      if (input.length < this.nextPrologueAttempt) {
        this.carry = input;
        return events;
      }
      const cursor = new Cursor(input);
      try {
        const header = parseHeader(cursor);
        if (header.format !== ARCHIVE_FORMAT.custom) throw new Error(`expected a custom-format archive, found format ${header.format}`);
        const toc = parseToc(cursor, header);
        this.header = header;
        this.toc = toc;
        this.intLength = 1 + header.intSize;
        this.state = 'block';
        events.push({ type: 'prologue', header: { ...header, raw: Buffer.from(header.raw) }, toc });
        input = input.subarray(cursor.position);
      } catch (error) {
        if (!(error instanceof NeedMoreBytes)) throw error;
        // Retry only once the buffer has grown a lot, so a big TOC is not reparsed per piece.
        this.nextPrologueAttempt = Math.max(input.length * 2, 4096);
        this.carry = input;
        return events;
      }
    }
    let at = 0;
    while (at < input.length) {
      if (this.state === 'chunk') {
        const n = Math.min(this.chunkLeft, input.length - at);
        events.push({ type: 'bytes', bytes: input.subarray(at, at + n) });
        at += n;
        this.chunkLeft -= n;
        if (this.chunkLeft === 0) this.state = 'chunkLength';
        continue;
      }
      if (this.state === 'block') {
        this.blockType = input[at++]!;
        if (this.blockType !== BLOCK.data && this.blockType !== BLOCK.blobs) throw new Error(`unexpected data block type ${this.blockType} at a block start`);
        this.state = 'dumpId';
        continue;
      }
      if (input.length - at < this.intLength) {
        this.carry = Buffer.from(input.subarray(at));
        return events;
      }
      const value = decodeInt(input.subarray(at, at + this.intLength), this.intLength - 1);
      at += this.intLength;
      this.onInt(value, events);
    }
    return events;
  }

  /**
   * Call at the end of the stream: returns the last events (a small archive's prologue may still be
   * waiting for a parse attempt) and throws when the archive stopped inside a structure.
   */
  finish(): ArchiveEvent[] {
    let events: ArchiveEvent[] = [];
    if (this.state === 'prologue') {
      this.nextPrologueAttempt = 0;
      events = this.push(Buffer.alloc(0));
    }
    if (this.state === 'prologue') throw new Error('archive ends before its table of contents is complete');
    if (this.state !== 'block' || this.carry.length) throw new Error('archive ends inside a data block');
    return events;
  }

  private onInt(value: number, events: ArchiveEvent[]): void {
    switch (this.state) {
      case 'dumpId':
        this.dumpId = value;
        if (this.blockType === BLOCK.data) {
          events.push({ type: 'data-start', dumpId: value });
          this.state = 'chunkLength';
        } else {
          this.state = 'blobOid';
        }
        return;
      case 'blobOid':
        if (value === 0) {
          events.push({ type: 'blobs-end', dumpId: this.dumpId });
          this.state = 'block';
        } else {
          events.push({ type: 'blob-start', dumpId: this.dumpId, oid: value });
          this.inBlob = true;
          this.state = 'chunkLength';
        }
        return;
      case 'chunkLength':
        if (value < 0) throw new Error(`negative data chunk length ${value}`);
        if (value === 0) {
          events.push({ type: 'data-end' });
          this.state = this.inBlob ? 'blobOid' : 'block';
          this.inBlob = false;
        } else {
          this.chunkLeft = value;
          this.state = 'chunk';
        }
        return;
      default:
        throw new Error(`parser in unexpected state ${this.state}`);
    }
  }
}
