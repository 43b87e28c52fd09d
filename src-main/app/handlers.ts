import type { PriceService } from '../core/prices/price-service.ts';
import { AppError } from '../shared/errors.ts';
import type { EngineRestoreOptionsWithoutEngine } from '../engines/engine-schemas.ts';
import type { Handlers } from '../core/api/dispatcher.ts';
import type { AppInfo } from '../shared/contract.ts';
import type { Session } from '../shared/session.ts';
import type { AzureService } from '../azure/azure-service.ts';
import type { AzureSignIns } from '../azure/sign-in/sign-in.ts';
import { SMTP_PASSWORD_REF, type SmtpMailer } from '../core/notifications/mailer.ts';
import type { SecretStore } from '../core/secrets/secret-store.ts';
import type { RestoreAuditStore } from '../core/config-db/restore-audit-store.ts';
import type { Clock } from '../core/clock.ts';
import type { LogWatchHub } from '../core/api/log-watch-hub.ts';
import type { RestorePointsStore } from '../core/config-db/restore-points-store.ts';
import type { SettingsStore } from '../core/config-db/settings-store.ts';
import type { WorkerJobs } from '../core/jobs/worker-jobs.ts';
import type { RepositoryJobs } from '../core/jobs/repository-jobs.ts';
import type { PolicyRuns } from '../core/jobs/policy-runs.ts';
import type { ResourceLogins } from '../core/jobs/resource-logins.ts';
import type { TouchedTargetsStore } from '../core/config-db/touched-targets-store.ts';
import type { PolicyScheduler, PolicyScheduleView } from '../core/scheduling/policy-scheduler.ts';
import type { PolicyService } from '../core/policies/policy-service.ts';
import { previewPolicyCoverage } from '../core/policies/policy-preview.ts';
import { dashboardSummary } from '../core/jobs/dashboard-summary.ts';
import type { RepositoryCatalog } from '../core/repositories/repository-catalog.ts';
import type { SessionManager } from '../core/sessions/session-manager.ts';
import type { WorkersService } from '../azure/workers/workers-service.ts';
import type { WorkerConfiguration } from '../shared/workers.ts';

/** The services the handlers answer from (the composition root provides them). */
export interface HandlerServices {
  readonly clock: Clock;
  readonly sessions: SessionManager;
  readonly logWatch: LogWatchHub;
  readonly policies: PolicyService;
  readonly repositoryCatalog: RepositoryCatalog;
  readonly restorePoints: RestorePointsStore;
  readonly settings: SettingsStore;
  readonly azure: AzureService;
  readonly workerJobs: WorkerJobs;
  readonly repositoryJobs: RepositoryJobs;
  readonly policyRuns: PolicyRuns;
  readonly policyScheduler: PolicyScheduler;
  readonly resourceLogins: ResourceLogins;
  readonly touchedTargets: TouchedTargetsStore;
  readonly workersService: WorkersService;
  appInfo(transport: AppInfo['transport']): AppInfo;
  scheduleOverview(count?: number): (PolicyScheduleView & { resourceCount: number })[];
  startEnvironmentCheck(): Session;
  /** Runs `fn` in one config DB transaction (all or nothing). */
  transaction<T>(fn: () => T): T;
  readonly signIns: AzureSignIns;
  readonly restoreAudit: RestoreAuditStore;
  readonly prices: PriceService;
  readonly mailer: SmtpMailer;
  readonly secrets: SecretStore;
  readonly dataDir: string;
}


