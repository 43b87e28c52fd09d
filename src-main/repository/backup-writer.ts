import type { Readable } from 'node:stream';
import { AppendOrder } from './append-order.ts';
import { RepositoryError, throwIfAborted } from './errors.ts';
import { Chunker } from './format/chunker.ts';
import type { ChunkerParams } from './format/chunker.ts';
import type { IndexedPack } from './format/index-file.ts';
import type { EntryCounts, EntryMetadata, ManifestEntry } from './format/manifest.ts';
import { entryNameSchema } from './format/manifest.ts';
import type { RepositoryCrypto } from './format/repository-crypto.ts';
import type { RepositoryIndex } from './repository-index.ts';
import type { SealedBlob } from './pack-io.ts';
import type { AccessTier, RepositoryStorage } from './storage/storage.ts';
import { TaskPool } from './task-pool.ts';
import { ChunkBufferPool } from './chunk-buffer-pool.ts';
import { BufferedPackBuilder, StreamedPackBuilder } from './pack-builders.ts';
import type { PackBuilder } from './pack-builders.ts';
import { MAX_SEAL_OVERHEAD } from './codec/blob-transforms.ts';
import { DEFAULT_ZSTD_LEVEL } from './format/compression.ts';

/** Bytes of an entry: a stream, any async iterable of byte pieces, or a buffer. */
export type EntrySource = Readable | AsyncIterable<Uint8Array> | Uint8Array;

/** One entry to back up. */
export interface BackupEntryInput {
  /** Unique within the restore point; `/`-separated relative path (§10). */
  name: string;
  data: EntrySource;
  /** Caller-supplied row/document counts. */
  counts?: EntryCounts;
  /** Caller-supplied flat metadata (strings, numbers, booleans). */
  metadata?: EntryMetadata;
}

/** Tuning of the write path; none of it is part of the format. */
export interface WriteTuning {
  /** Chunks compressed and sealed at once (on the codec's worker threads). */
  compressionConcurrency: number;
  /** Packs uploaded at once (default 2). Together with packSize this bounds memory. */
  uploadConcurrency: number;
  zstdLevel: number;
}

export const DEFAULT_WRITE_TUNING: WriteTuning = { compressionConcurrency: 4, uploadConcurrency: 2, zstdLevel: DEFAULT_ZSTD_LEVEL };

/** Counters of a write session. */
export interface WriteStats {
  bytesRead: number;
  chunkCount: number;
  newChunkCount: number;
  /** Sealed bytes of new blobs. */
  newStoredBytes: number;
  /** Bytes of pack files uploaded (blobs, headers, trailers). */
  uploadedBytes: number;
  packsUploaded: number;
}

export interface BackupWriterContext {
  storage: RepositoryStorage;
  crypto: RepositoryCrypto;
  index: RepositoryIndex;
  chunker: ChunkerParams;
  packSize: number;
  tuning: WriteTuning;
  signal: AbortSignal;
  /** Tier for new packs (Archive for archive copies). */
  packTier?: AccessTier;
  onBytes?: (bytesRead: number) => void;
}

function toBuffer(piece: Uint8Array | string): Buffer {
  if (typeof piece === 'string') return Buffer.from(piece);
  return Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
}

/**
 * The write path: chunks entries, deduplicates against the index and against itself, compresses
 * and seals new chunks in parallel, groups them into packs and uploads those with bounded
 * parallelism. Memory stays bounded whatever the input size: at most `compressionConcurrency`
 * chunks are in flight, packs stream to storage that takes pieces (a local folder) or else at most
 * `uploadConcurrency` + 1 pack buffers exist, and the source is only read when there is room.
 *
 * Packs are stored as they fill; nothing makes them part of a restore point until the caller
 * writes the index and then the manifest (§13).
 */
