import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import type { WorkerConfigurationsStore } from '../../core/config-db/worker-configurations-store.ts';
import type { WorkerRecord, WorkersStore } from '../../core/config-db/workers-store.ts';
import type { SessionManager } from '../../core/sessions/session-manager.ts';
import { AppError, describeZodIssues, validationError } from '../../shared/errors.ts';
import type { Session } from '../../shared/session.ts';
import { subnetParts, workerConfigurationInputSchema, type WorkerConfiguration, type WorkerConfigurationInput } from '../../shared/workers.ts';
import type { ArmConnector } from '../sign-in/azure-connector.ts';
import { workerTokenRef } from '../../core/config-db/workers-store.ts';
import type { WorkerJobs } from '../../core/jobs/worker-jobs.ts';
import type { RepositoryCatalog } from '../../core/repositories/repository-catalog.ts';
import type { SecretStore } from '../../core/secrets/secret-store.ts';
import { isFinalStatus } from '../../shared/session.ts';
import type { ArmClients } from '../arm-clients.ts';
import { vmHourlyUsd } from '../../shared/price-table.ts';
import { describePrices, type PriceService } from '../../core/prices/price-service.ts';
import { DEFAULT_WORKER_SIZES } from './vm-sizing.ts';
import { agentRunState, sweepWorkers } from './worker-sweep.ts';
import { WorkerNetworks } from './worker-network.ts';
import { deleteWorkerVm } from './worker-vm.ts';

/** A worker VM for people: the record plus what it costs. */
export interface WorkerView extends WorkerRecord {
  /** USD per hour while it runs (list price estimate), or null when the size is not in the table. */
  hourlyUsd: number | null;
  /** Where that figure comes from, in words (Azure's list price for the worker's region, or the bundled table and why). */
  pricesFrom: string | null;
}

/**
 * The worker use cases: worker configurations (one per region: the admin's subnet, sizes and tags,
 * or "this computer"), checked against Azure before they are kept; the worker VMs the app made and
 * releasing one by hand. The one home of `cosmos-backup worker …` and the console's Workers view.
 */
export class WorkersService {
  private readonly deps: {
    configurations: WorkerConfigurationsStore;
    workers: WorkersStore;
    connector: ArmConnector;
    sessions: SessionManager;
    clock: Clock;
    installationId: () => string;
    secrets: SecretStore;
    catalog: RepositoryCatalog;
    workerJobs: WorkerJobs;
    /** Subscriptions of the inventory (the sweep looks for tagged workers there). */
    subscriptions: () => string[];
    /** List prices by region, answered at once (the hourly cost of each worker). */
    prices: Pick<PriceService, 'known'>;
  };
  private sweeping: Session | undefined;

  constructor(deps: WorkersService['deps']) {
    this.deps = deps;
  }

  listConfigurations(): WorkerConfiguration[] {
    return this.deps.configurations.list();
  }

  /** A configuration by id or name. */
  configuration(ref: string): WorkerConfiguration {
    const found = this.deps.configurations.get(ref) ?? this.deps.configurations.byName(ref);
    if (!found) throw new AppError('not_found', `No worker configuration "${ref}".`, { field: 'name' });
    return found;
  }

