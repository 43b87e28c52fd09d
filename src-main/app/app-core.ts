import { PriceService } from '../core/prices/price-service.ts';
import { join } from 'node:path';
import type { AppInfo } from '../shared/contract.ts';
import type { Session } from '../shared/session.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { openConfigDatabase, type ConfigDb } from '../core/config-db/open-database.ts';
import { PoliciesStore } from '../core/config-db/policies-store.ts';
import { RepositoriesStore } from '../core/config-db/repositories-store.ts';
import { RestorePointsStore } from '../core/config-db/restore-points-store.ts';
import { InventoryStore } from '../core/config-db/inventory-store.ts';
import { SessionsStore } from '../core/config-db/sessions-store.ts';
import { SettingsStore } from '../core/config-db/settings-store.ts';
import { TouchedTargetsStore, halfRestoredMessage } from '../core/config-db/touched-targets-store.ts';
import { prepareDataDir } from '../core/data-dir.ts';
import { PolicyService } from '../core/policies/policy-service.ts';
import { runEnvironmentCheck } from '../core/sessions/environment-check.ts';
import { SessionManager, type CloseReport } from '../core/sessions/session-manager.ts';
import { UnsavedRecordsJournal } from '../core/sessions/unsaved-records.ts';
import { LogWatchHub } from '../core/api/log-watch-hub.ts';
import { createHandlers } from './handlers.ts';
import type { Handlers } from '../core/api/dispatcher.ts';
import { APP_VERSION } from '../core/version.ts';
import { RepositoryCatalog } from '../core/repositories/repository-catalog.ts';
import type { SecretStore } from '../core/secrets/secret-store.ts';
import { EncryptedFileSecretStore } from '../core/secrets/encrypted-file-secret-store.ts';
import { KeyFileProvider } from '../core/secrets/key-file-provider.ts';
import { isRepositoryBackedUp } from '../core/jobs/resource-source.ts';
import { AzureService, type AzureServiceTuning } from '../azure/azure-service.ts';
import { AzureConnector, type ArmConnector } from '../azure/sign-in/azure-connector.ts';
import { AzureSignIns } from '../azure/sign-in/sign-in.ts';
import { RestoreAuditStore } from '../core/config-db/restore-audit-store.ts';
import { ConfigurationScheduler } from '../azure/configuration-scheduler.ts';
import { isFinalStatus } from '../shared/session.ts';
import { WorkerJobs } from '../core/jobs/worker-jobs.ts';
import { RepositoryJobs } from '../core/jobs/repository-jobs.ts';
import { ResourceLogins } from '../core/jobs/resource-logins.ts';
import { PolicyRuns, type PolicyRunsDeps } from '../core/jobs/policy-runs.ts';
import { HealthChecks } from '../core/jobs/health-checks.ts';
import { SmtpMailer, SMTP_PASSWORD_REF } from '../core/notifications/mailer.ts';
import { EmailNotifier } from '../core/notifications/email-notifier.ts';
import { PolicyScheduler, type PolicyScheduleView } from '../core/scheduling/policy-scheduler.ts';
import { planCoverage } from '../core/scheduling/coverage-plan.ts';
import { PolicyScheduleStore } from '../core/config-db/policy-schedule-store.ts';
import { LocalWorkerLauncher } from '../worker/local-launcher.ts';
import { agentBundleArchive } from '../worker/agent-bundle/agent-bundle-archive.ts';
import { WorkerConfigurationsStore } from '../core/config-db/worker-configurations-store.ts';
import { WorkersStore } from '../core/config-db/workers-store.ts';
import { WorkerPlacementRouter } from '../azure/workers/worker-placement-router.ts';
import { WorkersService } from '../azure/workers/workers-service.ts';
import { StorageAccountLocator } from '../azure/workers/storage-account-locator.ts';
import type { AzureVmTuning } from '../azure/workers/azure-vm-launcher.ts';
import { randomUUID } from 'node:crypto';
import type { WorkerLauncherFactory } from '../worker/worker-launcher.ts';

