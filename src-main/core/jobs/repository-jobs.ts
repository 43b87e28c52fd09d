import { openRepository, parseRepositoryLocation, type CopyResult, type ForgetPlan, type PrunePlan, type RehydrateResult, type Repository, type RetentionPolicy } from '../../repository/index.ts';
import { AppError } from '../../shared/errors.ts';
import type { RestorePointsStore } from '../config-db/restore-points-store.ts';
import type { RepositoriesStore } from '../config-db/repositories-store.ts';
import type { RepositoryCatalog } from '../repositories/repository-catalog.ts';
import { catalogRecordOf, repositoryLogger, startRepositoryOperation, type RepositoryOperationDeps, type StartedOperation } from '../repositories/repository-operations.ts';
import type { SessionContext } from '../sessions/session-context.ts';
import type { RepositoryInput } from './worker-jobs.ts';
import type { JobSecrets, JobSpec } from '../../worker/protocol.ts';
import type { WorkerLauncherFactory, WorkerPlacement } from '../../worker/worker-launcher.ts';
import { runJobInSession } from './run-job-in-session.ts';

/** A repository as resolved for an operation: where, and its secrets. */
interface RepositoryAccessInput {
  location: string;
  password?: string;
  credentials?: { kind: string; accountKey?: string; sasToken?: string };
}

export interface RepositoryJobsDeps extends RepositoryOperationDeps {
  readonly catalog: RepositoryCatalog;
  readonly repositories: RepositoriesStore;
  readonly restorePoints: RestorePointsStore;
  /**
   * Where a copy into `target` should run: the region of the target's storage account (composition
   * root: from ARM), or undefined to copy in this process.
   */
  readonly copyPlacement?: (target: { location: string; credentials?: unknown }) => Promise<WorkerPlacement | undefined>;
  /** The launcher for a copy whose placement is known (composition root: the placement router). */
  readonly launcherFor?: WorkerLauncherFactory;
}

const progressOf = (ctx: SessionContext) => (p: { done: number; total?: number; unit: string }) => ctx.progress(p.done, p.total ?? null, p.unit);

/** A full restore point id from an id or a unique prefix (at least 8 characters). */
export async function resolveRestorePointId(repository: Repository, idOrPrefix: string, signal: AbortSignal): Promise<string> {
  if (!/^[0-9a-f]{8,64}$/.test(idOrPrefix)) throw new AppError('validation_failed', 'A restore point is named by its id or a prefix of at least 8 hex characters.', { field: 'restorePointId' });
  if (idOrPrefix.length === 64) return idOrPrefix;
  const { restorePoints } = await repository.listRestorePoints({ signal });
  const matches = restorePoints.filter((point) => point.id.startsWith(idOrPrefix));
  if (matches.length === 1) return matches[0]!.id;
  if (matches.length) throw new AppError('validation_failed', `Restore point prefix ${idOrPrefix} is ambiguous (${matches.length} match); give more characters.`, { field: 'restorePointId' });
  throw new AppError('not_found', `No restore point of this repository starts with ${idOrPrefix}.`, { field: 'restorePointId' });
}

/**
 * The use cases that work on repositories in this process (each returns its session at once and
 * the outcome when it ends): copy (and archive) a restore point,
 * rehydrate an archived one, apply retention, prune. Each runs as a session and keeps the config
 * DB's catalog true in the same session (a forgotten point leaves it, a copy joins it).
 */
export class RepositoryJobs {
  private readonly deps: RepositoryJobsDeps;

  constructor(deps: RepositoryJobsDeps) {
    this.deps = deps;
  }