  /**
   * Adds a configuration, or replaces the one named by `replaces`. For workers on Azure, the subnet
   * must exist and be in the configuration's region (checked with ARM now, so a wrong region or a
   * subnet in another region is refused before any job creates anything).
   */
  async save(input: WorkerConfigurationInput, replaces?: string): Promise<WorkerConfiguration> {
    const parsed = workerConfigurationInputSchema.safeParse(input);
    if (!parsed.success) throw validationError('The worker configuration', describeZodIssues(parsed.error));
    const value = parsed.data;
    const previous = replaces ? this.configuration(replaces) : undefined;
    const sameName = this.deps.configurations.byName(value.name);
    if (sameName && sameName.id !== previous?.id) throw new AppError('conflict', `A worker configuration is already named "${value.name}".`, { field: 'name' });
    const sameRegion = this.deps.configurations.forRegion(value.region);
    if (sameRegion && sameRegion.id !== previous?.id) throw new AppError('conflict', `Region ${value.region} already has worker configuration "${sameRegion.name}"; edit that one (one configuration per region).`, { field: 'region' });
    let subscriptionId: string | null = null;
    let resourceGroup: string | null = null;
    if (value.kind === 'azure' && value.subnetId) {
      const parts = subnetParts(value.subnetId) as { subscriptionId: string; resourceGroup: string };
      subscriptionId = parts.subscriptionId;
      resourceGroup = value.resourceGroup ?? parts.resourceGroup;
      const { arm } = await this.deps.connector.connect();
      await new WorkerNetworks(arm, this.deps.installationId()).configured({ name: value.name, subscriptionId, resourceGroup, subnetId: value.subnetId, region: value.region });
    }
    const now = this.deps.clock.now().toISOString();
    const saved: WorkerConfiguration = {
      id: previous?.id ?? randomUUID(),
      name: value.name,
      region: value.region,
      kind: value.kind,
      subscriptionId,
      resourceGroup,
      subnetId: value.kind === 'azure' ? (value.subnetId ?? null) : null,
      vmSizes: value.vmSizes,
      tags: value.tags,
      keepWarmMinutes: value.keepWarmMinutes,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    };
    this.deps.configurations.put(saved);
    return saved;
  }

  remove(ref: string): WorkerConfiguration {
    const found = this.configuration(ref);
    this.deps.configurations.remove(found.id);
    return found;
  }

  /** The sizes a configuration (or auto mode) tries, small to large. */
  sizesOf(configuration: WorkerConfiguration | undefined): string[] {
    return configuration?.vmSizes.length ? configuration.vmSizes : [...DEFAULT_WORKER_SIZES];
  }

  /** Live workers first (oldest first), then the most recent released ones. */
  listWorkers(limit = 100): WorkerView[] {
    const live = this.deps.workers.live();
    const history = this.deps.workers.recent(limit).filter((w) => w.state === 'released');
    return [...live, ...history].slice(0, limit).map((worker) => {
      if (!worker.size) return { ...worker, hourlyUsd: null, pricesFrom: null };
      const prices = this.deps.prices.known(worker.region);
      const hourlyUsd = vmHourlyUsd(worker.size, prices);
      return { ...worker, hourlyUsd, pricesFrom: hourlyUsd === null ? null : describePrices(prices) };
    });
  }

  /**
   * The orphan sweep as a session (at start, after resume, hourly; or by hand): see sweepWorkers.
   * One at a time: while one runs, its session is returned.
   */
  startSweep(reason: string): Session {
    if (this.sweeping && !isFinalStatus(this.deps.sessions.get(this.sweeping.id).status)) return this.sweeping;
    this.sweeping = this.deps.sessions.start({ kind: 'worker', title: `Worker sweep (${reason})` }, async (ctx) => {
      const { arm } = await this.deps.connector.connect();
      const report = await sweepWorkers(
        { arm, workers: this.deps.workers, clock: this.deps.clock, installationId: this.deps.installationId(), subscriptions: this.deps.subscriptions(), collect: (worker) => this.collect(arm, worker, ctx.sessionId) },
        ctx,
      );
      const parts = [
        `${report.released.length} worker VM(s) released`,
        ...(report.collected ? [`${report.collected} result(s) of jobs that outlived the app collected`] : []),
        ...(report.leftRunning.length ? [`${report.leftRunning.length} job(s) still running on their own`] : []),
        ...(report.networksRemoved.length ? [`auto network(s) removed: ${report.networksRemoved.join(', ')}`] : []),
      ];
      return { summary: `${parts.join('; ')}.` };
    });
    return this.sweeping;
  }

  /** Whether a sweep has anything to look at (live workers, or workers in the last two days whose auto network may linger). */
  sweepWorthwhile(): boolean {
    if (this.deps.workers.live().length) return true;
    const last = this.deps.workers.recent(1)[0];
    return last !== undefined && this.deps.clock.now().getTime() - Date.parse(last.releasedAt ?? last.lastSeenAt) < 2 * 86_400_000;
  }

