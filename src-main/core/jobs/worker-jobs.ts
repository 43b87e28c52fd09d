import { isAbsolute } from 'node:path';
import type { EngineName, EngineRestoreOptionsWithoutEngine } from '../../engines/engine-schemas.ts';
import type { GfsFlags } from '../../repository/index.ts';
import { AppError } from '../../shared/errors.ts';
import { formatUtcMinute } from '../../shared/format-units.ts';
import type { Session } from '../../shared/session.ts';
import type { BackupOutcome, JobOutcome, JobSecrets, JobSpec, RestoreOutcome } from '../../worker/protocol.ts';
import { WorkerJobError, type WorkerLauncherFactory, type WorkerPlacement } from '../../worker/worker-launcher.ts';
import type { Clock } from '../clock.ts';
import type { RestorePointRecord, RestorePointsStore } from '../config-db/restore-points-store.ts';
import type { RepositoriesStore } from '../config-db/repositories-store.ts';
import type { InventoryStore } from '../config-db/inventory-store.ts';
import { halfRestoredMessage, type TouchedTargetsStore } from '../config-db/touched-targets-store.ts';
import { isConfigDbWriteRefused } from '../config-db/open-database.ts';
import { currentUserName, type RestoreAuditStore } from '../config-db/restore-audit-store.ts';
import { serverOfResource, type BackupResource, type MongoAccountConnectionString, type ResourceSourceInput } from './resource-source.ts';
import type { RepositoryCatalog, SuppliedRepositorySecrets } from '../repositories/repository-catalog.ts';
import { catalogRecordOf } from '../repositories/repository-operations.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { SessionManager } from '../sessions/session-manager.ts';
import { runJobInSession } from './run-job-in-session.ts';
import { engineOfUri, parseServerSource, type ServerSource } from './server-source.ts';
import { summarizeOutcome } from './outcome-summary.ts';
import { rehydrateForRestore } from './rehydrate-step.ts';

/** A repository as a caller names it (catalogued id or name, or a location), with any secrets it brings. */
export interface RepositoryInput extends SuppliedRepositorySecrets {
  ref: string;
}

/**
 * Where a server password may come from besides the request and the app's secret store. The CLI
 * offers its environment (`PGPASSWORD`, `~/.pgpass`) and a prompt; the console offers neither.
 */
export interface DatabasePasswordSources {
  /** Tried after a password in the request or URI, before the remembered one. */
  fromEnvironment?(server: ServerSource): string | undefined;
  /** Tried last, when nothing else gave a password. */
  prompt?(server: ServerSource): Promise<string | undefined>;
}

export interface BackupRequest {
  repository: RepositoryInput;
  /**
   * The server to back up: by URI (a password in it is used for this job only), or an Azure
   * resource of the inventory whose server ARM reported (the login is given or remembered).
   */
  source: { uri: string; password?: string } | ResourceSourceInput;
  /** The Azure resource a server named by URI is (default: the server itself, keyed by engine, host and port). */
  resource?: BackupResource;
  /** The resource name recorded with the restore point (default: the resource's, else the host). */
  name?: string;
  /** Databases to back up; empty: every user database. */
  databases?: string[];
  /** MongoDB: only these collections, `db.collection`. */
  collections?: string[];
  parallelism?: number;
  /** MongoDB: throughput budget in documents read per second. */
  maxDocumentsPerSecond?: number;
  /** The policy and schedules a scheduled backup runs for (recorded in the manifest). */
  policy?: { id: string; name: string };
  gfs?: Partial<GfsFlags>;
  /** After a successful backup, keep the server password in the secret store (encrypted). */
  rememberDatabasePassword?: boolean;
  passwordSources?: DatabasePasswordSources;
  /** The policy run this backup is a task of. */
  parentSessionId?: string;
}

export type RestoreTargetInput =
  | {
      kind: 'database';
      uri: string;
      /** Used for this restore only; never stored. */
      password?: string;
      databaseMap?: Record<string, string>;
      clean?: boolean;
      /** The engine's own options without `engine` (PostgreSQL: schemas, tables, globals, noOwner; MongoDB: collections, collectionMap, indexOrder). */
      options?: EngineRestoreOptionsWithoutEngine;
    }
  | { kind: 'folder'; path: string };

