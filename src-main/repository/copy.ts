import { RepositoryError, throwIfAborted } from './errors.ts';
import { BackupWriter } from './backup-writer.ts';
import { writeManifest } from './backup-session.ts';
import type { Manifest, ManifestEntry } from './format/manifest.ts';
import type { OperationOptions } from './operation.ts';
import { RepositoryIndex } from './repository-index.ts';
import { readEntryChunks } from './restore-reader.ts';
import type { Repository } from './repository.ts';

export interface CopyOptions extends OperationOptions {
  /** Put the copied packs in the Archive tier (metadata stays online). Default false. */
  archive?: boolean;
}

export interface CopyResult {
  /** Id of the restore point in the target repository. */
  targetRestorePointId: string;
  /** False when the target already had a copy of this restore point. */
  copied: boolean;
  newChunkCount: number;
  uploadedBytes: number;
}

/**
 * Copies one restore point from `source` into `target` (§16). Chunks are read and verified from
 * the source, re-identified and re-encrypted with the target's keys, packed (in the Archive tier
 * when asked), then the target's index file and finally its manifest are written, so the target
 * never holds a partial copy. Shared locks are held on both repositories.
 */
export async function copyRestorePoint(source: Repository, target: Repository, restorePointId: string, options: CopyOptions): Promise<CopyResult> {
  if (source.id === target.id) throw new RepositoryError('invalid_argument', 'Source and target are the same repository.');
  const logger = options.logger ?? source.logger;
  return source.withLock(false, 'copy', options, (sourceSignal) =>
    target.withLock(false, 'copy', { ...options, signal: sourceSignal }, async (signal) => {
      const point = await source.getRestorePoint(restorePointId, { signal });
      const existing = (await target.listRestorePoints({ signal, logger })).restorePoints.find(
        (candidate) => candidate.manifest.copiedFrom?.repositoryId === source.id && candidate.manifest.copiedFrom.restorePointId === restorePointId,
      );
      if (existing) {
        logger.info(`Restore point ${restorePointId} is already in ${target.storage.description} as ${existing.id}.`);
        return { targetRestorePointId: existing.id, copied: false, newChunkCount: 0, uploadedBytes: 0 };
      }
      const sourceIndex = await source.loadIndexForReading({ signal, logger });
      const targetIndex = await RepositoryIndex.load(target.storage, target.crypto, signal);
      const writer = new BackupWriter({
        storage: target.storage,
        crypto: target.crypto,
        index: targetIndex,
        chunker: target.config.chunker,
        packSize: target.config.packSize,
        tuning: target.tuning,
        signal,
        packTier: options.archive ? 'Archive' : undefined,
      });
      const total = point.manifest.totals.size;
      let done = 0;
      const entries: ManifestEntry[] = [];
      try {
        for (const entry of point.manifest.entries) {
          const chunks: string[] = [];
          for await (const chunk of readEntryChunks({ storage: source.storage, crypto: source.crypto, index: sourceIndex, signal, recomputeIds: true, restorePointId }, entry)) {
            throwIfAborted(signal);
            chunks.push(await writer.addChunk(chunk));
            done += chunk.length;
            options.onProgress?.({ done, total, unit: 'bytes' });
          }
          entries.push({ ...entry, chunks });
        }
        await writer.finish();
      } catch (error) {
        await writer.abandon();
        throw error;
      }
      if (writer.storedPacks.length > 0) await RepositoryIndex.write(target.storage, target.crypto, writer.storedPacks, [], signal);
      const manifest: Manifest = {
        ...point.manifest,
        entries,
        copiedFrom: { repositoryId: source.id, restorePointId },
      };
      const targetRestorePointId = await writeManifest(target, manifest, signal);
      logger.info(`Copied restore point ${restorePointId} to ${target.storage.description} as ${targetRestorePointId}${options.archive ? ' (Archive tier)' : ''}.`);
      return { targetRestorePointId, copied: true, newChunkCount: writer.stats.newChunkCount, uploadedBytes: writer.stats.uploadedBytes };
    }),
  );
}
