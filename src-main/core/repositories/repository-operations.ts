import { basename } from 'node:path';
import {
  initRepository,
  openRepository,
  RepositoryError,
  type CheckReport,
  type InitOptions,
  type Repository,
  type RepositoryInfo,
  type RepositoryLogger,
  type RestorePoint,
  type Manifest,
} from '../../repository/index.ts';
import { AppError } from '../../shared/errors.ts';
import { formatBytes } from '../../shared/format-units.ts';
import type { Session, SessionKind } from '../../shared/session.ts';
import type { Clock } from '../clock.ts';
import type { RepositoriesStore } from '../config-db/repositories-store.ts';
import type { RestorePointsStore } from '../config-db/restore-points-store.ts';
import type { SessionManager } from '../sessions/session-manager.ts';
import type { SessionContext } from '../sessions/session-context.ts';
import { locationKind, type RepositoryAccess } from './repository-access.ts';
import type { RestorePointRecord } from '../config-db/restore-points-store.ts';

/** What repository operations need: sessions to run in, and the catalog they keep true. */
export interface RepositoryOperationDeps {
  readonly sessions: SessionManager;
  readonly repositories: RepositoriesStore;
  readonly restorePoints: RestorePointsStore;
  readonly clock: Clock;
}

/** A session that produced a value (when it succeeded). */
export interface OperationRun<T> {
  session: Session;
  result: T | undefined;
}

/** The repository engine's log, into a session. */
export function repositoryLogger(ctx: SessionContext): RepositoryLogger {
  return { info: (m) => ctx.info(m), warn: (m) => ctx.warn(m), error: (m) => ctx.error(m) };
}

/** Engine errors become AppErrors with the engine's message (which never holds secrets). */
function translate(error: unknown): unknown {
  if (error instanceof RepositoryError) {
    const code = error.code === 'wrong_password' ? 'unauthorized' : error.code === 'not_found' ? 'not_found' : error.code === 'locked' ? 'conflict' : 'unavailable';
    return new AppError(code, error.message, error.details);
  }
  return error;
}

/** A started repository session and the promise of its outcome. */
export interface StartedOperation<T> {
  session: Session;
  finished: Promise<OperationRun<T>>;
}

/**
 * Starts one repository operation as a session: opens (or creates) the repository with the
 * session's signal, bridges the engine's log and progress into the session, and always releases it.
 */
export function startRepositoryOperation<T>(
  deps: RepositoryOperationDeps,
  title: string,
  access: RepositoryAccess,
  operation: (repository: Repository, ctx: SessionContext) => Promise<T>,
  options: { create?: Omit<InitOptions, 'password' | 'signal' | 'logger'>; kind?: SessionKind; parentId?: string; policyId?: string } = {},
): StartedOperation<T> {
  let result: T | undefined;
  const session = deps.sessions.start({ kind: options.kind ?? 'repository', title, parentId: options.parentId ?? null, policyId: options.policyId ?? null }, async (ctx) => {
    ctx.info(`Repository: ${access.location}`);
    const common = { password: access.password, credentials: access.credentials, signal: ctx.signal, logger: repositoryLogger(ctx) };
    try {
      const repository = options.create ? await initRepository(access.location, { ...options.create, ...common }) : await openRepository(access.location, common);
      result = await operation(repository, ctx);
    } catch (error) {
      throw translate(error);
    }
  });
  return { session, finished: deps.sessions.waitFor(session.id).then((final) => ({ session: final, result })) };
}

/** Runs a repository operation as a session and waits for its outcome. */
export function runRepositoryOperation<T>(
  deps: RepositoryOperationDeps,
  title: string,
  access: RepositoryAccess,
  operation: (repository: Repository, ctx: SessionContext) => Promise<T>,
  options: { create?: Omit<InitOptions, 'password' | 'signal' | 'logger'>; kind?: SessionKind } = {},
): Promise<OperationRun<T>> {
  return startRepositoryOperation(deps, title, access, operation, options).finished;
}

const progressOf = (ctx: SessionContext) => (p: { done: number; total?: number; unit: string }) => ctx.progress(p.done, p.total ?? null, p.unit);

export function repoInit(deps: RepositoryOperationDeps, access: RepositoryAccess, encryption: 'aes-256-gcm' | 'none'): Promise<OperationRun<RepositoryInfo>> {
  return runRepositoryOperation(
    deps,
    `Initialize repository ${access.location}`,
    access,
    async (repository, ctx) => {
      const info = await repository.info({ signal: ctx.signal });
      ctx.info(`Created repository ${info.repositoryId} (format ${info.formatVersion}, encryption ${info.encryption}).`);
      return info;
    },
    { create: { encryption } },
  );
}

export function repoInfo(deps: RepositoryOperationDeps, access: RepositoryAccess): Promise<OperationRun<RepositoryInfo>> {
  return runRepositoryOperation(deps, `Repository info ${access.location}`, access, (repository, ctx) => repository.info({ signal: ctx.signal }));
}

/** How much of a check reads: the structure only, every byte, or a rotating share of the packs. */
export interface CheckScope {
  readData: boolean;
  share?: { part: number; parts: number };
  /** The policy health check this check is a task of. */
  parentId?: string;
  policyId?: string;
}