export interface RestoreRequest {
  repository: RepositoryInput;
  /** The restore point's id, or a unique prefix of it (at least 8 characters). */
  restorePointId: string;
  /** Databases of the restore point to restore; empty: all. */
  databases?: string[];
  target: RestoreTargetInput;
  parallelism?: number;
  passwordSources?: DatabasePasswordSources;
  /** Refuse a restore point the catalog does not list (the console restores what it shows). */
  requireCatalogued?: boolean;
  /** Bring archived data back online first (in this session), at this priority; default: fail and say how. */
  rehydrate?: 'Standard' | 'High';
  /** The session this restore is a task of (a health check's test restore). */
  parentSessionId?: string;
  /** Why the restore is done, for the restore audit (the console asks for it). */
  reason?: string;
}

/** A started job: its session now, and its outcome once the session ended. */
export interface StartedJob<T extends JobOutcome> {
  session: Session;
  finished: Promise<{ session: Session; outcome: T | undefined }>;
}

export interface WorkerJobsDeps {
  readonly sessions: SessionManager;
  readonly catalog: RepositoryCatalog;
  readonly repositories: RepositoriesStore;
  readonly restorePoints: RestorePointsStore;
  readonly inventory: Pick<InventoryStore, 'getResource' | 'listResources'>;
  /** Where restores record the target databases they touch (half-restored until a restore of them succeeds). */
  readonly touchedTargets: TouchedTargetsStore;
  /** Who restored what, when and why. */
  readonly restoreAudit?: RestoreAuditStore;
  readonly secrets: SecretStore;
  readonly clock: Clock;
  /** The MongoDB read budget when a request names none (composition root: the setting; 0: none). */
  readonly mongoMaxDocumentsPerSecond?: () => number;
  /** Cosmos DB for MongoDB RU connection strings from ARM (composition root: the Azure layer). */
  readonly mongoAccountConnectionString?: MongoAccountConnectionString;
  /** Chooses the launcher for each job's placement (composition root: from settings). */
  readonly launcherFor: WorkerLauncherFactory;
}

const RESTORE_POINT_ID = /^[0-9a-f]{8,64}$/;

/**
 * The use cases that run on a worker: back up a server into a repository, and restore a restore
 * point into a server or a folder. This is the only place that builds worker job specs and gathers
 * their secrets; the CLI, the console and the scheduler all start jobs here, and every backup is
 * catalogued in the session that made it.
 */
export class WorkerJobs {
  private readonly deps: WorkerJobsDeps;
  private jobCounter = 0;

  constructor(deps: WorkerJobsDeps) {
    this.deps = deps;
  }

