import { CorruptDataError, throwIfAborted } from './errors.ts';
import { sha256Hex } from './format/crypto.ts';
import { PREFIX, idFromFileName, packFileName } from './format/ids.ts';
import type { OperationOptions } from './operation.ts';
import { readPackHeader } from './pack-io.ts';
import { adoptUnindexedPacks } from './repository-index.ts';
import type { Repository } from './repository.ts';
import { isStorageError } from './storage/storage.ts';

export interface CheckOptions extends OperationOptions {
  /** Also download every pack and verify every byte (default false: structure only). */
  readData?: boolean;
  /**
   * Read and verify the data of one share of the packs only: those whose id falls in `part` of
   * `parts` (by the id's first 32 bits). Checks that rotate `part` over `parts` runs verify every
   * byte once per cycle. Ignored when `readData` is set.
   */
  readDataShare?: { part: number; parts: number };
}

/** Whether a pack is in one share of a rotating data check. */
export function packInShare(packId: string, share: { part: number; parts: number }): boolean {
  return Number.parseInt(packId.slice(0, 8), 16) % share.parts === share.part % share.parts;
}

export type CheckProblemKind =
  | 'damaged-index'
  | 'damaged-manifest'
  | 'missing-pack'
  | 'pack-size-mismatch'
  | 'damaged-pack-header'
  | 'pack-header-mismatch'
  | 'damaged-pack'
  | 'damaged-blob'
  | 'missing-chunk'
  | 'archived-pack';

/** One thing wrong with the repository. */
export interface CheckProblem {
  kind: CheckProblemKind;
  /** The repository file at fault. */
  file: string;
  message: string;
}

/** A restore point that cannot be fully restored. */
export interface AffectedRestorePoint {
  restorePointId: string;
  /** Unknown when the manifest itself is damaged. */
  resourceName?: string;
  time?: string;
  /** True when the manifest is unreadable (then every entry is lost). */
  manifestDamaged: boolean;
  /** Entries with at least one missing or damaged chunk. */
  entries: string[];
}

/** The result of `check`. `ok` means no problem (unreferenced packs are not problems). */
export interface CheckReport {
  ok: boolean;
  readData: boolean;
  problems: CheckProblem[];
  affectedRestorePoints: AffectedRestorePoint[];
  /** Packs no index names (left by interrupted backups; reused or pruned later). */
  unreferencedPacks: string[];
  /** Packs in the Archive tier whose bytes were not read. */
  archivedPacks: number;
  restorePointCount: number;
  packCount: number;
  blobCount: number;
  bytesRead: number;
}

/**
 * Verifies the repository (§15) without changing it. Collects every problem instead of stopping
 * at the first, then names each restore point and entry that depends on something bad.
 */
