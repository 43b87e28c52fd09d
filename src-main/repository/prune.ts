import { CorruptDataError, RepositoryError, throwIfAborted } from './errors.ts';
import { BackupWriter } from './backup-writer.ts';
import { PREFIX, idFromFileName, indexFileName, packFileName } from './format/ids.ts';
import type { IndexedPack } from './format/index-file.ts';
import type { OperationOptions } from './operation.ts';
import { readChunkFromAnyCopy, readPackHeader } from './pack-io.ts';
import { RepositoryIndex } from './repository-index.ts';
import type { Repository } from './repository.ts';
import type { RestorePoint } from './restore-points.ts';

export interface PruneOptions {
  /** Repack a pack when more than this fraction of its bytes is unused (default 0.25). */
  repackThreshold?: number;
}

/** What a prune will do (§13); a dry run returns it and changes nothing. */
export interface PrunePlan {
  /** Packs with no used blob: deleted. */
  packsToDelete: string[];
  /** Packs with enough unused bytes: their used blobs are copied into new packs, then deleted. */
  packsToRepack: string[];
  /** Packs no index names and holding no used blob (interrupted backups): deleted. */
  unreferencedPacks: string[];
  /** Unindexed packs whose header cannot be read: left alone, reported. */
  unreadablePacks: string[];
  /** Index files replaced by one new index file. */
  indexFilesToReplace: string[];
  /** Bytes of used blobs rewritten by repacking. */
  bytesToRepack: number;
  /** Pack bytes deleted (before counting the repacked bytes written again). */
  bytesToDelete: number;
  /** Estimated bytes freed: deleted minus rewritten. */
  bytesFreed: number;
  keptPacks: number;
  usedBlobs: number;
  unusedBlobs: number;
  /** Everything the new index file will list (internal to execute). */
  keep: IndexedPack[];
}

/** Every chunk id some restore point references. */
function usedChunks(restorePoints: readonly RestorePoint[]): Set<string> {
  const used = new Set<string>();
  for (const point of restorePoints) for (const entry of point.manifest.entries) for (const chunkId of entry.chunks) used.add(chunkId);
  return used;
}

/**
 * Chooses, for every used chunk, the one pack whose copy prune keeps: the first location (index
 * order) whose pack is stored with the size the index records, else the first stored one at all.
 * Chunks with no stored copy are absent from the result. Considering every location (not just the
 * preferred one) is what keeps a duplicate alive when the first copy's pack has gone missing.
 */
export function designateCopies(index: RepositoryIndex, used: ReadonlySet<string>, stored: ReadonlyMap<string, number>): Map<string, string> {
  const designated = new Map<string, string>();
  for (const chunkId of used) {
    let fallback: string | undefined;
    for (const location of index.locations(chunkId)) {
      const size = stored.get(location.packId);
      if (size === undefined) continue;
      if (size === index.packs.get(location.packId)?.size) {
        fallback = location.packId;
        break;
      }
      fallback ??= location.packId;
    }
    if (fallback) designated.set(chunkId, fallback);
  }
  return designated;
}

/**
 * Plans a prune: finds used chunks from every manifest, classifies packs, and lists unreferenced
 * ones. Refuses when a manifest is damaged (its chunks are unknown, so nothing could be deleted
 * safely). Must run under the exclusive lock.
 */
export async function planPrune(repository: Repository, options: OperationOptions & PruneOptions): Promise<PrunePlan> {
  const { storage, crypto } = repository;
  const signal = options.signal;
  const logger = options.logger ?? repository.logger;
  const threshold = options.repackThreshold ?? 0.25;
  const { restorePoints, damaged } = await repository.listRestorePoints({ signal, logger });
  if (damaged.length > 0) {
    throw new RepositoryError('corrupt', `Prune refused: ${damaged.length} restore point manifest(s) are damaged (${damaged.map((item) => item.restorePointId).join(', ')}). Run check and forget them first.`);
  }
  const index = await repository.loadIndex(signal);
  const stored = new Map<string, number>();
  for await (const file of storage.list(PREFIX.data, signal)) {
    const packId = idFromFileName(file.name);
    if (packId) stored.set(packId, file.size);
  }
  // Packs no readable index names may still hold used chunks (damaged index, or a backup that
  // crashed before its index but after another restore point reused its chunks): read their headers.
  const unindexed: string[] = [];
  const unreadablePacks: string[] = [];
  for (const [packId, size] of stored) {
    if (index.packs.has(packId)) continue;
    throwIfAborted(signal);
    try {
      index.addPack({ packId, size, blobs: await readPackHeader(storage, crypto, packId, size, signal) });
      unindexed.push(packId);
    } catch (error) {
      if (!(error instanceof CorruptDataError)) throw error;
      unreadablePacks.push(packFileName(packId));
    }
  }
  const used = usedChunks(restorePoints);
  const designated = designateCopies(index, used, stored);
  const missing = [...used].filter((chunkId) => !designated.has(chunkId));
  if (missing.length > 0) logger.warn(`prune: ${missing.length} used chunk(s) have no stored copy; run check.`);

  const plan: PrunePlan = {
    packsToDelete: [],
    packsToRepack: [],
    unreferencedPacks: [],
    unreadablePacks,
    indexFilesToReplace: [...index.indexFiles].map(indexFileName).concat(index.damaged.map((item) => item.file)),
    bytesToRepack: 0,
    bytesToDelete: 0,
    bytesFreed: 0,
    keptPacks: 0,
    usedBlobs: 0,
    unusedBlobs: 0,
    keep: [],
  };
  const unindexedSet = new Set(unindexed);
  for (const [packId, pack] of index.packs) {
    if (!stored.has(packId)) continue; // a missing pack is check's business; the new index drops it
    let usedBytes = 0;
    let usedCount = 0;
    for (const blob of pack.blobs) {
      // Exactly one stored copy of each used chunk is the one kept; other copies are garbage. The
      // choice looked at every copy, so a lost first copy never makes a good duplicate look unused.
      if (designated.get(blob.id) === packId) {
        usedBytes += blob.storedLength;
        usedCount++;
      }
    }
    plan.usedBlobs += usedCount;
    plan.unusedBlobs += pack.blobs.length - usedCount;
    const file = packFileName(packId);
    if (usedCount === 0) {
      (unindexedSet.has(packId) ? plan.unreferencedPacks : plan.packsToDelete).push(file);
      plan.bytesToDelete += pack.size;
    } else if ((pack.size - usedBytes) / pack.size > threshold) {
      plan.packsToRepack.push(file);
      plan.bytesToRepack += usedBytes;
      plan.bytesToDelete += pack.size;
    } else {
      plan.keep.push(pack);
      plan.keptPacks++;
    }
  }
  plan.bytesFreed = Math.max(0, plan.bytesToDelete - plan.bytesToRepack);
  logger.info(
    `prune plan: delete ${plan.packsToDelete.length + plan.unreferencedPacks.length} pack(s), repack ${plan.packsToRepack.length}, ` +
      `keep ${plan.keptPacks}; about ${plan.bytesFreed} bytes freed.`,
  );
  return plan;
}