  /** Starts a backup session. Bad input fails here, before any session exists. */
  async startBackup(request: BackupRequest): Promise<StartedJob<BackupOutcome>> {
    if ('resourceId' in request.source) {
      const { uri, password, resource } = await serverOfResource(this.deps.inventory, request.source, this.deps.mongoAccountConnectionString);
      return this.startBackup({ ...request, source: { uri, password: password ?? request.source.password }, resource });
    }
    const server = parseServerSource(request.source.uri);
    const { record, access } = await this.deps.catalog.resolve(request.repository.ref, request.repository);
    const databasePassword = await this.databasePassword(server, request.source.password, request.passwordSources);
    const documentBudget = server.engine === 'mongodb' ? (request.maxDocumentsPerSecond ?? this.deps.mongoMaxDocumentsPerSecond?.()) : undefined;
    const resource = request.resource
      ? { id: request.resource.id, name: request.name ?? request.resource.name, kind: request.resource.kind }
      : { id: server.resourceId, name: request.name ?? server.defaultName, kind: server.engine };
    const job: JobSpec = {
      kind: 'backup',
      jobId: this.jobId('backup'),
      engine: server.engine,
      repository: { location: access.location },
      // A Cosmos DB for MongoDB RU account of the inventory is one whatever its host is called (shard keys, throttling).
      source: server.connection.engine === 'mongodb' && request.resource?.kind === 'cosmosdb-account' ? { ...server.connection, deployment: 'cosmos-ru' as const } : server.connection,
      databases: request.databases ?? [],
      collections: request.collections ?? [],
      resource,
      ...(request.policy ? { policy: request.policy } : {}),
      gfs: { daily: false, weekly: false, monthly: false, yearly: false, ...request.gfs },
      options: { ...(request.parallelism ? { parallelism: request.parallelism } : {}), ...(documentBudget ? { maxDocumentsPerSecond: documentBudget } : {}) },
    };
    if (job.collections?.length && server.engine !== 'mongodb') throw new AppError('validation_failed', 'Collections can be chosen for MongoDB sources only.', { field: 'collections' });
    const secrets = this.jobSecrets(access, databasePassword);
    const chosen = [...(request.databases ?? []), ...(request.collections ?? [])];
    const selection = chosen.length ? ` (${chosen.join(', ')})` : '';
    const title = `Backup of ${resource.name}${selection} to ${record?.name ?? access.location}`;
    const subscriptionId = /^\/subscriptions\/([^/]+)\//i.exec(request.resource?.id ?? '')?.[1];
    let outcome: BackupOutcome | undefined;
    const session = this.deps.sessions.start({ kind: 'backup', title, resourceId: resource.id, policyId: request.policy?.id ?? null, parentId: request.parentSessionId ?? null }, async (ctx) => {
      ctx.info(`Source: ${server.description}; repository: ${record ? `"${record.name}" (${access.location})` : access.location}.`);
      const placement: WorkerPlacement = { region: request.resource?.region, subscriptionId, sessionId: ctx.sessionId, expectedBytes: this.lastBackupSize(record?.id, resource.id) };
      const result = await runJobInSession(this.deps.launcherFor(placement), job, secrets, ctx, placement);
      if (result.kind !== 'backup') throw new AppError('internal', 'The worker answered a backup with a restore outcome.');
      outcome = result;
      try {
        const catalogued = this.catalogBackup(access.location, access.password !== undefined, result, ctx.sessionId);
        ctx.info(`Restore point ${result.restorePointId.slice(0, 12)} is in the catalog of repository "${catalogued.repositoryName}".`);
      } catch (error) {
        if (!isConfigDbWriteRefused(error)) throw error;
        // The restore point is whole in the repository; only the app's catalog of it is missing.
        ctx.warn(
          `Restore point ${result.restorePointId.slice(0, 12)} is stored in the repository, but the catalog could not record it: the configuration database refused the write (${(error as Error).message}). ` +
            `Once its disk has space, run \`cosmos-backup repo rescan --repo ${record?.name ?? access.location}\` to list it.`,
        );
      }
      if (request.rememberDatabasePassword && databasePassword !== undefined) {
        await this.deps.secrets.set(server.passwordRef, databasePassword);
        ctx.info(`The password of ${server.description} is remembered (encrypted) for later backups.`);
      }
      return { summary: summarizeOutcome(result) };
    });
    return { session, finished: this.deps.sessions.waitFor(session.id).then((final) => ({ session: final, outcome })) };
  }