export interface AppCoreOptions {
  dataDir: string;
  clock?: Clock;
  /** Probe timeout of the environment check (tests shorten it). */
  probeTimeoutMs?: number;
  sessionHeartbeatMs?: number;
  /** Default: an encrypted file in the data folder with a user-only key file. */
  secrets?: SecretStore;
  /** Where Azure sessions get their ARM clients (default: sign-ins and AZURE_* variables). */
  azureConnector?: ArmConnector;
  azureTuning?: AzureServiceTuning;
  /** Chooses a worker launcher per job (default: the placement router: a VM in the data's region, or this computer, as the worker configurations and settings say). */
  launcherFor?: WorkerLauncherFactory;
  /** Waits of worker VM jobs (tests shorten them). */
  workerTuning?: AzureVmTuning;
  /** Policy runs' parallelism and retry waits (tests shorten the waits). */
  policyRunTuning?: Pick<PolicyRunsDeps, 'parallelism' | 'retryDelayMs'>;
}

/**
 * The composition root (the only module that knows every part): opens the data folder and config DB, wires every service with
 * its dependencies, closes sessions a crashed process left behind, and exposes the handlers both
 * transports serve. Plain Node: the Electron shell, the CLI and the headless service all build on it.
 */
export class AppCore {
  readonly dataDir: string;
  readonly clock: Clock;
  readonly db: ConfigDb;
  readonly sessions: SessionManager;
  readonly policies: PolicyService;
  readonly repositories: RepositoriesStore;
  readonly restorePoints: RestorePointsStore;
  readonly inventory: InventoryStore;
  readonly settings: SettingsStore;
  readonly logWatch: LogWatchHub;
  readonly handlers: Handlers;
  readonly secrets: SecretStore;
  readonly repositoryCatalog: RepositoryCatalog;
  readonly azureSignIns: AzureConnector;
  /** Who restored what, when and why. */
  readonly restoreAudit: RestoreAuditStore;
  /** List prices for cost estimates (Azure's Retail Prices API, else the bundled table). */
  readonly prices: PriceService;
  /** Sign-ins started from the console (as sessions), listed and signed out. */
  readonly signIns: AzureSignIns;
  readonly azure: AzureService;
  /** Target databases restores touched, half-restored until a restore of them succeeds. */
  readonly touchedTargets: TouchedTargetsStore;
  /** Backups and restores on workers: the one home of those use cases. */
  readonly workerJobs: WorkerJobs;
  /** Worker configurations (one per region) and the worker VMs the app created. */
  readonly workerConfigurations: WorkerConfigurationsStore;
  readonly workers: WorkersStore;
  /** Decides where each job runs (a VM in the data's region, or this computer). */
  readonly workerRouter: WorkerPlacementRouter;
  /** Worker configurations and worker VMs: the CLI's `worker` commands and the console's Workers view. */
  readonly workersService: WorkersService;
  /** Copy, archive, rehydrate, retention and prune: the one home of those use cases. */
  readonly repositoryJobs: RepositoryJobs;
  /** Database logins per Azure resource (sealed in the secret store), for scheduled backups. */
  readonly resourceLogins: ResourceLogins;
  /** Policy runs: one parent session per run, a backup task per resource, retries, retention. */
  readonly policyRuns: PolicyRuns;
  /** Starts policy runs when their schedules are due (missed runs become one catch-up run). */
  readonly policyScheduler: PolicyScheduler;
  /** Weekly health checks of the repositories a policy writes to. */
  readonly healthChecks: HealthChecks;
  /** E-mail over SMTP (settings smtp*, email*; the password in the secret store). */
  readonly mailer: SmtpMailer;
  /** E-mails the ends of scheduled work and the daily report, as the settings say. */
  readonly emailNotifier: EmailNotifier;
  private readonly probeTimeoutMs: number | undefined;

