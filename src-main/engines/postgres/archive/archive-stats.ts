import type { ArchiveEvent } from './custom-archive-parser.ts';
import type { TocEntry } from './archive-format.ts';

const END_MARKER = Buffer.from('\\.\n\n\n');

/** Rows and bytes of one table's data in an archive. */
export interface TableDataStats {
  schema: string;
  table: string;
  rows: number;
  bytes: number;
}

/**
 * Counts rows and data bytes per table while archive events go by. COPY text data has exactly one
 * newline per row (newlines inside values are escaped), so counting newlines counts rows — minus
 * the end-of-data marker `\.\n\n\n` pg_dump writes after the last row.
 */
export class ArchiveStats {
  readonly tables = new Map<number, TableDataStats>();
  largeObjects = 0;
  private toc = new Map<number, TocEntry>();
  private current: TableDataStats | undefined;
  /** The last bytes of the current table's data, to recognize the end marker. */
  private tail = Buffer.alloc(0);

  onEvent(event: ArchiveEvent): void {
    switch (event.type) {
      case 'prologue':
        for (const entry of event.toc) this.toc.set(entry.dumpId, entry);
        return;
      case 'data-start': {
        const entry = this.toc.get(event.dumpId);
        this.current = { schema: entry?.namespace ?? '', table: entry?.tag ?? String(event.dumpId), rows: 0, bytes: 0 };
        this.tables.set(event.dumpId, this.current);
        this.tail = Buffer.alloc(0);
        return;
      }
      case 'blob-start':
        this.largeObjects++;
        this.current = undefined;
        return;
      case 'bytes': {
        if (!this.current) return;
        const bytes = event.bytes;
        this.current.bytes += bytes.length;
        let at = bytes.indexOf(10);
        while (at !== -1) {
          this.current.rows++;
          at = bytes.indexOf(10, at + 1);
        }
        this.tail = bytes.length >= END_MARKER.length ? Buffer.from(bytes.subarray(bytes.length - END_MARKER.length)) : Buffer.concat([this.tail, bytes]).subarray(-END_MARKER.length);
        return;
      }
      case 'data-end':
        if (this.current && this.tail.equals(END_MARKER)) this.current.rows -= 3;
        this.current = undefined;
        return;
      case 'blobs-end':
        this.current = undefined;
        return;
    }
  }

  get totalRows(): number {
    let rows = 0;
    for (const table of this.tables.values()) rows += table.rows;
    return rows;
  }
}
