import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveHeader, TocEntry } from './archive-format.ts';
import { ARCHIVE_FORMAT, encodeToc, headerForFormat } from './archive-format.ts';
import { CustomArchiveParser } from './custom-archive-parser.ts';

/** What a conversion wrote. */
export interface DirectoryArchiveResult {
  /** Files written, toc.dat included. */
  files: number;
  /** Data bytes written (table data and large objects). */
  dataBytes: number;
  tocEntries: number;
}

const FLUSH_BYTES = 1024 * 1024;

/** Buffers small writes (pg_dump frames every row separately) into large ones. */
class BufferedFile {
  private readonly handle: FileHandle;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(handle: FileHandle) {
    this.handle = handle;
  }

  async write(bytes: Buffer): Promise<void> {
    // Input pieces are reused views of the source: copy when keeping them past this call.
    this.pending.push(Buffer.from(bytes));
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.pendingBytes) return;
    const data = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    await this.handle.write(data);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle.close();
  }
}

/** The file name a directory archive uses for an entry's data (pg_backup_directory.c `_ArchiveEntry`). */
export function directoryFileName(entry: TocEntry): string {
  if (entry.desc === 'BLOBS') return 'blobs.toc';
  return entry.hadDumper ? `${entry.dumpId}.dat` : '';
}

/** The `toc.dat` of a directory-format archive with `header`'s version and `toc`'s entries. */
export function directoryTocBytes(header: ArchiveHeader, toc: TocEntry[]): Buffer {
  const entries = toc.map((entry) => ({ ...entry, fileName: directoryFileName(entry) }));
  return Buffer.concat([headerForFormat(header, ARCHIVE_FORMAT.directory), encodeToc(entries, header, ARCHIVE_FORMAT.directory)]);
}

/**
 * Writes just `toc.dat` into `folder`: enough for pg_restore (also `-j`) to restore the pre-data
 * and post-data sections, which never open a data file.
 */
export async function writeTocOnlyDirectory(header: ArchiveHeader, toc: TocEntry[], folder: string): Promise<void> {
  await writeFile(join(folder, 'toc.dat'), directoryTocBytes(header, toc), { flag: 'wx', mode: 0o600 });
}

/** Options of writeDirectoryArchive. */
export interface DirectoryArchiveOptions {
  /** Data files (`<dumpId>.dat`) already written into the folder from separately stored table data. */
  dataFiles?: ReadonlySet<string>;
}

/**
 * Converts an uncompressed custom-format archive, read as a stream, into a stock directory-format
 * archive in `folder` (created; must be empty): `<dumpId>.dat` per table, `blob_<oid>.dat` plus
 * `blobs.toc` for large objects, and `toc.dat` — written last, so an interrupted conversion never
 * leaves a folder pg_restore would accept. Nothing but the data files is buffered to disk.
 */
export async function writeDirectoryArchive(source: AsyncIterable<Buffer | Uint8Array | string>, folder: string, signal?: AbortSignal, options: DirectoryArchiveOptions = {}): Promise<DirectoryArchiveResult> {
  await mkdir(folder, { recursive: true });
  const dataFiles = options.dataFiles ?? new Set<string>();
  if ((await readdir(folder)).some((name) => !dataFiles.has(name))) throw new Error(`Folder ${folder} is not empty.`);
  const parser = new CustomArchiveParser();
  const result: DirectoryArchiveResult = { files: 0, dataBytes: 0, tocEntries: 0 };
  let header: ArchiveHeader | undefined;
  let toc: TocEntry[] = [];
  let file: BufferedFile | undefined;
  const written = new Set<string>(dataFiles);
  const blobLines = new Map<number, string[]>();
  let currentBlobs: string[] | undefined;
  try {
    const pieces = async function* (): AsyncGenerator<Buffer | undefined> {
      for await (const piece of source) yield typeof piece === 'string' ? Buffer.from(piece) : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      yield undefined; // the end: let the parser finish
    };
    for await (const bytes of pieces()) {
      signal?.throwIfAborted();
      for (const event of bytes ? parser.push(bytes) : parser.finish()) {
        switch (event.type) {
          case 'prologue':
            header = event.header;
            if (header.compression !== 0) throw new Error('The stored archive is compressed; only uncompressed archives can be converted.');
            toc = event.toc.map((entry) => ({ ...entry, fileName: directoryFileName(entry) }));
            break;
          case 'data-start': {
            const name = `${event.dumpId}.dat`;
            file = new BufferedFile(await open(join(folder, name), 'wx'));
            written.add(name);
            result.files++;
            break;
          }
          case 'blob-start': {
            const name = `blob_${event.oid}.dat`;
            file = new BufferedFile(await open(join(folder, name), 'wx'));
            currentBlobs = blobLines.get(event.dumpId) ?? [];
            blobLines.set(event.dumpId, currentBlobs);
            currentBlobs.push(`${event.oid} ${name}\n`);
            result.files++;
            break;
          }
          case 'bytes':
            result.dataBytes += event.bytes.length;
            await file!.write(event.bytes);
            break;
          case 'data-end':
            await file!.close();
            file = undefined;
            break;
          case 'blobs-end':
            currentBlobs = undefined;
            break;
        }
      }
    }
  } finally {
    await file?.close().catch(() => undefined);
  }
  if (!header) throw new Error('The archive has no header.');
  // pg_dump puts every large object in one blobs.toc; several BLOBS entries share it.
  const allBlobs = [...blobLines.values()].flat();
  if (toc.some((entry) => entry.desc === 'BLOBS')) {
    await writeFile(join(folder, 'blobs.toc'), allBlobs.join(''), { flag: 'wx' });
    result.files++;
  }
  // A table whose data block is missing (none should be) still needs a file pg_restore can open.
  for (const entry of toc) {
    if (entry.fileName && entry.fileName.endsWith('.dat') && !written.has(entry.fileName)) {
      await writeFile(join(folder, entry.fileName), '', { flag: 'wx' });
      result.files++;
    }
  }
  const tocBytes = Buffer.concat([headerForFormat(header, ARCHIVE_FORMAT.directory), encodeToc(toc, header, ARCHIVE_FORMAT.directory)]);
  await writeFile(join(folder, 'toc.dat'), tocBytes, { flag: 'wx' });
  result.files++;
  result.tocEntries = toc.length;
  return result;
}