  private constructor(options: AppCoreOptions, db: ConfigDb) {
    this.dataDir = options.dataDir;
    this.clock = options.clock ?? systemClock;
    this.db = db;
    this.probeTimeoutMs = options.probeTimeoutMs;
    this.secrets = options.secrets ?? new EncryptedFileSecretStore(join(options.dataDir, 'secrets.enc'), new KeyFileProvider(join(options.dataDir, 'secret.key')));
    this.settings = new SettingsStore(db);
    this.repositories = new RepositoriesStore(db);
    this.restorePoints = new RestorePointsStore(db);
    this.inventory = new InventoryStore(db);
    this.touchedTargets = new TouchedTargetsStore(db);
    this.restoreAudit = new RestoreAuditStore(db);
    this.prices = new PriceService({ clock: this.clock });
    this.sessions = new SessionManager({
      store: new SessionsStore(db),
      clock: this.clock,
      heartbeatMs: options.sessionHeartbeatMs,
      // A restore lost with its process still names every database it left half-restored.
      interruptedNotes: (session) => (session.kind === 'restore' ? this.touchedTargets.halfRestoredBy(session.id).map((t) => `${halfRestoredMessage(t)}.`) : []),
      journal: new UnsavedRecordsJournal(options.dataDir),
    });
    this.policies = new PolicyService({ store: new PoliciesStore(db), repositories: this.repositories, clock: this.clock });
    this.logWatch = new LogWatchHub(this.sessions);
    this.azureSignIns = new AzureConnector({ db, secrets: this.secrets, clock: this.clock });
    this.signIns = new AzureSignIns({ connector: this.azureSignIns, sessions: this.sessions });
    this.azure = new AzureService({ db, sessions: this.sessions, policies: this.policies, clock: this.clock, inventory: this.inventory, restorePoints: this.restorePoints, connector: options.azureConnector ?? this.azureSignIns, tuning: options.azureTuning, restoreAudit: this.restoreAudit });
    this.repositoryCatalog = new RepositoryCatalog({ sessions: this.sessions, repositories: this.repositories, restorePoints: this.restorePoints, clock: this.clock, secrets: this.secrets });
    const localLauncher = new LocalWorkerLauncher();
    this.workerConfigurations = new WorkerConfigurationsStore(db);
    this.workers = new WorkersStore(db);
    this.workerRouter = new WorkerPlacementRouter({
      local: localLauncher,
      connector: options.azureConnector ?? this.azureSignIns,
      configurations: this.workerConfigurations,
      workers: this.workers,
      clock: this.clock,
      installationId: () => this.installationId(),
      defaultWorker: () => this.settings.get('workerDefault'),
      jobTimeoutSeconds: () => this.settings.get('workerJobTimeoutHours') * 3600,
      bundle: () => agentBundleArchive(),
      secrets: this.secrets,
      tuning: options.workerTuning,
    });
    this.workerJobs = new WorkerJobs({
      sessions: this.sessions,
      catalog: this.repositoryCatalog,
      repositories: this.repositories,
      restorePoints: this.restorePoints,
      inventory: this.inventory,
      touchedTargets: this.touchedTargets,
      restoreAudit: this.restoreAudit,
      secrets: this.secrets,
      clock: this.clock,
      launcherFor: options.launcherFor ?? (() => this.workerRouter),
      mongoAccountConnectionString: (resourceId) => this.azure.mongoConnectionString(resourceId),
      mongoMaxDocumentsPerSecond: () => this.settings.get('mongoMaxDocumentsPerSecond'),
    });
    this.workersService = new WorkersService({
      configurations: this.workerConfigurations,
      workers: this.workers,
      connector: options.azureConnector ?? this.azureSignIns,
      sessions: this.sessions,
      clock: this.clock,
      installationId: () => this.installationId(),
      secrets: this.secrets,
      catalog: this.repositoryCatalog,
      workerJobs: this.workerJobs,
      subscriptions: () => this.inventory.listSubscriptions().map((s) => s.id),
      prices: this.prices,
    });
    const storageAccounts = new StorageAccountLocator({ connector: options.azureConnector ?? this.azureSignIns, subscriptions: () => this.inventory.listSubscriptions().map((s) => s.id) });
    this.repositoryJobs = new RepositoryJobs({
      sessions: this.sessions,
      catalog: this.repositoryCatalog,
      repositories: this.repositories,
      restorePoints: this.restorePoints,
      clock: this.clock,
      // Archive copies run on a worker in the target repository's region (when it can be found).
      copyPlacement: (target) => storageAccounts.placementOf(target),
      launcherFor: options.launcherFor ?? (() => this.workerRouter),
    });
    this.resourceLogins = new ResourceLogins(this.secrets);
    this.policyRuns = new PolicyRuns({
      sessions: this.sessions,
      policies: this.policies,
      inventory: this.inventory,
      catalog: this.repositoryCatalog,
      workerJobs: this.workerJobs,
      repositoryJobs: this.repositoryJobs,
      logins: this.resourceLogins,
      clock: this.clock,
      ...options.policyRunTuning,
    });
    this.healthChecks = new HealthChecks({
      sessions: this.sessions,
      repositories: this.repositories,
      restorePoints: this.restorePoints,
      clock: this.clock,
      policies: this.policies,
      catalog: this.repositoryCatalog,
      samplePercent: () => this.settings.get('healthCheckSamplePercent'),
      workerJobs: this.workerJobs,
    });
    this.mailer = new SmtpMailer(() => this.settings.all(), () => this.secrets.get(SMTP_PASSWORD_REF));
    this.emailNotifier = new EmailNotifier({
      sessions: this.sessions,
      mailer: this.mailer,
      settings: () => this.settings.all(),
      clock: this.clock,
      inventory: this.inventory,
      restorePoints: this.restorePoints,
      repositories: this.repositories,
      policies: () => this.policies.list(),
      report: (message) => process.stderr.write(`cosmos-backup: ${message}\n`),
      lastReportDay: { get: () => this.settings.getState('dailyReportLastDay'), set: (day) => this.settings.setState('dailyReportLastDay', day, this.clock.now().toISOString()) },
    });
    this.policyScheduler = new PolicyScheduler({
      clock: this.clock,
      policies: () => this.policies.list(),
      state: new PolicyScheduleStore(db),
      start: (request) => this.policyRuns.start(request),
      runningSession: (policyId) => this.policyRuns.runningSession(policyId),
      startHealthCheck: (policyId, dueAt) => this.healthChecks.start(policyId, dueAt),
      paused: () => this.settings.get('schedulingPaused'),
    });
    this.handlers = createHandlers(this);
    this.configurationScheduler = new ConfigurationScheduler({
      clock: this.clock,
      intervalHours: () => this.settings.get('configurationIntervalHours'),
      paused: () => this.settings.get('schedulingPaused'),
      start: () => this.azure.startScheduledConfiguration(),
      isRunning: (id) => !isFinalStatus(this.sessions.get(id).status),
      ready: () => this.hasAzureSignIn() && this.policies.list().some((p) => p.enabled && p.continuousBackup?.enabled),
    });
  }