  /** Copies a restore point into another repository, self-contained; `archive` puts its data in the Archive tier. */
  async copy(request: { source: RepositoryInput; target: RepositoryInput; restorePointId: string; archive: boolean; parentSessionId?: string }): Promise<StartedOperation<CopyResult>> {
    const source = await this.deps.catalog.resolve(request.source.ref, request.source);
    const target = await this.deps.catalog.resolve(request.target.ref, request.target);
    if (request.archive && parseRepositoryLocation(target.access.location).kind === 'local') {
      throw new AppError('validation_failed', `A local folder has no Archive access tier: archive copies go to an Azure Blob repository. Copy without archive to keep the data online in ${target.access.location}.`, { field: 'archive' });
    }
    const title = `${request.archive ? 'Archive' : 'Copy'} restore point ${request.restorePointId.slice(0, 12)} to ${target.record?.name ?? target.access.location}`;
    return startRepositoryOperation(
      this.deps,
      title,
      source.access,
      async (repository, ctx) => {
        const restorePointId = await resolveRestorePointId(repository, request.restorePointId, ctx.signal);
        const targetRepository = await openRepository(target.access.location, { password: target.access.password, credentials: target.access.credentials, signal: ctx.signal, logger: repositoryLogger(ctx) });
        const placement = this.deps.launcherFor ? await this.deps.copyPlacement?.(target.access).catch(() => undefined) : undefined;
        const copy = placement
          ? await this.copyOnWorker(source.access, target.access, restorePointId, request.archive, placement, ctx)
          : await repository.copyRestorePoint(restorePointId, targetRepository, { archive: request.archive, signal: ctx.signal, onProgress: progressOf(ctx) });
        ctx.info(copy.copied ? `Copied as ${copy.targetRestorePointId} (${copy.uploadedBytes} bytes uploaded${request.archive ? ', data in the Archive tier' : ''}).` : `Already copied as ${copy.targetRestorePointId}.`);
        const copied = await targetRepository.getRestorePoint(copy.targetRestorePointId, { signal: ctx.signal });
        const record = this.deps.catalog.ensureCatalogued(target.access.location, target.access.password !== undefined);
        this.deps.restorePoints.put({ ...catalogRecordOf(copied, record.id, request.archive || record.isArchive, ctx.sessionId), repositoryId: record.id });
        return copy;
      },
      { kind: 'archive', ...(request.parentSessionId ? { parentId: request.parentSessionId } : {}) },
    );
  }

  /** Runs a copy on a worker in the target's region (the archive path of the mission). */
  private async copyOnWorker(source: RepositoryAccessInput, target: RepositoryAccessInput, restorePointId: string, archive: boolean, placement: WorkerPlacement, ctx: SessionContext): Promise<CopyResult> {
    const storage = (credentials: RepositoryAccessInput['credentials']): JobSecrets['storage'] =>
      credentials?.kind === 'sharedKey' && credentials.accountKey ? { kind: 'sharedKey', accountKey: credentials.accountKey } : credentials?.kind === 'sas' && credentials.sasToken ? { kind: 'sas', sasToken: credentials.sasToken } : undefined;
    const job: JobSpec = { kind: 'copy', jobId: `copy-${Date.now()}-${restorePointId.slice(0, 8)}`, repository: { location: source.location }, target: { location: target.location }, restorePointId, archive };
    const secrets: JobSecrets = {
      ...(source.password !== undefined ? { repositoryPassword: source.password } : {}),
      ...(storage(source.credentials) ? { storage: storage(source.credentials) } : {}),
      target: { ...(target.password !== undefined ? { repositoryPassword: target.password } : {}), ...(storage(target.credentials) ? { storage: storage(target.credentials) } : {}) },
    };
    const where = { ...placement, sessionId: ctx.sessionId };
    const outcome = await runJobInSession((this.deps.launcherFor as WorkerLauncherFactory)(where), job, secrets, ctx, where);
    if (outcome.kind !== 'copy') throw new AppError('internal', 'The worker answered a copy with another outcome.');
    return { targetRestorePointId: outcome.targetRestorePointId, copied: outcome.copied, newChunkCount: outcome.newChunks, uploadedBytes: outcome.uploadedBytes };
  }