export class BackupWriter {
  readonly stats: WriteStats = { bytesRead: 0, chunkCount: 0, newChunkCount: 0, newStoredBytes: 0, uploadedBytes: 0, packsUploaded: 0 };
  /** Packs this writer stored, for the index file. */
  readonly storedPacks: IndexedPack[] = [];
  private readonly context: BackupWriterContext;
  private readonly compressions: TaskPool;
  private readonly uploads: TaskPool;
  /** Ids of chunks this writer has stored or is storing. */
  private readonly written = new Set<string>();
  /** The pack being filled (streamed to storage when it can take pieces, else built in a buffer). */
  private pack: PackBuilder | undefined;
  /**
   * Pack buffers of buffered packs whose upload finished, reused so big allocations do not churn
   * (and fragment) the heap. There are never more than packs in flight at once (uploadConcurrency + 1).
   */
  private readonly freeBodies: Buffer[] = [];
  private readonly entryNames = new Set<string>();
  /** Buffers of chunks cut by this writer, returned once a chunk is stored or found a duplicate. */
  private readonly chunkBuffers: ChunkBufferPool;
  /** Keeps blobs in packs in chunk order, so restores read runs of neighbours. */
  private readonly appendOrder = new AppendOrder();

  constructor(context: BackupWriterContext) {
    this.context = context;
    this.compressions = new TaskPool(context.tuning.compressionConcurrency);
    this.uploads = new TaskPool(context.tuning.uploadConcurrency);
    // Chunks in flight: one per compression slot, plus those one source piece can complete at once.
    this.chunkBuffers = new ChunkBufferPool(context.chunker.maxSize, context.tuning.compressionConcurrency + 2);
  }

  /** Reads one entry to its end and returns its manifest entry (chunks may still be uploading). */
  async writeEntry(input: BackupEntryInput): Promise<ManifestEntry> {
    const parsedName = entryNameSchema.safeParse(input.name);
    if (!parsedName.success) throw new RepositoryError('invalid_argument', `Invalid entry name ${JSON.stringify(input.name)}: ${parsedName.error.issues[0]?.message}`);
    if (this.entryNames.has(input.name)) throw new RepositoryError('invalid_argument', `Duplicate entry name ${JSON.stringify(input.name)}`);
    this.entryNames.add(input.name);
    const chunker = new Chunker(this.context.chunker, this.context.crypto.gear, (length) => this.chunkBuffers.acquire(length));
    const ids: Promise<string>[] = [];
    let size = 0;
    const pieces: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array> = input.data instanceof Uint8Array ? [input.data] : input.data;
    for await (const piece of pieces) {
      throwIfAborted(this.context.signal);
      const bytes = toBuffer(piece);
      size += bytes.length;
      this.stats.bytesRead += bytes.length;
      for (const chunk of chunker.push(bytes)) ids.push((await this.enqueueChunk(chunk)).id);
      this.context.onBytes?.(this.stats.bytesRead);
    }
    const last = chunker.finish();
    if (last) ids.push((await this.enqueueChunk(last)).id);
    const chunks = await Promise.all(ids);
    const entry: ManifestEntry = { name: input.name, size, chunks };
    if (input.counts) entry.counts = { ...input.counts };
    if (input.metadata) entry.metadata = { ...input.metadata };
    return entry;
  }

  /** Stores the last partial pack and waits for every upload; throws the first failure. */
  async finish(): Promise<void> {
    await this.compressions.drain();
    this.chunkBuffers.clear();
    await this.flushPack();
    await this.uploads.drain();
  }

  /** Waits for in-flight work after a failure, ignoring its errors. */
  async abandon(): Promise<void> {
    await this.compressions.settle();
    await this.uploads.settle();
    // The pack being filled was never stored: leave nothing of it behind (a streamed upload's file).
    const pack = this.pack;
    this.pack = undefined;
    await pack?.abort().catch(() => undefined);
  }

  /**
   * Adds one already-cut chunk (copy and repack keep chunk boundaries) and waits for its id. The
   * chunk is stored unless the index or this writer already has it.
   */
  async addChunk(chunk: Buffer): Promise<string> {
    return (await this.enqueueChunk(chunk)).id;
  }

