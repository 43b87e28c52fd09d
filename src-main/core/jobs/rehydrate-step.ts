import { openRepository } from '../../repository/index.ts';
import type { RepositoryAccess } from '../repositories/repository-access.ts';
import { repositoryLogger } from '../repositories/repository-operations.ts';
import type { SessionContext } from '../sessions/session-context.ts';
import { resolveRestorePointId } from './repository-jobs.ts';

/**
 * The first step of a restore asked to rehydrate: brings the archived packs a restore point needs
 * back online and waits for them (progress in packs), inside the restore's own session.
 */
export async function rehydrateForRestore(access: RepositoryAccess, restorePointId: string, priority: 'Standard' | 'High', ctx: SessionContext): Promise<void> {
  const repository = await openRepository(access.location, { password: access.password, credentials: access.credentials, signal: ctx.signal, logger: repositoryLogger(ctx) });
  const fullId = await resolveRestorePointId(repository, restorePointId, ctx.signal);
  const result = await repository.rehydrate(fullId, { priority, signal: ctx.signal, onProgress: (p) => ctx.progress(p.done, p.total ?? null, 'packs') });
  ctx.info(result.rehydratedPacks ? `Rehydrated ${result.rehydratedPacks} of ${result.packCount} packs (${priority} priority); restoring now.` : 'No pack was archived: restoring now.');
}