  /** Starts a restore session. Bad input fails here, before any session exists. */
  async startRestore(request: RestoreRequest): Promise<StartedJob<RestoreOutcome>> {
    if (!RESTORE_POINT_ID.test(request.restorePointId)) {
      throw new AppError('validation_failed', 'A restore point is named by its id or a prefix of at least 8 hex characters.', { field: 'restorePointId' });
    }
    const { record, access } = await this.deps.catalog.resolve(request.repository.ref, request.repository);
    const point = record ? this.findCatalogued(record.id, request.restorePointId) : undefined;
    if (!point && request.requireCatalogued) {
      throw new AppError('not_found', `Restore point ${request.restorePointId.slice(0, 12)} is not in the catalog of ${record ? `repository "${record.name}"` : access.location}; rescan the repository first.`, { field: 'restorePointId' });
    }
    const pointName = point ? `${String(point.metadata.resourceName ?? point.resourceId)} at ${formatUtcMinute(point.pointTime)}` : request.restorePointId.slice(0, 12);
    const pointEngineName = (point?.metadata.engine as { name?: string } | undefined)?.name;
    const target = request.target;
    const base = {
      kind: 'restore' as const,
      jobId: this.jobId('restore'),
      repository: { location: access.location },
      restorePointId: point?.id ?? request.restorePointId,
      databases: request.databases ?? [],
      options: request.parallelism ? { parallelism: request.parallelism } : {},
    };
    let job: JobSpec;
    let title: string;
    let databasePassword: string | undefined;
    let resourceId: string;
    let serverLabel: string | null = null;
    let placement: WorkerPlacement & { resourceName?: string } = {};
    if (target.kind === 'database') {
      const server = parseServerSource(target.uri, engineOfUri(target.uri));
      const pointEngine = point?.metadata.engine as { name?: string } | undefined;
      if (pointEngine?.name && pointEngine.name !== server.engine) {
        throw new AppError('validation_failed', `Restore point ${pointName} was made by the ${pointEngine.name} engine; it cannot be restored into a ${server.engine} server.`, { field: 'target.uri' });
      }
      databasePassword = await this.databasePassword(server, target.password, request.passwordSources);
      const engine: EngineName = server.engine;
      job = {
        ...base,
        engine,
        target: { kind: 'database', connection: server.connection, databaseMap: target.databaseMap ?? {}, clean: target.clean ?? false, options: { engine, ...target.options } },
      };
      placement = this.placementOfServer(server.resourceId);
      // Named as the admin knows it: the inventory's cluster name, else the server's address.
      title = `Restore of ${pointName} to ${placement.resourceName ? `${placement.resourceName} (${server.description})` : server.description}`;
      serverLabel = server.description;
      resourceId = point?.resourceId ?? server.resourceId;
    } else {
      if (!isAbsolute(target.path)) throw new AppError('validation_failed', 'The folder must be an absolute path.', { field: 'target.path' });
      job = { ...base, target: { kind: 'folder', path: target.path } };
      title = `Restore of ${pointName} to folder ${target.path}`;
      resourceId = point?.resourceId ?? `folder:${target.path}`;
    }
    const secrets = this.jobSecrets(access, databasePassword);
    let outcome: RestoreOutcome | undefined;
    const reason = request.reason?.trim() || (request.parentSessionId ? 'Test restore of the weekly health check.' : 'No reason given.');
    const session = this.deps.sessions.start({ kind: 'restore', title, resourceId, parentId: request.parentSessionId ?? null }, async (ctx) => {
      // Recorded before anything is restored, so the audit has every restore, whatever its end.
      this.deps.restoreAudit?.record({ sessionId: ctx.sessionId, kind: 'repository', what: title, reason, requestedBy: currentUserName(), createdAt: this.deps.clock.now().toISOString() });
      ctx.info(`Restore reason: ${reason}`);
      ctx.info(`Repository: ${record ? `"${record.name}" (${access.location})` : access.location}.`);
      if (request.rehydrate) await rehydrateForRestore(access, job.restorePointId, request.rehydrate, ctx);
      let result: JobOutcome;
      const label = serverLabel;
      const hooks = label
        ? {
            onTouched: (database: string) => this.deps.touchedTargets.touch(ctx.sessionId, label, database, this.deps.clock.now().toISOString()),
            describe: (database: string) => halfRestoredMessage({ server: label, database }),
          }
        : undefined;
      try {
        const where: WorkerPlacement = { region: placement.region, subscriptionId: placement.subscriptionId, sessionId: ctx.sessionId, expectedBytes: point?.sizeBytes ?? undefined };
        result = await runJobInSession(this.deps.launcherFor(where), job, secrets, ctx, where, hooks);
        for (const target of this.deps.touchedTargets.halfRestoredBy(ctx.sessionId)) this.deps.touchedTargets.restored(target.server, target.database, this.deps.clock.now().toISOString());
      } catch (error) {
        if (error instanceof WorkerJobError && error.code === 'repository_archived') {
          const repo = record ? record.name : access.location;
          ctx.error(
            `Restore point ${job.restorePointId.slice(0, 12)} has data in the Archive tier, which cannot be read until it is rehydrated. Rehydrate it (console: Rehydrate on the restore point; CLI: cosmos-backup repo rehydrate ${job.restorePointId.slice(0, 12)} --repo "${repo}"; Standard priority takes up to 15 hours on Azure, High under an hour for small blobs), or restore with --rehydrate to do both in one session.`,
          );
        }
        throw error;
      }
      if (result.kind !== 'restore') throw new AppError('internal', 'The worker answered a restore with a backup outcome.');
      outcome = result;
      return { summary: summarizeOutcome(result, job.kind === 'restore' ? (job.engine ?? pointEngineName) : undefined) };
    });
    return { session, finished: this.deps.sessions.waitFor(session.id).then((final) => ({ session: final, outcome })) };
  }

