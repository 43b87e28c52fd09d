import type { Clock } from '../core/clock.ts';
import type { InventoryStore } from '../core/config-db/inventory-store.ts';
import { currentUserName, type RestoreAuditStore } from '../core/config-db/restore-audit-store.ts';
import type { ConfigDb } from '../core/config-db/open-database.ts';
import type { RestorePointsStore } from '../core/config-db/restore-points-store.ts';
import type { PolicyService } from '../core/policies/policy-service.ts';
import type { SessionManager } from '../core/sessions/session-manager.ts';
import type { AzureRestoreInput, RestorableAtView } from '../shared/azure-contract.ts';
import type { Session } from '../shared/session.ts';
import { runConfigurationSession, type ConfigurationOptions, type ConfigurationResult } from './configuration-session.ts';
import { runInventorySync, type InventorySyncOptions, type InventorySyncResult } from './inventory-sync.ts';
import { runClusterRestore, type ClusterRestoreRequest } from './pitr/cluster-restore.ts';
import { runCosmosAccountRestore, type CosmosAccountRestoreRequest, type RestoreDeps } from './pitr/cosmos-account-restore.ts';
import { runInAccountRestore, type InAccountRestoreRequest } from './pitr/in-account-restore.ts';
import { AzureRestoresStore } from './pitr/restores-store.ts';
import { listRestorableAt, type RestorableAtRequest } from './pitr/restorable-at.ts';
import { AppError } from '../shared/errors.ts';
import type { ArmConnector, ConnectOptions } from './sign-in/azure-connector.ts';
import { mongoAccountConnectionString } from './mongo-connection-string.ts';

/** Tuning (tests shorten the waits; the defaults suit Azure). */
export interface AzureServiceTuning {
  /** Accounts configured at once (default 128; the rate governor bounds the calls). */
  configurationConcurrency?: number;
  /** Calls in flight during a sync (default 6). */
  concurrency?: number;
  migrationPollMs?: number;
  migrationTimeoutMs?: number;
  /** Safety margin of restore timestamps. */
  restoreMarginMs?: number;
}

/**
 * The Azure control plane as sessions: inventory sync, configuration (continuous-backup
 * enforcement) and point-in-time restores. Each session gets its ARM clients from the connector,
 * so the same code runs against Azure, a sovereign cloud or the emulator.
 */
export class AzureService {
  readonly inventory: InventoryStore;
  readonly restorePoints: RestorePointsStore;
  readonly restores: AzureRestoresStore;
  private readonly restoreAudit: RestoreAuditStore | undefined;
  readonly connector: ArmConnector;
  private readonly sessions: SessionManager;
  private readonly policies: PolicyService;
  private readonly clock: Clock;
  private readonly tuning: AzureServiceTuning;

  constructor(deps: { db: ConfigDb; inventory: InventoryStore; restorePoints: RestorePointsStore; sessions: SessionManager; policies: PolicyService; clock: Clock; connector: ArmConnector; tuning?: AzureServiceTuning; restoreAudit?: RestoreAuditStore }) {
    this.restoreAudit = deps.restoreAudit;
    this.inventory = deps.inventory;
    this.restorePoints = deps.restorePoints;
    this.restores = new AzureRestoresStore(deps.db);
    this.sessions = deps.sessions;
    this.policies = deps.policies;
    this.clock = deps.clock;
    this.connector = deps.connector;
    this.tuning = deps.tuning ?? {};
  }

  /** Starts an inventory sync session (subscriptions, accounts, clusters, restore-point records). */
  /**
   * The MongoDB connection string (with its account key) of a Cosmos DB for MongoDB RU account, for
   * one backup or restore job: never stored, logged or shown.
   */
  async mongoConnectionString(resourceId: string, options: ConnectOptions = {}): Promise<string> {
    const { arm } = await this.connector.connect(options);
    return mongoAccountConnectionString(arm, resourceId);
  }

  startSync(options: InventorySyncOptions & ConnectOptions = {}): Session {
    return this.sessions.start({ kind: 'sync', title: 'Azure inventory sync' }, async (ctx) => {
      const { arm } = await this.connector.connect(options);
      const r = await runInventorySync(this.syncDeps(arm), ctx, options);
      return { summary: syncSummary(r) };
    });
  }

