import { Readable } from 'node:stream';
import { CorruptDataError, RepositoryError, throwIfAborted } from './errors.ts';
import type { ManifestEntry } from './format/manifest.ts';
import type { RepositoryCrypto } from './format/repository-crypto.ts';
import { idFromFileName, packFileName } from './format/ids.ts';
import { missingChunkError, rethrowExplained } from './damage.ts';
import { readChunkFromAnyCopy } from './pack-io.ts';
import type { BlobLocation, RepositoryIndex } from './repository-index.ts';
import type { RepositoryStorage } from './storage/storage.ts';
import { isStorageError } from './storage/storage.ts';

export interface ChunkReadContext {
  storage: RepositoryStorage;
  crypto: RepositoryCrypto;
  index: RepositoryIndex;
  signal?: AbortSignal;
  /** Recompute every chunk's id (default false: authentication binds bytes to ids, §5.3). */
  recomputeIds?: boolean;
  /** Chunks fetched ahead of the consumer (default DEFAULT_PREFETCH). */
  prefetch?: number;
  /** The restore point being read: damage is then explained with it. */
  restorePointId?: string;
}

/**
 * Largest single ranged read that serves several neighbouring blobs of one pack. A run is opened
 * by one codec worker, so runs are kept small enough that several are in flight at once.
 */
const RUN_LIMIT = 4 * 1024 * 1024;

/** Chunks fetched ahead by default: enough for every codec worker to have a run or two. */
const DEFAULT_PREFETCH = 12;

/**
 * Yields the verified chunks of an entry in order, fetching a few ahead so storage latency and
 * the opening of several chunks (decryption, decompression, verification, on the codec's worker
 * threads) overlap. Neighbouring blobs of one pack that the entry needs in a row (the usual layout of a
 * first backup) are fetched with one ranged read. Fails on the first chunk that is missing or
 * does not verify in every copy the index knows; no byte of a bad chunk is ever yielded.
 */
export async function* readEntryChunks(context: ChunkReadContext, entry: ManifestEntry): AsyncGenerator<Buffer> {
  const { storage, crypto, index, signal } = context;
  const window = Math.max(1, context.prefetch ?? DEFAULT_PREFETCH);
  // Restores rely on GCM authentication with the id as associated data (format §5.3); callers
  // that re-store chunks under recomputed ids (copy) still get the full check.
  const recomputeIds = context.recomputeIds ?? false;
  const pending: Promise<Buffer>[] = [];
  let next = 0;
  const explain = (location: BlobLocation, chunkId: string) => (error: unknown): never => {
    if (isStorageError(error, 'archived')) {
      throw new RepositoryError('archived', `Entry ${entry.name} is in the Archive tier; rehydrate the restore point first.`, { chunkId });
    }
    if (isStorageError(error, 'not_found')) {
      throw new CorruptDataError(packFileName(location.packId), 'pack is missing', { chunkId });
    }
    throw error;
  };
  /** Reads one chunk from any of its copies. */
  const fetchOne = (chunkId: string): Promise<Buffer> => {
    const copies = index.locations(chunkId);
    const location = copies[0];
    if (!location) return Promise.reject(missingChunkError(chunkId, { restorePointId: context.restorePointId, entry, damagedIndexFiles: index.damaged.map((d) => d.file) }));
    return readChunkFromAnyCopy(storage, crypto, copies, signal, recomputeIds).catch(explain(location, chunkId));
  };
  /** Queues chunks from `next` on: a run of neighbours in one pack shares one ranged read. */
  const fetchRun = (room: number): void => {
    const first = index.get(entry.chunks[next]!);
    const run: BlobLocation[] = [];
    if (first) {
      run.push(first);
      let end = first.offset + first.storedLength;
      while (run.length < room && next + run.length < entry.chunks.length) {
        const following = index.get(entry.chunks[next + run.length]!);
        if (!following || following.packId !== first.packId || following.offset !== end || end + following.storedLength - first.offset > RUN_LIMIT) break;
        run.push(following);
        end += following.storedLength;
      }
    }
    if (run.length < 2) {
      pending.push(quiet(fetchOne(entry.chunks[next++]!)));
      return;
    }
    const file = packFileName(first!.packId);
    const rangeEnd = run[run.length - 1]!.offset + run[run.length - 1]!.storedLength;
    const bytes = storage.get(file, { offset: first!.offset, length: rangeEnd - first!.offset, signal });
    // The range was read for this run alone, so its buffer moves to the codec without a copy.
    const opened = quiet(bytes.then((range) => crypto.codec.openRun(file, range, run.map((location) => ({ ...location, offset: location.offset - first!.offset })), true, { recomputeIds })));
    run.forEach((location, position) => {
      const chunkId = entry.chunks[next++]!;
      const chunk = opened.then((results) => {
        const result = results[position]!;
        if (result instanceof Error) throw result;
        return result;
      });
      // A failed shared read or a bad copy falls back to reading this chunk alone, from any copy.
      pending.push(quiet(chunk.catch((error: unknown) => (error instanceof CorruptDataError || isStorageError(error, 'not_found') ? fetchOne(chunkId) : explain(location, chunkId)(error)))));
    });
  };
  let produced = 0;
  try {
    while (produced < entry.chunks.length) {
      // Refill once half the window is free, not after every chunk: a run can then cover several
      // neighbours (one free place at a time would make every read a single chunk).
      if (pending.length <= window / 2) while (next < entry.chunks.length && pending.length < window) fetchRun(window - pending.length);
      throwIfAborted(signal);
      let chunk: Buffer;
      try {
        chunk = await pending.shift()!;
      } catch (error) {
        // Said in the user's terms: how much of which table or collection, in which restore point.
        const damagedPack = error instanceof CorruptDataError ? idFromFileName(error.file) : undefined;
        rethrowExplained(error, { restorePointId: context.restorePointId, entry, ...(damagedPack ? { affectedBytes: bytesInPack(index, entry, damagedPack) } : {}) });
      }
      produced++;
      yield chunk;
    }
  } finally {
    // Let abandoned prefetches finish quietly.
    await Promise.allSettled(pending);
  }
}

/** Bytes of `entry` stored in one pack: what a damaged pack costs that entry. */
function bytesInPack(index: RepositoryIndex, entry: ManifestEntry, packId: string): number {
  let bytes = 0;
  for (const chunkId of entry.chunks) {
    const location = index.get(chunkId);
    if (location?.packId === packId) bytes += location.rawLength;
  }
  return bytes;
}

/** Marks a promise as handled until the consumer reaches it (its rejection is seen then). */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** A Readable of an entry's bytes; errors (corruption, storage) are emitted on the stream. */
export function entryStream(context: ChunkReadContext, entry: ManifestEntry, onEnd?: () => void): Readable {
  let total = 0;
  async function* verified(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of readEntryChunks(context, entry)) {
        total += chunk.length;
        yield chunk;
      }
      if (total !== entry.size) throw new RepositoryError('corrupt', `Entry ${entry.name} restored ${total} bytes but the manifest says ${entry.size}.`);
    } finally {
      onEnd?.();
    }
  }
  return Readable.from(verified(), { objectMode: false, highWaterMark: 1 });
}