  /** A password in this order: the request, the URI, the caller's environment, the secret store, a prompt. */
  private async databasePassword(server: ServerSource, given: string | undefined, sources: DatabasePasswordSources = {}): Promise<string | undefined> {
    return given ?? server.uriPassword ?? sources.fromEnvironment?.(server) ?? (await this.deps.secrets.get(server.passwordRef)) ?? (await sources.prompt?.(server));
  }

  private jobSecrets(access: { password?: string; credentials?: SuppliedRepositorySecrets['credentials'] }, databasePassword: string | undefined): JobSecrets {
    const credentials = access.credentials;
    if (credentials && credentials.kind !== 'sharedKey' && credentials.kind !== 'sas') {
      throw new AppError('validation_failed', 'Workers reach blob repositories with an account key or a SAS token only.');
    }
    return {
      ...(databasePassword !== undefined ? { databasePassword } : {}),
      ...(access.password !== undefined ? { repositoryPassword: access.password } : {}),
      ...(credentials ? { storage: credentials } : {}),
    };
  }

  /**
   * Catalogs the restore point of a backup whose result was collected after its app went away (the
   * worker sweep re-attached to its mailbox); returns the repository's name.
   */
  catalogCollectedBackup(location: string, encrypted: boolean, outcome: BackupOutcome, sessionId: string): string {
    return this.catalogBackup(location, encrypted, outcome, sessionId).repositoryName;
  }

  /** Records a new restore point in the catalog (the repository is catalogued first when it was not). */
  private catalogBackup(location: string, encrypted: boolean, outcome: BackupOutcome, sessionId: string): { repositoryName: string } {
    const repository = this.deps.catalog.ensureCatalogued(location, encrypted);
    const record = catalogRecordOf({ id: outcome.restorePointId, manifest: outcome.restorePoint }, repository.id, repository.isArchive, sessionId);
    this.deps.restorePoints.put({ ...record, repositoryId: repository.id });
    this.deps.repositories.recordStats(repository.id, (repository.sizeBytes ?? 0) + outcome.uploadedBytes, this.deps.restorePoints.countForRepository(repository.id), this.deps.clock.now());
    return { repositoryName: repository.name };
  }

  /**
   * Where a restore's worker goes: the region and subscription of the inventory resource whose
   * server the target is (a cluster's coordinator, a vCore cluster's host); none for other servers.
   */
  private placementOfServer(serverId: string): WorkerPlacement & { resourceName?: string } {
    const host = /^[a-z]+:\/\/([^:/]+)/i.exec(serverId)?.[1]?.toLowerCase();
    if (!host) return {};
    const resource = this.deps.inventory.listResources().find((r) => {
      const coordinator = typeof r.properties.coordinator === 'string' ? r.properties.coordinator.toLowerCase().replace(/:\d+$/, '') : undefined;
      const connection = typeof r.properties.connectionString === 'string' ? r.properties.connectionString.toLowerCase() : '';
      return coordinator === host || (connection !== '' && connection.includes(`@${host}`));
    });
    return resource ? { region: resource.location, subscriptionId: resource.subscriptionId, resourceName: resource.name } : {};
  }

  /** The size of the resource's last restore point in the repository: what the next backup will likely move (sizes a worker VM). */
  private lastBackupSize(repositoryId: string | undefined, resourceId: string): number | undefined {
    if (!repositoryId) return undefined;
    const last = this.deps.restorePoints.list({ repositoryId, resourceId, limit: 1 })[0];
    return last?.sizeBytes ?? undefined;
  }

  private findCatalogued(repositoryId: string, idOrPrefix: string): RestorePointRecord | undefined {
    const matches = this.deps.restorePoints.findByIdPrefix(repositoryId, idOrPrefix, 2);
    if (matches.length > 1) throw new AppError('validation_failed', `Restore point prefix ${idOrPrefix} is ambiguous; give more characters.`, { field: 'restorePointId' });
    return matches[0];
  }

  private jobId(kind: string): string {
    return `${kind}-${this.deps.clock.now().getTime()}-${++this.jobCounter}`;
  }
}