  /**
   * The scheduled configuration session: one session that enforces the policies in every signed-in
   * cloud and tenant in turn. A tenant that fails is logged with what to do, and the others still run.
   */
  startScheduledConfiguration(): Session {
    const targets = this.connector.targets?.() ?? [{}];
    return this.sessions.start({ kind: 'configuration', title: targets.length > 1 ? `Azure configuration (${targets.length} signed-in tenants)` : 'Azure configuration' }, async (ctx) => {
      const summaries: string[] = [];
      const failures: string[] = [];
      for (const target of targets) {
        ctx.throwIfCanceled();
        const label = target.tenantId ? `tenant ${target.tenantId} (cloud profile ${target.cloudProfile})` : 'the AZURE_* service principal';
        try {
          const { arm, tenantId } = await this.connector.connect(target);
          if (targets.length > 1) ctx.info(`Configuring ${target.tenantId ? label : `tenant ${tenantId} (AZURE_* service principal)`}.`);
          const r = await runConfigurationSession({ arm, policies: () => this.policies.list(), concurrency: this.tuning.configurationConcurrency, migrationPollMs: this.tuning.migrationPollMs, migrationTimeoutMs: this.tuning.migrationTimeoutMs }, ctx, {});
          if (r.subscriptionIds.length) await runInventorySync(this.syncDeps(arm), ctx, { subscriptionIds: r.subscriptionIds });
          summaries.push(configurationSummary(r));
        } catch (error) {
          if (ctx.signal.aborted) throw error;
          failures.push(label);
          ctx.error(`Configuration of ${label} failed: ${(error as Error).message} Sign in to it again (cosmos-backup azure login), or sign it out (azure logout) if it is no longer used.`);
        }
      }
      if (failures.length === targets.length) throw new AppError('unavailable', `Configuration failed for every signed-in tenant (${failures.join(', ')}).`);
      return { summary: `${summaries.join('; ')}${failures.length ? `; failed: ${failures.join(', ')}` : ''}` };
    });
  }

  /**
   * Starts a configuration session: enforce the policies' continuous-backup tiers, then sync the
   * catalog so restore-point records reflect the new state.
   */
  startConfiguration(options: ConfigurationOptions & ConnectOptions & { sync?: boolean } = {}): Session {
    const only = options.policy ? this.policies.get(options.policy) : null;
    return this.sessions.start({ kind: 'configuration', title: only ? `Azure configuration (policy ${only.name})` : 'Azure configuration', policyId: only?.id ?? null }, async (ctx) => {
      const { arm } = await this.connector.connect(options);
      const r = await runConfigurationSession(
        { arm, policies: () => this.policies.list(), concurrency: this.tuning.configurationConcurrency, migrationPollMs: this.tuning.migrationPollMs, migrationTimeoutMs: this.tuning.migrationTimeoutMs },
        ctx,
        options,
      );
      let synced: InventorySyncResult | null = null;
      if (options.sync !== false && r.subscriptionIds.length) {
        ctx.info('Synchronizing the catalog and restore-point records.');
        synced = await runInventorySync(this.syncDeps(arm), ctx, { subscriptionIds: r.subscriptionIds });
      }
      return { summary: `${configurationSummary(r)}${synced ? `; ${synced.restorePointRecords} restore-point record(s)` : ''}` };
    });
  }

  startAccountRestore(request: CosmosAccountRestoreRequest, options: ConnectOptions = {}): Session {
    return this.sessions.start({ kind: 'restore', title: `Point-in-time restore into ${request.targetName}`, resourceId: request.source.resourceId ?? null }, async (ctx) => {
      this.recordRestore(ctx.sessionId, `Point-in-time restore into ${request.targetName}`, request.reason);
      const { arm } = await this.connector.connect(options);
      const r = await runCosmosAccountRestore(this.restoreDeps(arm), ctx, request);
      return { summary: `Restored into ${r.targetResourceId}` };
    });
  }

