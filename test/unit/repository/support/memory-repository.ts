import { Repository } from '../../../../src-main/repository/repository.ts';
import type { InitOptions } from '../../../../src-main/repository/repository.ts';
import { MemoryStorage } from '../../../../src-main/repository/storage/memory-storage.ts';
import type { RepositoryStorage } from '../../../../src-main/repository/storage/storage.ts';
import { ENGINE, PASSWORD, RESOURCE, SMALL_FORMAT } from './fixtures.ts';

/** A fresh encrypted repository in memory with the small test format. */
export async function memoryRepository(overrides: Partial<InitOptions> = {}, storage: RepositoryStorage = new MemoryStorage()): Promise<{ repository: Repository; storage: RepositoryStorage }> {
  const repository = await Repository.init(storage, { password: PASSWORD, ...SMALL_FORMAT, ...overrides });
  return { repository, storage };
}

/** Backs up named buffers as one restore point. */
export function backupBuffers(repository: Repository, entries: Record<string, Buffer>, time = new Date('2025-01-01T00:00:00Z'), gfs = {}) {
  return repository.backup(
    { resource: RESOURCE, engine: ENGINE, time, gfs },
    Object.entries(entries).map(([name, data]) => ({ name, data })),
  );
}
