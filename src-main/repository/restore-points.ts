import { CorruptDataError, RepositoryError, throwIfAborted } from './errors.ts';
import { AAD } from './format/crypto.ts';
import { decodeEnvelope } from './format/envelope.ts';
import { PREFIX, idFromFileName, isId, manifestFileName } from './format/ids.ts';
import type { Manifest } from './format/manifest.ts';
import { parseManifest } from './format/manifest.ts';
import type { OperationOptions } from './operation.ts';
import type { DamagedFile } from './repository-index.ts';
import type { Repository } from './repository.ts';
import { isStorageError } from './storage/storage.ts';

/** A restore point: its id (the manifest's content hash) and its validated manifest. */
export interface RestorePoint {
  id: string;
  manifest: Manifest;
}

export interface RestorePointListing {
  /** Newest first. */
  restorePoints: RestorePoint[];
  /** Manifests that failed verification; their restore points cannot be used. */
  damaged: (DamagedFile & { restorePointId: string })[];
}

/** Reads and validates one manifest (hash, authentication, schema). */
export async function readRestorePoint(repository: Repository, restorePointId: string, signal?: AbortSignal): Promise<RestorePoint> {
  if (!isId(restorePointId)) throw new RepositoryError('invalid_argument', `Not a restore point id: ${JSON.stringify(restorePointId)}`);
  const file = manifestFileName(restorePointId);
  let stored: Buffer;
  try {
    stored = await repository.storage.get(file, { signal });
  } catch (error) {
    if (isStorageError(error, 'not_found')) throw new RepositoryError('not_found', `Restore point ${restorePointId} does not exist.`);
    throw error;
  }
  const document = await decodeEnvelope(repository.crypto, file, restorePointId, stored, AAD.manifest);
  const manifest = parseManifest(document);
  if (typeof manifest === 'string') throw new CorruptDataError(file, `manifest does not match the format: ${manifest}`);
  return { id: restorePointId, manifest };
}

/** Lists every restore point; damaged manifests are reported, not thrown. */
export async function listRestorePoints(repository: Repository, options: OperationOptions): Promise<RestorePointListing> {
  const ids: string[] = [];
  for await (const file of repository.storage.list(PREFIX.restorePoints, options.signal)) {
    const id = idFromFileName(file.name);
    if (id) ids.push(id);
  }
  const restorePoints: RestorePoint[] = [];
  const damaged: RestorePointListing['damaged'] = [];
  let done = 0;
  for (const id of ids) {
    throwIfAborted(options.signal);
    try {
      restorePoints.push(await readRestorePoint(repository, id, options.signal));
    } catch (error) {
      if (error instanceof RepositoryError && error.code === 'not_found') continue; // forgotten meanwhile
      if (!(error instanceof CorruptDataError)) throw error;
      damaged.push({ file: manifestFileName(id), message: error.message, restorePointId: id });
      (options.logger ?? repository.logger).warn(`Restore point ${id} is damaged: ${error.message}`);
    }
    options.onProgress?.({ done: ++done, total: ids.length, unit: 'restorePoints' });
  }
  restorePoints.sort((a, b) => b.manifest.time.localeCompare(a.manifest.time) || a.id.localeCompare(b.id));
  return { restorePoints, damaged };
}