  /** Opens the core on a data folder. Throws AppError (data_dir_unusable, config_db_corrupt, config_db_too_new). */
  static open(options: AppCoreOptions): AppCore {
    prepareDataDir(options.dataDir);
    const db = openConfigDatabase(join(options.dataDir, 'config.db'));
    const core = new AppCore(options, db);
    core.sessions.writeJournaled();
    core.sessions.recoverInterrupted();
    core.sessions.startHeartbeat();
    return core;
  }

  /**
   * The scheduler of the configuration session (every `configurationIntervalHours`, 8 by default).
   * It waits while scheduling is paused, and while there is no Azure sign-in or no policy that
   * manages continuous backup, so an unconfigured app records no failing sessions.
   */
  readonly configurationScheduler: ConfigurationScheduler;

  private hasAzureSignIn(): boolean {
    return Boolean(process.env.AZURE_CLIENT_ID) || (this.db.prepare('SELECT COUNT(*) FROM sign_ins').pluck().get() as number) > 0;
  }

  /**
   * Starts the background work of a long-running process (the desktop app, the headless service):
   * the schedules, and following the sessions other processes run, so consoles see them live.
   */
  startScheduling(): void {
    this.configurationScheduler.run();
    this.policyScheduler.run();
    this.emailNotifier.start();
    this.sessions.watchOtherProcesses();
    this.pruneSessionHistory();
    this.historyTimer ??= setInterval(() => this.pruneSessionHistory(), 6 * 3600_000);
    this.historyTimer.unref();
    // Nothing created for workers is left to cost money: a sweep now (jobs that outlived the last
    // run are collected), then hourly; the desktop app also sweeps after the machine resumes.
    this.sweepWorkers('start');
    this.sweepTimer ??= setInterval(() => this.sweepWorkers('hourly'), 3600_000);
    this.sweepTimer.unref();
  }