  /**
   * Queues a chunk once a compression slot is free (that wait is the backpressure) and returns a
   * promise of its id (wrapped: an async function cannot return a bare promise without waiting for
   * it). A codec worker hashes the chunk and holds it; this writer decides on dedup and has the
   * worker seal a new chunk or drop a duplicate. Chunk order is kept by the caller's list of ids.
   */
  async enqueueChunk(chunk: Buffer): Promise<{ id: Promise<string> }> {
    const { crypto, index, tuning } = this.context;
    let resolveId!: (id: string) => void;
    let rejectId!: (error: unknown) => void;
    const id = new Promise<string>((resolve, reject) => {
      resolveId = resolve;
      rejectId = reject;
    });
    id.catch(() => undefined); // the pool reports the failure; this copy must not be unhandled
    this.stats.chunkCount++;
    await this.compressions.run(async () => {
      // Blobs enter packs in the order their chunks started, whichever seal ends first.
      const turn = this.appendOrder.take();
      // A pooled chunk buffer moves to the worker and comes back; any other is copied.
      const pooled = this.chunkBuffers.owns(chunk);
      const rawLength = chunk.length; // a moved chunk reads as empty afterwards
      try {
        const held = await crypto.codec.hold(chunk, pooled);
        if (index.has(held.id) || this.written.has(held.id)) {
          this.giveBack(chunk, pooled, await held.drop());
          resolveId(held.id);
          return;
        }
        this.written.add(held.id);
        const sealed = await held.seal(tuning.zstdLevel);
        this.giveBack(chunk, pooled, sealed.returned);
        this.stats.newChunkCount++;
        resolveId(held.id);
        await turn.ready;
        await this.addToPack({ id: held.id, compression: sealed.compression, rawLength, parts: [sealed.stored] });
        // Copied into the pack: the worker writes a later blob into the same memory.
        crypto.codec.recycle(sealed.stored);
      } catch (error) {
        rejectId(error);
        throw error;
      } finally {
        turn.pass();
      }
    });
    return { id };
  }

  /** Returns a chunk's buffer to the pool: the one that came back from the worker when it moved. */
  private giveBack(chunk: Buffer, moved: boolean, returned: ArrayBuffer | undefined): void {
    if (!moved) this.chunkBuffers.release(chunk);
    else if (returned) this.chunkBuffers.adopt(returned);
  }

  /**
   * Room for a full pack: packSize (or one largest sealed blob, when packSize is smaller) and a
   * typical header. A pack is stored before a blob would take it past packSize, so no pack needs
   * more (each pack buffer is resident memory: a 4 MiB overflow allowance cost 12 MB of peak RSS).
   */
  private get packCapacity(): number {
    return Math.max(this.context.packSize, this.context.chunker.maxSize + MAX_SEAL_OVERHEAD) + 64 * 1024;
  }

  private newPack(): PackBuilder {
    const { storage, crypto, signal, packTier } = this.context;
    const destination = { storage, crypto, signal, tier: packTier };
    if (storage.openUpload) return new StreamedPackBuilder((openSignal) => storage.openUpload!(openSignal), destination);
    const body = this.freeBodies.pop() ?? Buffer.allocUnsafeSlow(this.packCapacity);
    // Every body is kept: one dropped stays resident as garbage until a collection.
    return new BufferedPackBuilder(body, destination, (released) => this.freeBodies.push(released));
  }

  /** Appends a sealed blob to the current pack; resolves once the blob's buffers may be reused. */
  private async addToPack(blob: SealedBlob): Promise<void> {
    const length = blob.parts.reduce((sum, part) => sum + part.length, 0);
    this.stats.newStoredBytes += length;
    if (this.pack && this.pack.bytes > 0 && this.pack.bytes + length > this.context.packSize) await this.flushPack();
    // Now the blob fits: after earlier blobs within packSize, or alone.
    const pack = (this.pack ??= this.newPack());
    const appended = pack.append(blob);
    if (pack.bytes >= this.context.packSize) await this.flushPack();
    await appended;
  }

  private async flushPack(): Promise<void> {
    const pack = this.pack;
    if (!pack) return;
    this.pack = undefined;
    if (pack.blobs.length === 0) {
      await pack.abort();
      return;
    }
    const { index } = this.context;
    try {
      await this.uploads.run(async () => {
        const stored = await pack.finish();
        const indexed: IndexedPack = { packId: stored.packId, size: stored.size, blobs: [...pack.blobs] };
        this.storedPacks.push(indexed);
        index.addPack(indexed);
        this.stats.uploadedBytes += stored.size;
        this.stats.packsUploaded++;
      });
    } catch (error) {
      // An earlier upload failed, so this pack's never started: nothing else will clean it up.
      await pack.abort().catch(() => undefined);
      throw error;
    }
  }
}