  /** Makes an archived restore point readable again (Archive → Hot), with progress in packs. */
  async rehydrate(request: { repository: RepositoryInput; restorePointId: string; priority: 'Standard' | 'High' }): Promise<StartedOperation<RehydrateResult & { restorePointId: string }>> {
    const { record, access } = await this.deps.catalog.resolve(request.repository.ref, request.repository);
    return startRepositoryOperation(this.deps, `Rehydrate restore point ${request.restorePointId.slice(0, 12)} of ${record?.name ?? access.location} (${request.priority} priority)`, access, async (repository, ctx) => {
      const restorePointId = await resolveRestorePointId(repository, request.restorePointId, ctx.signal);
      const result = await repository.rehydrate(restorePointId, { priority: request.priority, signal: ctx.signal, onProgress: progressOf(ctx) });
      ctx.info(result.rehydratedPacks ? `${result.rehydratedPacks} of ${result.packCount} packs were archived and are online now: the restore point can be restored.` : `All ${result.packCount} packs were already online: nothing to rehydrate.`);
      return { ...result, restorePointId };
    });
  }

  /** Applies retention (plan with `dryRun`); forgotten restore points leave the catalog in the same session. */
  async forget(request: { repository: RepositoryInput; policy: RetentionPolicy; dryRun: boolean; parentSessionId?: string; resourceName?: string }): Promise<StartedOperation<ForgetPlan>> {
    const { record, access } = await this.deps.catalog.resolve(request.repository.ref, request.repository);
    const { dryRun } = request;
    const of = request.resourceName ? ` of ${request.resourceName}` : '';
    return startRepositoryOperation(this.deps, `${dryRun ? 'Plan' : 'Apply'} retention${of} on ${record?.name ?? access.location}`, access, async (repository, ctx) => {
      const plan = await repository.forget(request.policy, { dryRun, signal: ctx.signal });
      for (const item of plan.keep) ctx.info(`Keep ${item.id.slice(0, 12)} (${item.resourceName}, ${item.time}): ${item.explanation.replace(/^kept: /, '')}.`);
      for (const item of plan.forget) ctx.info(`${dryRun ? 'Would forget' : 'Forgot'} ${item.id.slice(0, 12)} (${item.resourceName}, ${item.time}): ${item.explanation.replace(/^forgotten: /, '')}.`);
      ctx.info(`${plan.keep.length} kept, ${plan.forget.length} ${dryRun ? 'to forget' : 'forgotten'}.${!dryRun && plan.forget.length ? ' Their data goes at the next prune.' : ''}`);
      const catalogued = this.deps.repositories.findByLocation(access.location);
      if (!dryRun && catalogued) this.deps.restorePoints.removeFromRepository(catalogued.id, plan.forget.map((item) => item.id));
      return plan;
    }, request.parentSessionId ? { kind: 'retention', parentId: request.parentSessionId } : {});
  }

  /** Deletes data no restore point uses (plan with `dryRun`); the catalog's size follows. */
  async prune(request: { repository: RepositoryInput; dryRun: boolean; parentSessionId?: string }): Promise<StartedOperation<PrunePlan>> {
    const { record, access } = await this.deps.catalog.resolve(request.repository.ref, request.repository);
    const { dryRun } = request;
    return startRepositoryOperation(this.deps, `${dryRun ? 'Plan prune of' : 'Prune'} ${record?.name ?? access.location}`, access, async (repository, ctx) => {
      const plan = await repository.prune({ dryRun, signal: ctx.signal, onProgress: progressOf(ctx) });
      ctx.info(
        `${dryRun ? 'Would delete' : 'Deleted'} ${plan.packsToDelete.length + plan.unreferencedPacks.length} packs, ${dryRun ? 'would repack' : 'repacked'} ${plan.packsToRepack.length}; about ${plan.bytesFreed} bytes ${dryRun ? 'to free' : 'freed'}.`,
      );
      if (!dryRun && record) {
        const info = await repository.info({ signal: ctx.signal });
        this.deps.repositories.recordStats(record.id, info.storedBytes, info.restorePointCount, this.deps.clock.now());
      }
      return plan;
    }, request.parentSessionId ? { kind: 'retention', parentId: request.parentSessionId } : {});
  }
}