export function repoCheck(deps: RepositoryOperationDeps, access: RepositoryAccess, scopeOrReadData: boolean | CheckScope): StartedOperation<CheckReport> {
  const scope: CheckScope = typeof scopeOrReadData === 'boolean' ? { readData: scopeOrReadData } : scopeOrReadData;
  const { readData, share } = scope;
  const what = readData ? ' (read all data)' : share ? ` (read data of share ${(share.part % share.parts) + 1} of ${share.parts})` : '';
  const name = deps.repositories.findByLocation(access.location)?.name;
  return startRepositoryOperation(
    deps,
    `Check repository${what} ${name ? `"${name}"` : access.location}`,
    access,
    async (repository, ctx) => {
      const report = await repository.check({ readData, ...(share ? { readDataShare: share } : {}), signal: ctx.signal, onProgress: progressOf(ctx) });
      for (const problem of report.problems) ctx.error(`${problem.kind}: ${problem.message}`);
      for (const affected of report.affectedRestorePoints) ctx.error(`Restore point ${affected.restorePointId} is damaged.`);
      if (report.ok) ctx.info(`Repository is healthy: ${report.restorePointCount} restore points, ${report.packCount} packs${readData || share ? `, ${formatBytes(report.bytesRead)} of data verified` : ''}.`);
      const record = deps.repositories.findByLocation(access.location);
      if (record) deps.repositories.recordCheck(record.id, report.ok ? 'ok' : `${report.problems.length} problems`, deps.clock.now().toISOString());
      if (!report.ok) ctx.error(`The repository has ${report.problems.length} problem(s); ${report.affectedRestorePoints.length} restore point(s) are damaged. Restore another point, or copy from the archive repository.`);
      return report;
    },
    { kind: scope.parentId ? 'health-check' : 'repository', ...(scope.parentId ? { parentId: scope.parentId } : {}), ...(scope.policyId ? { policyId: scope.policyId } : {}) },
  );
}



export function repoChangePassword(deps: RepositoryOperationDeps, access: RepositoryAccess, newPassword: string): Promise<OperationRun<true>> {
  return runRepositoryOperation(deps, `Change password of ${access.location}`, access, async (repository, ctx) => {
    await repository.changePassword(newPassword, { signal: ctx.signal });
    ctx.info('Password changed: a new key file was written and the old one removed.');
    return true as const;
  });
}

export function repoListRestorePoints(deps: RepositoryOperationDeps, access: RepositoryAccess): Promise<OperationRun<RestorePoint[]>> {
  return runRepositoryOperation(deps, `List restore points of ${access.location}`, access, async (repository, ctx) => {
    const listing = await repository.listRestorePoints({ signal: ctx.signal });
    for (const damaged of listing.damaged) ctx.warn(`Restore point ${damaged.restorePointId} is damaged: ${damaged.message}`);
    return listing.restorePoints;
  });
}


/** The parts of a manifest the catalog records (a worker reports them without the chunk lists). */
export type CatalogManifest = Pick<Manifest, 'time' | 'resource' | 'policy' | 'gfs' | 'engine' | 'durationMs' | 'copiedFrom'> & {
  entries: readonly { name: string; size: number; counts?: { rows?: number; documents?: number } }[];
  totals: { size: number; entryCount: number };
};

/** Maps a manifest to its catalog record. */
export function catalogRecordOf(point: { id: string; manifest: CatalogManifest }, repositoryId: string, archive: boolean, sessionId: string | null = null): Omit<RestorePointRecord, 'repositoryId'> {
  const m = point.manifest;
  return {
    id: point.id,
    kind: archive ? 'archive' : 'repository',
    resourceId: m.resource.id,
    policyId: m.policy?.id ?? null,
    sessionId,
    pointTime: m.time,
    windowStart: null,
    windowEnd: null,
    gfs: Object.entries(m.gfs).filter(([, on]) => on).map(([flag]) => flag),
    sizeBytes: m.totals.size,
    metadata: {
      resourceName: m.resource.name,
      resourceKind: m.resource.kind,
      policyName: m.policy?.name ?? null,
      engine: m.engine,
      entryCount: m.totals.entryCount,
      durationMs: m.durationMs,
      entries: m.entries.map((e) => ({ name: e.name, size: e.size, counts: e.counts ?? null })),
      copiedFrom: m.copiedFrom ?? null,
    },
    createdAt: m.time,
  };
}

/**
 * Rebuilds the config DB's catalog of a repository from the repository alone: registers it when
 * the catalog does not know it, then replaces its restore-point records in one transaction.
 */
export function repoRescan(deps: RepositoryOperationDeps, access: RepositoryAccess, name?: string): StartedOperation<{ repositoryId: string; restorePoints: number }> {
  return startRepositoryOperation(
    deps,
    `Rescan ${access.location}`,
    access,
    async (repository, ctx) => {
      const [info, listing] = [await repository.info({ signal: ctx.signal }), await repository.listRestorePoints({ signal: ctx.signal })];
      const now = deps.clock.now().toISOString();
      const record =
        deps.repositories.findByLocation(access.location) ??
        deps.repositories.add({ name: name ?? uniqueRepositoryName(deps.repositories, access.location), location: access.location, kind: locationKind(access.location), encrypted: info.encryption !== 'none' }, now);
      const archive = record.isArchive;
      deps.restorePoints.replaceForRepository(record.id, listing.restorePoints.map((p) => catalogRecordOf(p, record.id, archive)));
      deps.repositories.recordStats(record.id, info.storedBytes, listing.restorePoints.length, deps.clock.now());
      for (const damaged of listing.damaged) ctx.warn(`Restore point ${damaged.restorePointId} is damaged and was left out: ${damaged.message}`);
      ctx.info(`Catalog rebuilt: ${listing.restorePoints.length} restore points in "${record.name}".`);
      return { repositoryId: record.id, restorePoints: listing.restorePoints.length };
    },
    { kind: 'rescan' },
  );
}

/** A catalog name for a repository at `location` that no catalogued repository has yet (its folder's name, numbered when taken). */
export function uniqueRepositoryName(repositories: Pick<RepositoriesStore, 'list'>, location: string): string {
  const base = basename(location.replace(/\/+$/, '')) || 'repository';
  const taken = new Set(repositories.list().map((r) => r.name));
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  return name;
}
