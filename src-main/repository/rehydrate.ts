import { setTimeout as sleep } from 'node:timers/promises';
import { throwIfAborted } from './errors.ts';
import { packFileName } from './format/ids.ts';
import type { OperationOptions } from './operation.ts';
import type { Repository } from './repository.ts';

export interface RehydrateResult {
  /** Packs that were archived and are online now. */
  rehydratedPacks: number;
  /** Packs the restore point needs. */
  packCount: number;
}

/**
 * Makes every pack a restore point (or selected entries of it) needs readable: archived packs
 * are moved to the Hot tier and polled until rehydration completes. Progress is in blobs (packs).
 */
export async function rehydrateRestorePoint(
  repository: Repository,
  restorePointId: string,
  options: OperationOptions & { priority?: 'Standard' | 'High'; pollIntervalMs?: number; entries?: string[] },
): Promise<RehydrateResult> {
  const logger = options.logger ?? repository.logger;
  const point = await repository.getRestorePoint(restorePointId, options);
  const index = await repository.loadIndex(options.signal);
  const wanted = options.entries ? new Set(options.entries) : undefined;
  const packIds = new Set<string>();
  for (const entry of point.manifest.entries) {
    if (wanted && !wanted.has(entry.name)) continue;
    for (const chunkId of entry.chunks) {
      const location = index.get(chunkId);
      if (location) packIds.add(location.packId);
    }
  }
  const waiting = new Set<string>();
  for (const packId of packIds) {
    throwIfAborted(options.signal);
    const info = await repository.storage.stat(packFileName(packId), options.signal);
    if (info?.tier === 'Archive') {
      if (!info.archiveStatus) await repository.storage.setTier(packFileName(packId), 'Hot', { priority: options.priority ?? 'Standard', signal: options.signal });
      waiting.add(packId);
    }
  }
  const total = waiting.size;
  if (total === 0) return { rehydratedPacks: 0, packCount: packIds.size };
  logger.info(`Rehydrating ${total} archived pack(s) of restore point ${restorePointId}; this can take hours on Azure.`);
  options.onProgress?.({ done: 0, total, unit: 'blobs' });
  while (waiting.size > 0) {
    for (const packId of [...waiting]) {
      const info = await repository.storage.stat(packFileName(packId), options.signal);
      if (info && info.tier !== 'Archive' && !info.archiveStatus) waiting.delete(packId);
    }
    options.onProgress?.({ done: total - waiting.size, total, unit: 'blobs' });
    if (waiting.size > 0) await sleep(options.pollIntervalMs ?? 60_000, undefined, { signal: options.signal });
  }
  logger.info(`Rehydrated ${total} pack(s).`);
  return { rehydratedPacks: total, packCount: packIds.size };
}