export async function checkRepository(repository: Repository, options: CheckOptions): Promise<CheckReport> {
  const { storage, crypto } = repository;
  const signal = options.signal;
  const logger = options.logger ?? repository.logger;
  const problems: CheckProblem[] = [];
  const report = (problem: CheckProblem) => {
    problems.push(problem);
    logger.error(`check: ${problem.file}: ${problem.message}`);
  };
  const index = await repository.loadIndex(signal);
  for (const damaged of index.damaged) report({ kind: 'damaged-index', file: damaged.file, message: damaged.message });
  const indexedPacks = new Set(index.packs.keys());
  // As restores do: packs a damaged index file listed are found through their own headers, so only
  // the restore points that really cannot be read are named.
  if (index.damaged.length) await adoptUnindexedPacks(storage, crypto, index, logger, signal);

  const storedPacks = new Map<string, { size: number; archived: boolean }>();
  for await (const file of storage.list(PREFIX.data, signal)) {
    const packId = idFromFileName(file.name);
    if (packId) storedPacks.set(packId, { size: file.size, archived: file.tier === 'Archive' });
  }

  /** Copies (`packId/blobId`) that cannot be read back correctly. */
  const badCopies = new Set<string>();
  const copyKey = (packId: string, blobId: string) => `${packId}/${blobId}`;
  const markPackBad = (packId: string) => {
    for (const blob of index.packs.get(packId)?.blobs ?? []) badCopies.add(copyKey(packId, blob.id));
  };
  let bytesRead = 0;
  let archivedPacks = 0;
  let done = 0;
  const totalPacks = index.packs.size;
  for (const [packId, pack] of index.packs) {
    throwIfAborted(signal);
    const file = packFileName(packId);
    const stored = storedPacks.get(packId);
    options.onProgress?.({ done: done++, total: totalPacks, unit: 'blobs' });
    if (!stored) {
      report({ kind: 'missing-pack', file, message: 'pack named by the index does not exist' });
      markPackBad(packId);
      continue;
    }
    if (stored.size !== pack.size) {
      report({ kind: 'pack-size-mismatch', file, message: `pack has ${stored.size} bytes, the index says ${pack.size}` });
      markPackBad(packId);
      continue;
    }
    if (stored.archived) {
      archivedPacks++;
      continue;
    }
    try {
      const header = await readPackHeader(storage, crypto, packId, stored.size, signal);
      const same =
        header.length === pack.blobs.length &&
        header.every((blob, i) => {
          const indexed = pack.blobs[i]!;
          return blob.id === indexed.id && blob.offset === indexed.offset && blob.storedLength === indexed.storedLength && blob.rawLength === indexed.rawLength && blob.compression === indexed.compression;
        });
      if (!same) {
        report({ kind: 'pack-header-mismatch', file, message: 'pack header does not list the blobs the index says' });
        markPackBad(packId);
        continue;
      }
    } catch (error) {
      if (!(error instanceof CorruptDataError)) throw error;
      report({ kind: 'damaged-pack-header', file, message: error.message });
      markPackBad(packId);
      continue;
    }
    if (!options.readData && !(options.readDataShare && packInShare(packId, options.readDataShare))) continue;
    let bytes: Buffer;
    try {
      bytes = await storage.get(file, { signal });
    } catch (error) {
      if (!isStorageError(error, 'not_found')) throw error;
      report({ kind: 'missing-pack', file, message: 'pack disappeared during the check' });
      markPackBad(packId);
      continue;
    }
    bytesRead += bytes.length;
    if (sha256Hex(bytes) !== packId) report({ kind: 'damaged-pack', file, message: 'pack content does not match its name (SHA-256)' });
    try {
      // The pack's buffer moves to a codec worker, which verifies every blob and keeps no bytes.
      const results = await crypto.codec.openRun(file, bytes, pack.blobs, true, { verifyOnly: true });
      results.forEach((result, i) => {
        if (!(result instanceof Error)) return;
        report({ kind: 'damaged-blob', file, message: result.message });
        badCopies.add(copyKey(packId, pack.blobs[i]!.id));
      });
    } catch (error) {
      if (!(error instanceof CorruptDataError)) throw error;
      report({ kind: 'damaged-blob', file, message: error.message });
      markPackBad(packId);
    }
  }
  /**
   * A chunk is lost only when every copy of it is bad: restores fall back to a duplicate (a bad
   * duplicate is still reported above, as a problem of its pack).
   */
  const badChunks = new Set<string>();
  for (const key of badCopies) {
    const chunkId = key.slice(key.indexOf('/') + 1);
    if (index.locations(chunkId).every((copy) => badCopies.has(copyKey(copy.packId, chunkId)))) badChunks.add(chunkId);
  }
  options.onProgress?.({ done: totalPacks, total: totalPacks, unit: 'blobs' });
  if (archivedPacks > 0) logger.info(`check: ${archivedPacks} pack(s) are in the Archive tier; their headers and bytes were not read.`);

  const { restorePoints, damaged } = await repository.listRestorePoints({ signal, logger });
  const affected: AffectedRestorePoint[] = damaged.map((item) => {
    report({ kind: 'damaged-manifest', file: item.file, message: item.message });
    return { restorePointId: item.restorePointId, manifestDamaged: true, entries: [] };
  });
  const reportedMissing = new Set<string>();
  for (const point of restorePoints) {
    const entries: string[] = [];
    for (const entry of point.manifest.entries) {
      let bad = false;
      for (const chunkId of entry.chunks) {
        if (!index.has(chunkId)) {
          if (!reportedMissing.has(chunkId)) {
            reportedMissing.add(chunkId);
            report({ kind: 'missing-chunk', file: `restore-points/${point.id}`, message: `chunk ${chunkId} (entry ${entry.name}) is in no readable index file and no pack` });
          }
          bad = true;
        } else if (badChunks.has(chunkId)) {
          bad = true;
        }
      }
      if (bad) entries.push(entry.name);
    }
    if (entries.length) affected.push({ restorePointId: point.id, resourceName: point.manifest.resource.name, time: point.manifest.time, manifestDamaged: false, entries });
  }
  for (const item of affected) {
    logger.error(`check: restore point ${item.restorePointId} is damaged${item.manifestDamaged ? ' (manifest unreadable)' : `: entries ${item.entries.join(', ')}`}`);
  }

  const unreferencedPacks = [...storedPacks.keys()].filter((packId) => !indexedPacks.has(packId)).map(packFileName);
  if (unreferencedPacks.length) logger.info(`check: ${unreferencedPacks.length} unreferenced pack(s) (from interrupted backups); the next backup reuses them, prune removes them.`);
  return {
    ok: problems.length === 0,
    readData: options.readData ?? false,
    problems,
    affectedRestorePoints: affected,
    unreferencedPacks,
    archivedPacks,
    restorePointCount: restorePoints.length + damaged.length,
    packCount: storedPacks.size,
    blobCount: index.blobCount,
    bytesRead,
  };
}