/** Maps every contract channel to the core service that answers it. Inputs arrive already validated. */
export function createHandlers(core: HandlerServices): Handlers {
  return {
    'app.info': (_input, client) => core.appInfo(client.transport),
    'sessions.list': (input) => core.sessions.list({ status: input.status, kind: input.kind, limit: input.limit ?? 200, before: input.before, parentId: input.parentId, resourceId: input.resourceId, policyId: input.policyId, after: input.after }),
    'sessions.get': (input) => core.sessions.get(input.id),
    'sessions.logs': (input) => core.sessions.logs(input.id, input.afterSeq ?? 0, input.limit ?? 5000, input.minLevel ?? 'debug'),
    'sessions.watch': (input, client) => {
      core.logWatch.watch(client, input.id, input.afterSeq ?? 0);
      return { watching: true as const };
    },
    'sessions.unwatch': (input, client) => {
      core.logWatch.unwatch(client, input.id);
      return { watching: false as const };
    },
    'sessions.cancel': (input) => core.sessions.cancel(input.id),
    'checks.environment': () => core.startEnvironmentCheck(),
    'dashboard.summary': async () =>
      dashboardSummary({
        inventory: core.azure.inventory,
        restorePoints: core.restorePoints,
        policies: core.policies.list(),
        sessions: core.sessions.list({ limit: 10_000 }),
        repositories: await core.repositoryCatalog.list(),
        sizeHistory: core.repositoryCatalog.sizeHistory(),
        configurationIntervalHours: core.settings.get('configurationIntervalHours'),
        upcoming: core.scheduleOverview(3).flatMap((view) => view.nextRuns.map((run) => ({ policyId: view.policyId, policyName: view.policyName, at: run.at.toISOString(), schedules: run.schedules }))).sort((a, b) => a.at.localeCompare(b.at)),
        now: core.clock.now(),
      }),
    'policies.list': () => core.policies.list(),
    'policies.get': (input) => core.policies.get(input.id),
    'policies.validate': (input) => {
      const result = core.policies.validate(input.policy);
      return { ok: result.ok, issues: result.issues };
    },
    'policies.save': (input) => core.policies.save(input.policy),
    'policies.import': (input) => core.policies.importMany(input.policies, (fn) => core.transaction(fn)),
    'policies.export': (input) => core.policies.exportAll(input.ids ?? []) as Record<string, unknown>[],
    'prices.get': (input) => core.prices.current(input.region),
    'policies.preview': (input) => previewPolicyCoverage(input.policy, { policies: core.policies.list(), inventory: core.azure.inventory }),
    'policies.run': (input) => core.policyRuns.start({ policyId: core.policies.get(input.id).id, schedules: [] }),
    'policies.setEnabled': (input) => core.policies.setEnabled(input.id, input.enabled),
    'schedules.list': () => core.scheduleOverview(3).map((view) => ({ ...view, nextRuns: view.nextRuns.map((run) => ({ at: run.at.toISOString(), schedules: run.schedules })) })),
    'resourceLogins.set': async (input) => {
      await core.resourceLogins.set(input.resourceId, { user: input.user, password: input.password });
      return { resourceId: input.resourceId, user: input.user };
    },
    'resourceLogins.status': async (input) => Promise.all(input.resourceIds.map(async (resourceId) => ({ resourceId, user: (await core.resourceLogins.get(resourceId))?.user ?? null }))),
    'policies.delete': (input) => {
      core.policies.delete(input.id);
      return { deleted: true as const };
    },
    'repositories.list': () => core.repositoryCatalog.list(),
    'repositories.add': (input) => core.repositoryCatalog.add({ ...input, create: input.create ?? false, encryption: input.encryption ?? 'aes-256-gcm', isArchive: input.isArchive ?? false }).session,
    'repositories.check': (input) => core.repositoryCatalog.startCheck(input.id, input.readData ?? false),
    'repositories.rescan': (input) => core.repositoryCatalog.startRescan(input.id),
    'restorePoints.list': (input) => core.restorePoints.list({ resourceId: input.resourceId, repositoryId: input.repositoryId, kind: input.kind, limit: input.limit }),
    'notifications.smtpPassword': async (input) => {
      if (input.password === null) await core.secrets.delete(SMTP_PASSWORD_REF);
      else await core.secrets.set(SMTP_PASSWORD_REF, input.password);
      return { kept: input.password !== null };
    },
    'notifications.status': async () => ({ smtpPasswordKept: (await core.secrets.get(SMTP_PASSWORD_REF)) !== undefined, configured: core.mailer.configured() }),
    'notifications.test': async () => ({ sentTo: await core.mailer.sendTest(core.dataDir) }),
    'azure.signIns': () => core.signIns.list(),
    'azure.signIn': (input) => core.signIns.start({ ...input, cloudProfile: input.cloudProfile ?? 'AzureCloud' }),
    'azure.signOut': async (input) => ({ removed: await core.signIns.signOut(input.cloudProfile, input.tenantId) }),
    'azure.subscriptions': () => core.azure.inventory.listSubscriptions().map(({ id, displayName, tenantId, state }) => ({ id, displayName, tenantId, state })),
    'azure.resources': (input) => core.azure.inventory.listResources({ includeDeleted: input.includeDeleted ?? false }),
    'azure.sync': (input) => core.azure.startSync({ cloudProfile: input.cloudProfile, tenantId: input.tenantId, subscriptionIds: input.subscriptionIds }),
    'azure.configure': (input) => core.azure.startConfiguration({ cloudProfile: input.cloudProfile, tenantId: input.tenantId, policy: input.policy }),
    'azure.restorePitr': (input) => core.azure.startRestore(input),
    'azure.restorableAt': (input) =>
      core.azure.restorableAt({ resourceId: input.resourceId, restorePointId: input.restorePointId, timestamp: input.timestamp ? new Date(input.timestamp) : undefined, restoreLocation: input.restoreLocation }, { cloudProfile: input.cloudProfile, tenantId: input.tenantId }),
    'restores.start': async (input) => {
      const repository = core.repositoryCatalog.require(input.repositoryId);
      const target = input.target;
      const started = await core.workerJobs.startRestore({
        repository: { ref: repository.id },
        restorePointId: input.restorePointId,
        requireCatalogued: true,
        reason: input.reason,
        databases: input.databases ?? [],
        target:
          target.kind === 'folder'
            ? target
            : {
                kind: 'database',
                uri: target.uri,
                password: target.password,
                databaseMap: target.databaseMap ?? {},
                clean: target.clean ?? false,
                // The target's engine takes its own options; the other engine's are refused, not dropped.
                options: restoreOptionsFor(target),
              },
      });
      return started.session;
    },
    'workers.configurations': () => core.workersService.listConfigurations().map((c) => configurationView(core.workersService, c)),
    'workers.saveConfiguration': async (input) => configurationView(core.workersService, await core.workersService.save(input.configuration, input.replaces)),
    'workers.removeConfiguration': (input) => {
      core.workersService.remove(input.id);
      return { removed: true as const };
    },
    'workers.list': () => core.workersService.listWorkers().map(({ mailbox: _mailbox, keepUntil: _keepUntil, ...worker }) => worker),
    'workers.release': (input) => core.workersService.release(input.id),
    'restores.audit': () =>
      core.restoreAudit.list().map((entry) => ({ ...entry, status: safeSession(core, entry.sessionId)?.status ?? null })),
    'restores.halfRestored': () => core.touchedTargets.halfRestored().map(({ sessionId, server, database, touchedAt }) => ({ sessionId, server, database, touchedAt })),
    'restorePoints.rehydrate': async (input) => {
      const repository = core.repositoryCatalog.require(input.repositoryId);
      const started = await core.repositoryJobs.rehydrate({ repository: { ref: repository.id }, restorePointId: input.restorePointId, priority: input.priority ?? 'Standard' });
      return started.session;
    },
    'backups.start': async (input) => {
      const repository = core.repositoryCatalog.require(input.repositoryId);
      const started = await core.workerJobs.startBackup({
        repository: { ref: repository.id },
        source: input.source.kind === 'server' ? { uri: input.source.uri, password: input.source.password } : { resourceId: input.source.resourceId, user: input.source.user, database: input.source.database, password: input.source.password },
        name: input.name,
        databases: input.databases ?? [],
        collections: input.collections ?? [],
        rememberDatabasePassword: input.rememberPassword ?? false,
      });
      return started.session;
    },
    'settings.get': () => core.settings.all(),
    'settings.update': (input) => core.settings.update(input.values, core.clock.now().toISOString()),
    'scheduling.setPaused': (input, client) => {
      core.settings.set('schedulingPaused', input.paused, core.clock.now().toISOString());
      return core.appInfo(client.transport);
    },
  };
}

