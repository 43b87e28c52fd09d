import type { ArchiveHeader, TocEntry } from './archive-format.ts';
import { ARCHIVE_FORMAT, BLOCK, encodeInt, encodeToc } from './archive-format.ts';
import type { ArchiveEvent } from './custom-archive-parser.ts';

/** What the splitter makes of parser events, in order. Consecutive bytes for one place come as one piece. */
export type SplitOutput =
  /** Bytes of the custom-format archive without the split table data. */
  | { to: 'archive'; bytes: Buffer }
  /** A table's data begins (its TOC entry). */
  | { to: 'table-start'; entry: TocEntry }
  /** COPY text of the table opened last. */
  | { to: 'table'; bytes: Buffer }
  | { to: 'table-end'; dumpId: number };

/** TOC entries whose data is split out: table data loaded with COPY (pg_dump's default). */
export function isSplitTableData(entry: TocEntry): boolean {
  return entry.desc === 'TABLE DATA' && entry.hadDumper && Boolean(entry.copyStmt);
}

/**
 * Splits an uncompressed custom-format archive (as CustomArchiveParser events) into the archive
 * without table data — header, TOC and the remaining data blocks (large objects), re-framed but
 * byte-for-byte what pg_restore reads — and each table's COPY text with the custom format's
 * per-row frames removed, i.e. exactly a directory-format `<dumpId>.dat`. Pure and synchronous.
 */
export class ArchiveSplitter {
  header: ArchiveHeader | undefined;
  toc: TocEntry[] = [];
  private split = new Set<number>();
  private intSize = 4;
  /** Where the open data block goes. */
  private current: 'archive' | 'table' | undefined;
  private currentDumpId = 0;
  /** The large-object block whose header was written (blob blocks open lazily). */
  private openBlobs: number | undefined;
  private out: SplitOutput[] = [];
  private pending: Buffer[] = [];
  private pendingTo: 'archive' | 'table' | undefined;

  onEvents(events: Iterable<ArchiveEvent>): SplitOutput[] {
    for (const event of events) this.onEvent(event);
    this.flush();
    const out = this.out;
    this.out = [];
    return out;
  }

  private emit(to: 'archive' | 'table', bytes: Buffer): void {
    if (this.pendingTo !== to) this.flush();
    this.pendingTo = to;
    this.pending.push(bytes);
  }

  private flush(): void {
    if (!this.pending.length) return;
    // Views of the parser's input: copied once here, so pieces outlive it safely.
    this.out.push({ to: this.pendingTo!, bytes: Buffer.concat(this.pending) });
    this.pending = [];
    this.pendingTo = undefined;
  }

  private control(output: SplitOutput): void {
    this.flush();
    this.out.push(output);
  }

  private int(value: number): Buffer {
    return encodeInt(value, this.intSize);
  }

  private onEvent(event: ArchiveEvent): void {
    switch (event.type) {
      case 'prologue':
        this.header = event.header;
        this.toc = event.toc;
        this.intSize = event.header.intSize;
        for (const entry of event.toc) if (isSplitTableData(entry)) this.split.add(entry.dumpId);
        this.emit('archive', Buffer.concat([event.header.raw, encodeToc(event.toc, event.header, ARCHIVE_FORMAT.custom)]));
        return;
      case 'data-start':
        this.currentDumpId = event.dumpId;
        if (this.split.has(event.dumpId)) {
          this.current = 'table';
          this.control({ to: 'table-start', entry: this.toc.find((entry) => entry.dumpId === event.dumpId)! });
        } else {
          this.current = 'archive';
          this.emit('archive', Buffer.concat([Buffer.from([BLOCK.data]), this.int(event.dumpId)]));
        }
        return;
      case 'blob-start':
        this.current = 'archive';
        if (this.openBlobs !== event.dumpId) {
          this.openBlobs = event.dumpId;
          this.emit('archive', Buffer.concat([Buffer.from([BLOCK.blobs]), this.int(event.dumpId)]));
        }
        this.emit('archive', this.int(event.oid));
        return;
      case 'bytes':
        if (this.current === 'table') this.emit('table', event.bytes);
        else {
          this.emit('archive', this.int(event.bytes.length));
          this.emit('archive', event.bytes);
        }
        return;
      case 'data-end':
        if (this.current === 'table') this.control({ to: 'table-end', dumpId: this.currentDumpId });
        else this.emit('archive', this.int(0));
        this.current = undefined;
        return;
      case 'blobs-end':
        if (this.openBlobs !== event.dumpId) this.emit('archive', Buffer.concat([Buffer.from([BLOCK.blobs]), this.int(event.dumpId)]));
        this.openBlobs = undefined;
        this.emit('archive', this.int(0));
        return;
    }
  }
}
