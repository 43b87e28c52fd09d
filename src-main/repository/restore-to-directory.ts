import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { RepositoryError, throwIfAborted } from './errors.ts';
import type { OperationOptions } from './operation.ts';
import { entryStream } from './restore-reader.ts';
import type { Repository } from './repository.ts';
import { rehydrateRestorePoint } from './rehydrate.ts';

export interface RestoreToDirectoryOptions extends OperationOptions {
  /** Entry names to restore (default: all). */
  entries?: string[];
  /** Rehydrate archived packs first (default true). */
  rehydrate?: boolean;
}

export interface RestoreToDirectoryResult {
  files: { entry: string; path: string; size: number }[];
  bytes: number;
}

/**
 * Writes entries to `directory/<entry name>`. Each file is written to a temporary name and
 * renamed once every byte has verified, so a damaged entry never leaves a plausible-looking file.
 */
export async function restoreToDirectory(repository: Repository, restorePointId: string, directory: string, options: RestoreToDirectoryOptions): Promise<RestoreToDirectoryResult> {
  const point = await repository.getRestorePoint(restorePointId, options);
  const wanted = options.entries ? new Set(options.entries) : undefined;
  const entries = point.manifest.entries.filter((entry) => !wanted || wanted.has(entry.name));
  if (wanted) {
    const missing = [...wanted].filter((name) => !point.manifest.entries.some((entry) => entry.name === name));
    if (missing.length) throw new RepositoryError('not_found', `Restore point ${restorePointId} has no entries ${missing.map((name) => JSON.stringify(name)).join(', ')}.`);
  }
  if (options.rehydrate !== false) {
    await rehydrateRestorePoint(repository, restorePointId, { ...options, entries: entries.map((entry) => entry.name), onProgress: undefined });
  }
  const root = resolve(directory);
  const index = await repository.loadIndexForReading(options);
  const total = entries.reduce((sum, entry) => sum + entry.size, 0);
  const result: RestoreToDirectoryResult = { files: [], bytes: 0 };
  for (const entry of entries) {
    throwIfAborted(options.signal);
    const path = resolve(root, ...entry.name.split('/'));
    if (!path.startsWith(root + sep)) throw new RepositoryError('invalid_argument', `Entry ${entry.name} would be written outside ${root}.`);
    await mkdir(dirname(path), { recursive: true });
    const temporary = join(dirname(path), `.${randomBytes(6).toString('hex')}.partial`);
    const before = result.bytes;
    try {
      const source = entryStream({ storage: repository.storage, crypto: repository.crypto, index, signal: options.signal, restorePointId: point.id }, entry);
      source.on('data', (chunk: Buffer) => {
        result.bytes += chunk.length;
        options.onProgress?.({ done: result.bytes, total, unit: 'bytes' });
      });
      await pipeline(source, createWriteStream(temporary), { signal: options.signal });
      await rename(temporary, path);
    } catch (error) {
      result.bytes = before;
      await rm(temporary, { force: true });
      throw error;
    }
    result.files.push({ entry: entry.name, path, size: entry.size });
  }
  return result;
}
