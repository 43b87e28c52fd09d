import type { AppendBlobClient, ContainerClient } from '@azure/storage-blob';

/**
 * Append blobs as a one-way line stream: one writer appends whole lines, one reader tails them
 * with ranged reads. A stream is a series of segments (`<prefix>000001.ndjson`, …) because an
 * append blob holds at most 50,000 blocks; the writer starts the next segment before the limit.
 */

/** Blocks per segment before the writer rolls over (Azure's limit is 50,000). */
export const SEGMENT_BLOCK_LIMIT = 45_000;
/** Bytes per append (Azure accepts up to 100 MiB on current versions; 4 MiB everywhere). */
const MAX_APPEND_BYTES = 4 * 1024 * 1024;

export function segmentName(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(6, '0')}.ndjson`;
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

/** Appends lines in batches; lines are never split across appends and never written twice. */
export class AppendBlobWriter {
  private readonly container: ContainerClient;
  private readonly prefix: string;
  private readonly segmentBlockLimit: number;
  private segment = 0;
  private blob: AppendBlobClient | undefined;
  private blocks = 0;
  private offset = 0;
  private queued: string[] = [];
  private flushing: Promise<void> = Promise.resolve();

  /** `segmentBlockLimit`: appends per segment (default SEGMENT_BLOCK_LIMIT; the reader must use the same). */
  constructor(container: ContainerClient, prefix: string, segmentBlockLimit = SEGMENT_BLOCK_LIMIT) {
    this.container = container;
    this.prefix = prefix;
    this.segmentBlockLimit = segmentBlockLimit;
  }

  /** Queues a line (with its newline); `flush` writes it. */
  push(line: string): void {
    this.queued.push(line);
  }

  /** Writes everything queued so far, in order (flushes are serialized). */
  flush(): Promise<void> {
    const run = this.flushing.then(() => this.writeQueued());
    this.flushing = run.catch(() => undefined);
    return run;
  }

  /** Continues an existing segment (created by someone else) instead of creating the first one. */
  async resume(segment: number): Promise<void> {
    this.segment = segment;
    this.blob = this.container.getAppendBlobClient(segmentName(this.prefix, segment));
    const properties = await this.blob.getProperties();
    this.offset = properties.contentLength ?? 0;
    this.blocks = properties.blobCommittedBlockCount ?? 0;
  }

  private async nextSegment(): Promise<void> {
    this.segment++;
    this.blob = this.container.getAppendBlobClient(segmentName(this.prefix, this.segment));
    await this.blob.create({ blobHTTPHeaders: { blobContentType: 'application/x-ndjson' } });
    this.blocks = 0;
    this.offset = 0;
  }

  private async writeQueued(): Promise<void> {
    while (this.queued.length) {
      if (!this.blob || this.blocks >= this.segmentBlockLimit) await this.nextSegment();
      let take = 0;
      let bytes = 0;
      while (take < this.queued.length) {
        const size = Buffer.byteLength(this.queued[take] as string);
        if (take > 0 && bytes + size > MAX_APPEND_BYTES) break;
        bytes += size;
        take++;
      }
      const data = Buffer.from(this.queued.slice(0, take).join(''), 'utf8');
      await this.append(data);
      this.queued = this.queued.slice(take);
    }
  }

  /** One append at the expected position: a retried append that had already landed is not repeated. */
  private async append(data: Buffer): Promise<void> {
    const blob = this.blob as AppendBlobClient;
    try {
      await blob.appendBlock(data, data.length, { conditions: { appendPosition: this.offset } });
    } catch (error) {
      if (statusOf(error) !== 412) throw error;
      const length = (await blob.getProperties()).contentLength ?? 0;
      if (length !== this.offset + data.length) throw error;
    }
    this.offset += data.length;
    this.blocks++;
  }
}

/** Reads new whole lines of a segmented append-blob stream; each call returns what arrived since the last. */
export class AppendBlobTail {
  private readonly container: ContainerClient;
  private readonly prefix: string;
  private segment = 1;
  private offset = 0;
  private partial = '';
  /** Appends the current segment holds, as last read: the writer moves on only from a full one. */
  private blocks = 0;
  private readonly segmentBlockLimit: number;

  constructor(container: ContainerClient, prefix: string, segmentBlockLimit = SEGMENT_BLOCK_LIMIT) {
    this.container = container;
    this.prefix = prefix;
    this.segmentBlockLimit = segmentBlockLimit;
  }

  /** Every whole line written since the last call, across segments, in order. */
  async read(): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      lines.push(...(await this.readSegment()));
      // Only a full segment has a next one, so an idle poll costs one request. The writer finishes a
      // segment before it creates the next: once the next exists, one more read gets this one's last lines.
      if (this.blocks < this.segmentBlockLimit) return lines;
      const next = this.container.getAppendBlobClient(segmentName(this.prefix, this.segment + 1));
      if (!(await next.exists())) return lines;
      lines.push(...(await this.readSegment()));
      this.segment++;
      this.offset = 0;
      this.partial = '';
      this.blocks = 0;
    }
  }

  private async readSegment(): Promise<string[]> {
    const blob = this.container.getAppendBlobClient(segmentName(this.prefix, this.segment));
    let length: number;
    try {
      const properties = await blob.getProperties();
      length = properties.contentLength ?? 0;
      this.blocks = properties.blobCommittedBlockCount ?? 0;
    } catch (error) {
      if (statusOf(error) === 404) return [];
      throw error;
    }
    if (length <= this.offset) return [];
    const buffer = await blob.downloadToBuffer(this.offset, length - this.offset);
    this.offset += buffer.length;
    const text = this.partial + buffer.toString('utf8');
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    return parts.filter((line) => line.length > 0);
  }
}