/** A console restore target's engine options, by the URI's scheme; the other engine's options are refused. */
function restoreOptionsFor(target: { uri: string; noOwner?: boolean; collections?: string[]; collectionMap?: Record<string, string>; maxDocumentsPerSecond?: number }): EngineRestoreOptionsWithoutEngine {
  if (/^mongodb(\+srv)?:\/\//i.test(target.uri.trim())) {
    if (target.noOwner) throw new AppError('validation_failed', 'Object ownership applies to PostgreSQL targets only.', { field: 'target.noOwner' });
    return { collections: target.collections ?? [], collectionMap: target.collectionMap ?? {}, ...(target.maxDocumentsPerSecond ? { maxDocumentsPerSecond: target.maxDocumentsPerSecond } : {}) };
  }
  if (target.collections?.length || Object.keys(target.collectionMap ?? {}).length) throw new AppError('validation_failed', 'Collections apply to MongoDB targets only.', { field: 'target.collections' });
  if (target.maxDocumentsPerSecond) throw new AppError('validation_failed', 'A write budget in documents per second applies to MongoDB targets only.', { field: 'target.maxDocumentsPerSecond' });
  return { noOwner: target.noOwner ?? false };
}

/** A session by id, or undefined when its history was pruned. */
function safeSession(core: HandlerServices, id: string): Session | undefined {
  try {
    return core.sessions.get(id);
  } catch {
    return undefined;
  }
}

/** A worker configuration with the sizes it tries (its own, else the defaults). */
function configurationView(service: WorkersService, configuration: WorkerConfiguration) {
  return { ...configuration, effectiveSizes: configuration.kind === 'azure' ? service.sizesOf(configuration) : [] };
}
