import { Readable } from 'node:stream';
import { CorruptDataError, RepositoryError, throwIfAborted } from './errors.ts';
import type { ManifestEntry } from './format/manifest.ts';
import type { RepositoryCrypto } from './format/repository-crypto.ts';
import { readChunk } from './pack-io.ts';
import type { RepositoryIndex } from './repository-index.ts';
import type { RepositoryStorage } from './storage/storage.ts';
import { isStorageError } from './storage/storage.ts';

export interface ChunkReadContext {
  storage: RepositoryStorage;
  crypto: RepositoryCrypto;
  index: RepositoryIndex;
  signal?: AbortSignal;
  /** Chunks fetched ahead of the consumer (default 6). */
  prefetch?: number;
}

/**
 * Yields the verified chunks of an entry in order, fetching a few ahead so storage latency and
 * decompression overlap. Fails on the first chunk that is missing or does not verify; no byte of
 * a bad chunk is ever yielded.
 */
export async function* readEntryChunks(context: ChunkReadContext, entry: ManifestEntry): AsyncGenerator<Buffer> {
  const { storage, crypto, index, signal } = context;
  const window = Math.max(1, context.prefetch ?? 6);
  const pending: Promise<Buffer>[] = [];
  let next = 0;
  const fetch = (chunkId: string): Promise<Buffer> => {
    const location = index.get(chunkId);
    const promise = location
      ? readChunk(storage, crypto, location, signal).catch((error: unknown) => {
          if (isStorageError(error, 'archived')) {
            throw new RepositoryError('archived', `Entry ${entry.name} is in the Archive tier; rehydrate the restore point first.`, { chunkId });
          }
          if (isStorageError(error, 'not_found')) {
            throw new CorruptDataError(`data/${location.packId.slice(0, 2)}/${location.packId}`, 'pack is missing', { chunkId });
          }
          throw error;
        })
      : Promise.reject(new RepositoryError('corrupt', `Chunk ${chunkId} of entry ${entry.name} is not in the index.`, { chunkId }));
    // The rejection is handled when the consumer reaches it; silence it until then.
    promise.catch(() => undefined);
    return promise;
  };
  let produced = 0;
  try {
    while (produced < entry.chunks.length) {
      while (next < entry.chunks.length && pending.length < window) pending.push(fetch(entry.chunks[next++]!));
      throwIfAborted(signal);
      const chunk = await pending.shift()!;
      produced++;
      yield chunk;
    }
  } finally {
    // Let abandoned prefetches finish quietly.
    await Promise.allSettled(pending);
  }
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
