import { isAbsolute } from 'node:path';
import { describeConnection, parsePostgresUri } from '../../engines/postgres/connection.ts';
import type { JobSecrets, JobSpec } from '../../worker/protocol.ts';
import { LocalWorkerLauncher } from '../../worker/local-launcher.ts';
import type { WorkerLauncher } from '../../worker/worker-launcher.ts';
import { runJobInSession } from '../../worker/run-in-session.ts';
import { AppError } from '../../shared/errors.ts';
import type { Session } from '../../shared/session.ts';
import type { AppCore } from '../app-core.ts';

/** A restore the console asks for. The target password is used for this job only, never stored. */
export interface RepositoryRestoreRequest {
  restorePointId: string;
  repositoryId: string;
  /** Databases of the restore point to restore; empty: all. */
  databases: string[];
  target:
    | { kind: 'database'; uri: string; password?: string; databaseMap: Record<string, string>; clean: boolean; noOwner: boolean }
    | { kind: 'folder'; path: string };
}

/**
 * Starts a restore of a catalogued repository's restore point on a worker, as a session: the
 * repository's remembered secrets and the target's password reach the worker on its stdin only.
 */
export async function startRepositoryRestore(core: AppCore, request: RepositoryRestoreRequest, launcher: WorkerLauncher = new LocalWorkerLauncher()): Promise<Session> {
  const access = await core.repositoryCatalog.accessFor(request.repositoryId);
  const point = core.restorePoints.list({ repositoryId: request.repositoryId }).find((p) => p.id === request.restorePointId);
  if (!point) throw new AppError('not_found', `Restore point ${request.restorePointId} is not in the catalog of this repository; rescan it first.`);
  const credentials = access.credentials;
  if (credentials && credentials.kind !== 'sharedKey' && credentials.kind !== 'sas') {
    throw new AppError('validation_failed', 'Workers reach blob repositories with an account key or a SAS token only.');
  }
  const secrets: JobSecrets = { repositoryPassword: access.password, storage: credentials };
  const base = { kind: 'restore' as const, jobId: `restore-${Date.now()}`, engine: 'postgres' as const, repository: { location: access.location }, restorePointId: point.id, databases: request.databases };
  let job: JobSpec;
  let title: string;
  if (request.target.kind === 'database') {
    let parsed: ReturnType<typeof parsePostgresUri>;
    try {
      parsed = parsePostgresUri(request.target.uri);
    } catch (error) {
      throw new AppError('validation_failed', (error as Error).message, { field: 'target.uri' });
    }
    const { connection, password } = parsed;
    secrets.databasePassword = request.target.password ?? password;
    job = { ...base, target: { kind: 'database', connection, databaseMap: request.target.databaseMap, schemas: [], tables: [], clean: request.target.clean, globals: false, noOwner: request.target.noOwner } };
    title = `Restore of ${String(point.metadata.resourceName ?? point.resourceId)} to ${describeConnection(connection)}`;
  } else {
    if (!isAbsolute(request.target.path)) throw new AppError('validation_failed', 'The folder must be an absolute path.', { field: 'target.path' });
    job = { ...base, target: { kind: 'folder', path: request.target.path } };
    title = `Restore of ${String(point.metadata.resourceName ?? point.resourceId)} to folder ${request.target.path}`;
  }
  return core.sessions.start({ kind: 'restore', title, resourceId: point.resourceId }, async (ctx) => {
    const outcome = await runJobInSession(launcher, job, secrets, ctx);
    const rows = outcome.databases.reduce((sum, d) => sum + d.rows, 0);
    return { summary: `Restored ${outcome.databases.length} database(s), ${rows} rows.` };
  });
}