  startInAccountRestore(request: InAccountRestoreRequest, options: ConnectOptions = {}): Session {
    const what = request.child ? `${request.database}/${request.child}` : request.database;
    return this.sessions.start({ kind: 'restore', title: `In-account restore of ${what}`, resourceId: request.accountId }, async (ctx) => {
      this.recordRestore(ctx.sessionId, `In-account restore of ${what}`, request.reason);
      const { arm } = await this.connector.connect(options);
      const r = await runInAccountRestore(this.restoreDeps(arm), ctx, request);
      return { summary: `Restored ${r.targetResourceId}` };
    });
  }

  /** What an account held at a time, and what of it is deleted now (the restore wizard's choices; no session: a quick read). */
  async restorableAt(request: RestorableAtRequest, options: ConnectOptions = {}): Promise<RestorableAtView> {
    const { arm } = await this.connector.connect(options);
    return listRestorableAt({ arm, restorePoints: this.restorePoints, now: this.clock.now() }, request);
  }

  startClusterRestore(request: ClusterRestoreRequest, options: ConnectOptions = {}): Session {
    return this.sessions.start({ kind: 'restore', title: `Point-in-time restore into ${request.targetName}`, resourceId: request.sourceResourceId }, async (ctx) => {
      this.recordRestore(ctx.sessionId, `Point-in-time restore into ${request.targetName}`, request.reason);
      const { arm } = await this.connector.connect(options);
      const r = await runClusterRestore(this.restoreDeps(arm), ctx, request);
      return { summary: `Restored into ${r.targetResourceId}` };
    });
  }

  /** Starts the restore the console's wizard describes (the contract's `azure.restorePitr`). */
  /** Records a point-in-time restore in the restore audit (who, what, when, why) before it changes anything. */
  private recordRestore(sessionId: string, what: string, reason: string): void {
    this.restoreAudit?.record({ sessionId, kind: 'point-in-time', what, reason, requestedBy: currentUserName(), createdAt: this.clock.now().toISOString() });
  }

  startRestore(input: AzureRestoreInput): Session {
    const connect = { cloudProfile: input.cloudProfile, tenantId: input.tenantId };
    const timestamp = new Date(input.timestamp);
    if (input.kind === 'in-account') return this.startInAccountRestore({ accountId: input.accountId, database: input.database, child: input.child, timestamp, reason: input.reason }, connect);
    if (input.kind === 'cluster') return this.startClusterRestore({ sourceResourceId: input.sourceResourceId, targetName: input.targetName, targetResourceGroup: input.targetResourceGroup, timestamp, reason: input.reason }, connect);
    return this.startAccountRestore(
      {
        source: { resourceId: input.sourceResourceId, restorePointId: input.restorePointId },
        targetName: input.targetName,
        targetResourceGroup: input.targetResourceGroup,
        targetSubscriptionId: input.targetSubscriptionId,
        region: input.region,
        timestamp,
        selection: input.selection,
        disableTtl: input.disableTtl,
        disablePublicNetworkAccess: input.disablePublicNetworkAccess,
        reason: input.reason,
      },
      connect,
    );
  }

  private syncDeps(arm: Parameters<typeof runInventorySync>[0]['arm']) {
    return { arm, inventory: this.inventory, restorePoints: this.restorePoints, policies: () => this.policies.list(), clock: this.clock, concurrency: this.tuning.concurrency };
  }

  private restoreDeps(arm: RestoreDeps['arm']): RestoreDeps {
    return { arm, restorePoints: this.restorePoints, restores: this.restores, clock: this.clock, marginMs: this.tuning.restoreMarginMs };
  }
}

function syncSummary(r: InventorySyncResult): string {
  return `${r.subscriptions} subscription(s), ${r.accounts} account(s), ${r.deletedAccounts} deleted, ${r.postgresClusters} PostgreSQL, ${r.mongoClusters} MongoDB vCore; ${r.restorePointRecords} restore-point record(s)${r.failedSubscriptions || r.failedRecords ? `; ${r.failedSubscriptions + r.failedRecords} failure(s)` : ''}`;
}

function configurationSummary(r: ConfigurationResult): string {
  return `${r.governed} governed account(s): ${r.inPolicy} in policy, ${r.tierChanged} tier change(s), ${r.migrated} migrated, ${r.periodicReported} periodic reported, ${r.unsupported} unsupported, ${r.failed} failed`;
}