/**
 * Executes a plan in the crash-safe order of §13: repack, write the new index, delete the old
 * index files, delete packs.
 */
export async function executePrune(repository: Repository, plan: PrunePlan, options: OperationOptions): Promise<void> {
  const { storage, crypto } = repository;
  const signal = options.signal ?? new AbortController().signal;
  const logger = options.logger ?? repository.logger;
  const index = await repository.loadIndex(signal);
  for (const pack of plan.keep) index.addPack(pack);
  // Repack into a writer with an empty index, so the used blobs are really written again.
  const writer = new BackupWriter({
    storage,
    crypto,
    index: new RepositoryIndex(),
    chunker: repository.config.chunker,
    packSize: repository.config.packSize,
    tuning: repository.tuning,
    signal,
  });
  const { restorePoints } = await repository.listRestorePoints({ signal, logger });
  const used = usedChunks(restorePoints);
  const repackIds = new Set(plan.packsToRepack.map((file) => idFromFileName(file)!));
  // Chunks that survive in a kept pack need no second copy.
  const kept = new Set<string>();
  for (const pack of plan.keep) if (!repackIds.has(pack.packId)) for (const blob of pack.blobs) kept.add(blob.id);
  let done = 0;
  try {
    for (const file of plan.packsToRepack) {
      const packId = idFromFileName(file)!;
      const size = (await storage.stat(file, signal))?.size ?? 0;
      const blobs = (index.packs.get(packId) ?? { blobs: await readPackHeader(storage, crypto, packId, size, signal) }).blobs;
      for (const blob of blobs) {
        if (!used.has(blob.id) || kept.has(blob.id)) continue;
        throwIfAborted(signal);
        // Any verified copy will do: this pack's own copy first, then duplicates elsewhere.
        const copies = [{ ...blob, packId }, ...index.locations(blob.id).filter((location) => location.packId !== packId)];
        await writer.addChunk(await readChunkFromAnyCopy(storage, crypto, copies, signal));
      }
      options.onProgress?.({ done: ++done, total: plan.packsToRepack.length, unit: 'blobs' });
    }
    await writer.finish();
  } catch (error) {
    await writer.abandon();
    throw error;
  }
  const keep = [...plan.keep.filter((pack) => !repackIds.has(pack.packId)), ...writer.storedPacks];
  const replaced = plan.indexFilesToReplace.map((file) => idFromFileName(file)!).filter(Boolean);
  if (keep.length > 0 || replaced.length > 0) {
    const newIndex = await RepositoryIndex.write(storage, crypto, keep, replaced, signal);
    logger.info(`prune: wrote index ${newIndex} for ${keep.length} pack(s).`);
  }
  for (const file of plan.indexFilesToReplace) {
    throwIfAborted(signal);
    await storage.delete(file, signal);
  }
  const doomed = [...plan.packsToDelete, ...plan.packsToRepack, ...plan.unreferencedPacks];
  done = 0;
  for (const file of doomed) {
    throwIfAborted(signal);
    await storage.delete(file, signal);
    options.onProgress?.({ done: ++done, total: doomed.length, unit: 'blobs' });
  }
  logger.info(`prune: deleted ${doomed.length} pack(s) and ${plan.indexFilesToReplace.length} old index file(s).`);
  // Under the exclusive lock no backup writes here, but another process may be creating its lock
  // file (a put goes through a temporary file for milliseconds): only old files go.
  const abandoned = (await storage.removeAbandonedUploads?.(ABANDONED_UPLOAD_AGE_MS, signal)) ?? 0;
  if (abandoned > 0) logger.info(`prune: removed ${abandoned} temporary file(s) left by interrupted writers.`);
}

/** Temporary files untouched this long belong to no running writer. */
export const ABANDONED_UPLOAD_AGE_MS = 60_000;