  private sweepTimer: NodeJS.Timeout | undefined;

  /** Starts the worker sweep when the app is signed in to Azure and has had workers lately; returns its session, if any. */
  sweepWorkers(reason: string): Session | undefined {
    try {
      if (!this.hasAzureSignIn() || !this.workersService.sweepWorthwhile()) return undefined;
      return this.workersService.startSweep(reason);
    } catch (error) {
      process.stderr.write(`cosmos-backup: the worker sweep could not start: ${(error as Error).message}\n`);
      return undefined;
    }
  }

  appInfo(transport: AppInfo['transport']): AppInfo {
    return {
      version: APP_VERSION,
      dataDir: this.dataDir,
      transport,
      nodeVersion: process.versions.node,
      schedulingPaused: this.settings.get('schedulingPaused'),
    };
  }

  startEnvironmentCheck(): Session {
    return this.sessions.start({ kind: 'environment-check', title: 'Environment check' }, (ctx) =>
      runEnvironmentCheck({ db: this.db, dataDir: this.dataDir, repositories: this.repositories, probeTimeoutMs: this.probeTimeoutMs }, ctx),
    );
  }

  private historyTimer: NodeJS.Timeout | undefined;

  /** Applies the session-history setting: ended sessions older than `sessionLogRetentionDays` go, with their logs. */
  pruneSessionHistory(): number {
    try {
      return this.sessions.forgetEndedBefore(this.settings.get('sessionLogRetentionDays'));
    } catch {
      // A busy or read-only DB: the next round tries again.
      return 0;
    }
  }

  /**
   * Every policy's next runs and last result, with how many resources of the inventory it backs up
   * into its repository (PostgreSQL and MongoDB; what `schedule list` and the console show).
   */
  scheduleOverview(count = 3): (PolicyScheduleView & { resourceCount: number })[] {
    const clusters = this.inventory.listResources().filter((r) => !r.deleted && isRepositoryBackedUp(r));
    const coverage = planCoverage(clusters, this.policies.list(), this.clock.now().getTime(), 0);
    const counts = new Map(coverage.map((c) => [c.policyId, c.resourceIds.length]));
    return this.policyScheduler.list(count).map((view) => ({ ...view, resourceCount: counts.get(view.policyId) ?? 0 }));
  }

  /** Runs `fn` in one config DB transaction (all or nothing). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * Cancels running sessions, waits for them briefly, and closes the DB. Reports the session records
   * the DB refused (disk full): they wait in a journal for the next start.
   */
  /** This installation's id (made once): worker resources are tagged with it, so a sweep releases only its own. */
  installationId(): string {
    let id = this.settings.getState('installationId');
    if (!id) {
      id = randomUUID();
      this.settings.setState('installationId', id, this.clock.now().toISOString());
    }
    return id;
  }

  async close(): Promise<CloseReport> {
    this.configurationScheduler.stop();
    this.policyScheduler.stop();
    if (this.historyTimer) clearInterval(this.historyTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    const report = await this.sessions.close();
    // After the sessions: the end of work canceled by the shutdown is still mailed, then the DB closes.
    await this.emailNotifier.stop();
    this.db.close();
    return report;
  }
}
