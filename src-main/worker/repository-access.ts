import type { EntrySource } from '../engines/engine.ts';
import { openRepository } from '../repository/index.ts';
import type { AzureCredentialsInput, Repository, RepositoryLogger } from '../repository/index.ts';
import type { JobSecrets, RepositoryLocation } from './protocol.ts';

/** Storage credentials of a job in the repository engine's shape. */
function credentialsOf(secrets: JobSecrets): AzureCredentialsInput | undefined {
  const storage = secrets.storage;
  if (!storage) return undefined;
  return storage.kind === 'sharedKey' ? { kind: 'sharedKey', accountKey: storage.accountKey } : { kind: 'sas', sasToken: storage.sasToken };
}

/** Opens the job's repository with the secrets it came with. */
export function openJobRepository(location: RepositoryLocation, secrets: JobSecrets, options: { logger?: RepositoryLogger; signal?: AbortSignal; zstdLevel?: number; onKeyDerivation?: () => void } = {}): Promise<Repository> {
  return openRepository(location.location, {
    password: secrets.repositoryPassword,
    credentials: credentialsOf(secrets),
    logger: options.logger,
    signal: options.signal,
    onKeyDerivation: options.onKeyDerivation,
    ...(options.zstdLevel ? { tuning: { zstdLevel: options.zstdLevel } } : {}),
  });
}

/** A restore point as an engine's entry source (each `open` is a fresh, verified stream). */
export async function restorePointSource(repository: Repository, restorePointId: string, signal?: AbortSignal): Promise<EntrySource & { engine: string }> {
  const point = await repository.getRestorePoint(restorePointId, { signal });
  return {
    engine: point.manifest.engine.name,
    entries: point.manifest.entries.map((entry) => ({ name: entry.name, size: entry.size, counts: entry.counts, metadata: entry.metadata })),
    open: (name, entrySignal) => repository.openEntry(restorePointId, name, { signal: entrySignal ?? signal }),
  };
}