  /**
   * Re-attaches to the mailbox of a job whose app went away: a backup's restore point is catalogued,
   * any other result is told; a job still running is left to finish on its own.
   */
  private async collect(arm: ArmClients, worker: WorkerRecord, sessionId: string): Promise<{ stillRunning: boolean; message: string }> {
    const mailbox = worker.mailbox;
    const token = await this.deps.secrets.get(workerTokenRef(worker.id));
    if (!mailbox?.repository || !token) return { stillRunning: false, message: `Worker ${worker.id}: its mailbox cannot be read any more (no token kept); its job is lost.` };
    const { access } = await this.deps.catalog.resolve(mailbox.repository, {});
    if (access.credentials?.kind !== 'sharedKey') return { stillRunning: false, message: `Worker ${worker.id}: the account key of its repository is no longer known; its job is lost.` };
    // Loaded on use: the Blob SDK costs time every CLI command would pay.
    const { AppMailbox } = await import('../../worker/mailbox/app-mailbox.ts');
    const box = AppMailbox.reopen({ blobEndpoint: mailbox.blobEndpoint, accountName: mailbox.accountName, accountKey: access.credentials.accountKey }, { container: mailbox.container, url: '', token, jobId: mailbox.jobId, expiresOn: new Date(mailbox.expiresOn) });
    const result = await box.result();
    if (!result) {
      const state = await agentRunState(arm, worker);
      if (state === 'Running' || state === 'Pending') return { stillRunning: true, message: `Worker ${worker.id}: job ${mailbox.jobId} still runs on its own; a later sweep collects its result.` };
      await box.remove().catch(() => undefined);
      return { stillRunning: false, message: `Worker ${worker.id}: job ${mailbox.jobId} ended without a result (Run Command ${state}); no restore point was written.` };
    }
    await box.remove().catch(() => undefined);
    await this.deps.secrets.delete(workerTokenRef(worker.id));
    if (!result.ok) return { stillRunning: false, message: `Worker ${worker.id}: job ${mailbox.jobId} failed while the app was away: ${result.error.message}` };
    if (result.outcome.kind === 'copy') {
      return { stillRunning: false, message: `Worker ${worker.id}: the archive copy ${mailbox.jobId} finished while the app was away as restore point ${result.outcome.targetRestorePointId.slice(0, 12)}; a rescan of repository ${mailbox.repository} lists it in the catalog.` };
    }
    if (result.outcome.kind !== 'backup') return { stillRunning: false, message: `Worker ${worker.id}: the restore ${mailbox.jobId} finished while the app was away.` };
    const repository = this.deps.workerJobs.catalogCollectedBackup(mailbox.repository, access.password !== undefined, result.outcome, sessionId);
    return { stillRunning: false, message: `Worker ${worker.id}: the backup ${mailbox.jobId} finished while the app was away; restore point ${result.outcome.restorePointId.slice(0, 12)} is now in the catalog of repository "${repository}".` };
  }

  /** Deletes a worker VM (with its disk and NIC) in a session; its job, if one still runs there, fails with worker_lost. */
  release(id: string): Session {
    const worker = this.deps.workers.get(id);
    if (!worker) throw new AppError('not_found', `No worker ${id}.`, { field: 'id' });
    if (worker.state === 'released') throw new AppError('conflict', `Worker ${id} was already released on ${worker.releasedAt ?? 'an earlier day'}.`);
    return this.deps.sessions.start({ kind: 'worker', title: `Release worker VM ${worker.id} (${worker.region})` }, async (ctx) => {
      const { arm } = await this.deps.connector.connect();
      ctx.info(`Deleting VM ${worker.id} in resource group ${worker.resourceGroup} with its disk and network interface.`);
      this.deps.workers.update(worker.id, { state: 'releasing' });
      try {
        await deleteWorkerVm(arm, worker.subscriptionId, worker.resourceGroup, worker.id);
      } catch (error) {
        this.deps.workers.update(worker.id, { state: 'release-failed', note: `Release by hand failed: ${(error as Error).message}` });
        throw error;
      }
      this.deps.workers.update(worker.id, { state: 'released', releasedAt: this.deps.clock.now().toISOString(), note: 'Released by hand.' });
      return { summary: `Worker VM ${worker.id} is deleted.` };
    });
  }
}
