import type { Clock } from '../../core/clock.ts';
import type { WorkerConfigurationsStore } from '../../core/config-db/worker-configurations-store.ts';
import type { WorkersStore } from '../../core/config-db/workers-store.ts';
import type { SecretStore } from '../../core/secrets/secret-store.ts';
import type { AgentBundleArchive } from '../../worker/agent-bundle/agent-bundle-archive.ts';
import type { JobSecrets, JobSpec } from '../../worker/protocol.ts';
import type { WorkerEvent, WorkerHandle, WorkerLauncher, WorkerPlacement } from '../../worker/worker-launcher.ts';
import { AppError } from '../../shared/errors.ts';
import type { ArmClients } from '../arm-clients.ts';
import type { ArmConnector } from '../sign-in/azure-connector.ts';
import { mailboxAccountOf } from '../../worker/mailbox/mailbox-account.ts';
import type { AzureVmTuning, VmWorkerConfiguration } from './azure-vm-launcher.ts';
import { CapacityMemory } from './vm-sizing.ts';
import { WorkerNetworks } from './worker-network.ts';

export interface WorkerPlacementRouterDeps {
  /** The "this computer" worker. */
  local: WorkerLauncher;
  connector: ArmConnector;
  configurations: WorkerConfigurationsStore;
  workers: WorkersStore;
  clock: Clock;
  installationId: () => string;
  /** The `workerDefault` setting: where a region without a worker configuration runs its jobs. */
  defaultWorker: () => 'azure' | 'this-computer';
  /** The `workerJobTimeoutHours` setting, in seconds. */
  jobTimeoutSeconds: () => number;
  bundle: () => Promise<AgentBundleArchive>;
  /** Keeps each job's mailbox token (re-attaching after the app went away). */
  secrets?: SecretStore;
  tuning?: AzureVmTuning;
}

/** Where a job runs, and why when it is not where the admin might expect. */
export type WorkerChoice = { where: 'this-computer'; reason?: string } | { where: 'azure'; configuration?: VmWorkerConfiguration };

/** Prefixes a handle's events with a few log lines (why the job runs where it runs). */
function withNotes(handle: WorkerHandle, notes: WorkerEvent[]): WorkerHandle {
  if (!notes.length) return handle;
  return {
    result: handle.result,
    released: handle.released,
    events: (async function* () {
      yield* notes;
      yield* handle.events;
    })(),
  };
}

/**
 * Chooses, per job, where it runs — the one place that decides: the region's worker
 * configuration if there is one (a VM in the admin's subnet, or this computer), else the
 * `workerDefault` setting (a VM in auto mode, or this computer). Jobs a VM cannot run go to this
 * computer, and the session says why: no Azure region (a server given by URI), a repository in a
 * local folder or reached with a SAS token, a restore into a folder.
 */
export class WorkerPlacementRouter implements WorkerLauncher {
  private readonly deps: WorkerPlacementRouterDeps;
  private readonly capacity = new CapacityMemory();
  private readonly networks = new WeakMap<ArmClients, WorkerNetworks>();

  constructor(deps: WorkerPlacementRouterDeps) {
    this.deps = deps;
  }

  choose(job: JobSpec, secrets: JobSecrets, placement: WorkerPlacement): WorkerChoice {
    const configuration = placement.region ? this.deps.configurations.forRegion(placement.region) : undefined;
    if (configuration?.kind === 'this-computer') return { where: 'this-computer', reason: `Worker configuration "${configuration.name}" runs ${configuration.region} jobs on this computer.` };
    if (!configuration && this.deps.defaultWorker() === 'this-computer') return { where: 'this-computer' };
    if (!placement.region) return { where: 'this-computer', reason: 'Runs on this computer: the data is not an Azure resource of the inventory (no region to place a worker VM in).' };
    if (job.kind === 'restore' && job.target.kind === 'folder') return { where: 'this-computer', reason: 'Runs on this computer: a restore into a folder writes to this computer.' };
    if (!mailboxAccountOf(job, secrets)) {
      return { where: 'this-computer', reason: 'Runs on this computer: worker VMs reach the repository through its storage account key, and this repository is a local folder or is opened with a SAS token.' };
    }
    if (!configuration) {
      if (!placement.subscriptionId) return { where: 'this-computer', reason: 'Runs on this computer: the subscription of the data is not known.' };
      return { where: 'azure' };
    }
    const subnetId = configuration.subnetId as string;
    const subscriptionId = configuration.subscriptionId ?? (/^\/subscriptions\/([^/]+)\//i.exec(subnetId)?.[1] as string);
    return {
      where: 'azure',
      configuration: {
        id: configuration.id,
        name: configuration.name,
        region: configuration.region,
        subscriptionId,
        resourceGroup: configuration.resourceGroup ?? (/\/resourceGroups\/([^/]+)\//i.exec(subnetId)?.[1] as string),
        subnetId,
        vmSizes: configuration.vmSizes,
        tags: configuration.tags,
        keepWarmMinutes: configuration.keepWarmMinutes,
      },
    };
  }

  async launch(job: JobSpec, secrets: JobSecrets, signal: AbortSignal, placement: WorkerPlacement = {}): Promise<WorkerHandle> {
    const choice = this.choose(job, secrets, placement);
    if (choice.where === 'this-computer') {
      const handle = await this.deps.local.launch(job, secrets, signal, placement);
      return withNotes(handle, choice.reason ? [{ type: 'log', level: 'info', message: choice.reason }] : []);
    }
    let connection;
    try {
      connection = await this.deps.connector.connect();
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'unauthorized') throw error;
      // Protection goes on without a sign-in (an expired one at 3 a.m.): the job runs here, and says so.
      const handle = await this.deps.local.launch(job, secrets, signal, placement);
      return withNotes(handle, [{ type: 'log', level: 'warn', message: `Runs on this computer: no worker VM can be created in ${placement.region ?? 'the data’s region'} because ${error.message}` }]);
    }
    const { arm } = connection;
    // Loaded on first use: the compute, network and Blob SDKs cost time every CLI command would pay.
    const { AzureVmLauncher } = await import('./azure-vm-launcher.ts');
    let networks = this.networks.get(arm);
    if (!networks) {
      networks = new WorkerNetworks(arm, this.deps.installationId());
      this.networks.set(arm, networks);
    }
    const launcher = new AzureVmLauncher({
      arm,
      networks,
      workers: this.deps.workers,
      clock: this.deps.clock,
      capacity: this.capacity,
      installationId: this.deps.installationId(),
      bundle: this.deps.bundle,
      configuration: choice.configuration,
      secrets: this.deps.secrets,
      tuning: { jobTimeoutSeconds: this.deps.jobTimeoutSeconds(), ...this.deps.tuning },
    });
    return launcher.launch(job, secrets, signal, placement);
  }
}
