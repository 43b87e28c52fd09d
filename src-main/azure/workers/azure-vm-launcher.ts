import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { workerTokenRef, type WorkerRecord, type WorkersStore } from '../../core/config-db/workers-store.ts';
import type { SecretStore } from '../../core/secrets/secret-store.ts';
import { createRedactor, type Redactor } from '../../engines/redact.ts';
import type { AgentBundleArchive } from '../../worker/agent-bundle/agent-bundle-archive.ts';
import { BOOTSTRAP_PARAMETERS, BOOTSTRAP_SCRIPT } from '../../worker/agent-bundle/bootstrap-script.ts';
import { stageAgentBundle } from '../../worker/agent-bundle/stage-agent-bundle.ts';
import { EventQueue } from '../../worker/event-queue.ts';
import { jobRedactor } from '../../worker/job-runner.ts';
import { AppMailbox, blobServiceOf } from '../../worker/mailbox/app-mailbox.ts';
import { mailboxAccountOf, type MailboxAccount } from '../../worker/mailbox/mailbox-account.ts';
import { MailboxTamperedError } from '../../worker/mailbox/mailbox-frames.ts';
import type { JobOutcome, JobSecrets, JobSpec, OutboundMessage } from '../../worker/protocol.ts';
import { PROTOCOL_VERSION, jobSpecSchema } from '../../worker/protocol.ts';
import { WorkerJobError, type WorkerHandle, type WorkerLauncher, type WorkerPlacement } from '../../worker/worker-launcher.ts';
import type { ArmClients } from '../arm-clients.ts';
import { DEFAULT_WORKER_SIZES, sizesToTry, type CapacityMemory } from './vm-sizing.ts';
import { AGENT_RUN_COMMAND, claimWorker, releaseClaim, workersInUse } from './workers-in-use.ts';
import { INSTALLATION_TAG, WORKER_TAG, type WorkerNetworks, type WorkerSubnet } from './worker-network.ts';
import { createWorkerVm, deleteWorkerVm, WorkerCapacityError } from './worker-vm.ts';

export { AGENT_RUN_COMMAND };

/** Waits and limits of a VM job (tests shorten them; the defaults suit Azure). */
export interface AzureVmTuning {
  /** How often the mailbox is read (default 500 ms). */
  pollMs?: number;
  /** How often the Run Command's state is checked (default 15 s). */
  statusEveryMs?: number;
  /** How long the agent may take to publish its key once the Run Command started (default 10 min: it downloads the bundle, may install the PostgreSQL client). */
  agentStartTimeoutMs?: number;
  /** The Run Command's timeout: the longest a job may run (default 12 h; at most 23 h, see the auto-shutdown). */
  jobTimeoutSeconds?: number;
  /** After a cancel, how long the agent may take to stop before the VM is released anyway (default 60 s). */
  cancelGraceMs?: number;
  /** Wait before the one retry of a failed release (default 10 s). */
  releaseRetryMs?: number;
  /** Diagnostics: keep the job's mailbox container after the job (default false: deleted with the VM). */
  keepMailbox?: boolean;
}

/** A worker configuration as the launcher uses it (the admin's subnet and sizes), or auto mode when absent. */
export interface VmWorkerConfiguration {
  id: string;
  name: string;
  region: string;
  subscriptionId: string;
  resourceGroup: string;
  subnetId: string;
  vmSizes: string[];
  tags: Record<string, string>;
  /** Keep-warm: minutes a released worker stays deallocated for the next job of this configuration (0: deleted). */
  keepWarmMinutes?: number;
}

export interface AzureVmLauncherDeps {
  arm: ArmClients;
  networks: WorkerNetworks;
  workers: WorkersStore;
  clock: Clock;
  capacity: CapacityMemory;
  installationId: string;
  /** The agent bundle to stage (built or taken from the cache). */
  bundle: () => Promise<AgentBundleArchive>;
  /** The region's worker configuration, when the admin set one. */
  configuration?: VmWorkerConfiguration;
  /** Keeps each job's mailbox token, so a job that outlives the app can be collected at the next start. */
  secrets?: SecretStore;
  tuning?: AzureVmTuning;
}

/** The auto-shutdown schedule of a worker VM (Azure names it so: one per VM). */
export const AUTO_SHUTDOWN_API = '2018-09-15';
export function autoShutdownPath(subscriptionId: string, resourceGroup: string, vmName: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.DevTestLab/schedules/shutdown-computevm-${vmName}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a job on a short-lived VM in the placement's region (docs/worker-protocol.md, "Workers on
 * Azure VMs"). It prepares the network (auto mode, or the region's worker configuration), stages
 * the agent bundle and creates the job's mailbox in the repository's storage account, creates the
 * VM (falling back along sizes and zones), starts the bootstrap with a managed Run Command, seals
 * the job's secrets to the agent's one-time key, relays the agent's frames, and deletes the VM with
 * its disk and NIC whatever happened. Every step is recorded in the config DB's worker records.
 */
export class AzureVmLauncher implements WorkerLauncher {
  private readonly deps: AzureVmLauncherDeps;

  constructor(deps: AzureVmLauncherDeps) {
    this.deps = deps;
  }

  async launch(job: JobSpec, secrets: JobSecrets, signal: AbortSignal, placement: WorkerPlacement = {}): Promise<WorkerHandle> {
    const checked = jobSpecSchema.safeParse(job);
    if (!checked.success) throw new WorkerJobError('invalid_job', `Invalid job: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    const account = mailboxAccountOf(job, secrets);
    if (!account) throw new WorkerJobError('worker_unavailable', 'A worker VM reaches the repository through its storage account key: this repository is not an Azure Blob repository opened with an account key. Run the job on this computer instead.');
    const region = placement.region ?? this.deps.configuration?.region;
    const subscriptionId = this.deps.configuration?.subscriptionId ?? placement.subscriptionId;
    if (!region || !subscriptionId) throw new WorkerJobError('worker_unavailable', 'A worker VM needs the region and subscription of the data; this job has none. Run it on this computer instead.');
    if (this.deps.configuration && this.deps.configuration.region !== region) {
      throw new WorkerJobError('invalid_placement', `Worker configuration "${this.deps.configuration.name}" is for ${this.deps.configuration.region}, not ${region}.`);
    }
    const queue = new EventQueue();
    let settle!: (outcome: { ok: true; value: JobOutcome } | { ok: false; error: WorkerJobError }) => void;
    const result = new Promise<JobOutcome>((resolve, reject) => {
      settle = (outcome) => (outcome.ok ? resolve(outcome.value) : reject(outcome.error));
    });
    result.catch(() => undefined);
    let markReleased!: () => void;
    const released = new Promise<void>((resolve) => (markReleased = resolve));
    const run = new VmJob(this.deps, job, secrets, signal, queue, account, region, subscriptionId, placement);
    void run.execute().then(
      (outcome) => {
        queue.close();
        markReleased();
        settle(outcome);
      },
      (error: unknown) => {
        queue.close();
        markReleased();
        settle({ ok: false, error: error instanceof WorkerJobError ? error : new WorkerJobError('worker_lost', (error as Error).message) });
      },
    );
    return { events: queue, result, released };
  }
}

/** One job on one VM, from provisioning to release. */
class VmJob {
  private readonly deps: AzureVmLauncherDeps;
  private readonly job: JobSpec;
  private readonly secrets: JobSecrets;
  private readonly signal: AbortSignal;
  private readonly queue: EventQueue;
  private readonly account: MailboxAccount;
  private readonly region: string;
  private readonly subscriptionId: string;
  private readonly placement: WorkerPlacement;
  private name = `cbw-${randomBytes(6).toString('hex')}`;
  /** The job failed in a way that makes its VM untrustworthy (lost, tampered mailbox): it is deleted, never kept warm. */
  private distrusted = false;
  private readonly tuning: Required<AzureVmTuning>;
  private redact: Redactor;
  private subnet: WorkerSubnet | undefined;
  private mailbox: AppMailbox | undefined;
  private vmCreated = false;
  private readonly startedAt: number;

  constructor(deps: AzureVmLauncherDeps, job: JobSpec, secrets: JobSecrets, signal: AbortSignal, queue: EventQueue, account: MailboxAccount, region: string, subscriptionId: string, placement: WorkerPlacement) {
    this.deps = deps;
    this.job = job;
    this.secrets = secrets;
    this.signal = signal;
    this.queue = queue;
    this.account = account;
    this.region = region;
    this.subscriptionId = subscriptionId;
    this.placement = placement;
    this.redact = jobRedactor(secrets);
    this.startedAt = deps.clock.monotonicMs();
    const t = deps.tuning ?? {};
    this.tuning = {
      pollMs: t.pollMs ?? 500,
      statusEveryMs: t.statusEveryMs ?? 15_000,
      agentStartTimeoutMs: t.agentStartTimeoutMs ?? 10 * 60_000,
      jobTimeoutSeconds: t.jobTimeoutSeconds ?? 12 * 3600,
      cancelGraceMs: t.cancelGraceMs ?? 60_000,
      releaseRetryMs: t.releaseRetryMs ?? 10_000,
      keepMailbox: t.keepMailbox ?? false,
    };
  }

  private seconds(since = this.startedAt): string {
    return `${((this.deps.clock.monotonicMs() - since) / 1000).toFixed(1)} s`;
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.queue.push({ type: 'log', level, message: this.redact(message) });
  }

  private lifecycle(phase: 'provisioning' | 'running' | 'releasing' | 'released', message: string): void {
    this.queue.push({ type: 'lifecycle', phase, message: this.redact(message) });
  }

  private get resourceGroup(): string {
    return this.subnet?.resourceGroup ?? this.deps.configuration?.resourceGroup ?? '';
  }

  private get vmId(): string {
    return `/subscriptions/${this.subscriptionId}/resourceGroups/${this.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${this.name}`;
  }

  private record(state: 'provisioning' | 'running' | 'releasing' | 'released' | 'release-failed', extra: { size?: string; note?: string } = {}): void {
    const now = this.deps.clock.now().toISOString();
    const existing = this.deps.workers.get(this.name);
    this.claim(this.name);
    if (!existing) {
      this.deps.workers.put({
        id: this.name,
        vmId: this.vmId,
        subscriptionId: this.subscriptionId,
        resourceGroup: this.resourceGroup,
        region: this.region,
        size: extra.size ?? null,
        configurationId: this.deps.configuration?.id ?? null,
        jobId: this.job.jobId,
        sessionId: this.placement.sessionId ?? null,
        state,
        mailbox: this.mailboxRecord(),
        createdAt: now,
        lastSeenAt: now,
        releasedAt: null,
        keepUntil: null,
        note: extra.note ?? null,
      });
      return;
    }
    this.deps.workers.update(this.name, { state, lastSeenAt: now, ...(extra.size ? { size: extra.size } : {}), ...(extra.note !== undefined ? { note: extra.note } : {}), ...(state === 'released' ? { releasedAt: now } : {}) });
  }

  /** Names this job holds in this process (the sweep leaves them alone). */
  private readonly claimed = new Set<string>();

  private claim(name: string): void {
    this.claimed.add(name);
    claimWorker(name);
  }

  private mailboxRecord() {
    if (!this.mailbox) return null;
    const { address } = this.mailbox;
    // The repository whose account holds the mailbox (a copy's target): its key reads the mailbox again after a restart.
    const repository = this.job.kind === 'copy' ? this.job.target.location : this.job.repository.location;
    return { blobEndpoint: this.account.blobEndpoint, accountName: this.account.accountName, container: address.container, jobId: this.job.jobId, expiresOn: address.expiresOn.toISOString(), repository, jobKind: this.job.kind };
  }

  async execute(): Promise<{ ok: true; value: JobOutcome } | { ok: false; error: WorkerJobError }> {
    let outcome: { ok: true; value: JobOutcome } | { ok: false; error: WorkerJobError };
    try {
      outcome = await this.provisionAndRun();
    } catch (error) {
      outcome = { ok: false, error: this.asJobError(error) };
    }
    try {
      await this.release();
    } finally {
      for (const name of this.claimed) releaseClaim(name);
      await this.deps.secrets?.delete(workerTokenRef(this.name)).catch(() => undefined);
    }
    return outcome;
  }

  private asJobError(error: unknown): WorkerJobError {
    if (error instanceof WorkerJobError) {
      if (error.code === 'worker_lost') this.distrusted = true;
      return new WorkerJobError(error.code, this.redact(error.message));
    }
    this.distrusted = true;
    if (error instanceof MailboxTamperedError) return new WorkerJobError('mailbox_tampered', `${error.message} The job was stopped and its worker released; nothing it reported after that was trusted.`);
    if (error instanceof WorkerCapacityError) return new WorkerJobError('worker_capacity', this.redact(error.message));
    if (this.signal.aborted) return new WorkerJobError('canceled', 'The job was canceled.');
    const e = error as { code?: string; message?: string };
    return new WorkerJobError('worker_lost', this.redact(`The worker VM could not be run: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`));
  }

  private throwIfCanceled(): void {
    if (this.signal.aborted) throw new WorkerJobError('canceled', 'The job was canceled before its worker started it.');
  }

  private async provisionAndRun(): Promise<{ ok: true; value: JobOutcome } | { ok: false; error: WorkerJobError }> {
    const { arm } = this.deps;
    const configuration = this.deps.configuration;
    const sizes = sizesToTry(this.placement.expectedBytes, configuration?.vmSizes.length ? configuration.vmSizes : DEFAULT_WORKER_SIZES);
    this.lifecycle('provisioning', `Preparing a worker VM in ${this.region} (${configuration ? `worker configuration "${configuration.name}"` : 'auto network'}; size ${sizes[0]}).`);
    const sasValidityMs = this.tuning.jobTimeoutSeconds * 1000 + 60 * 60_000;
    const [subnet, staged, mailbox] = await Promise.all([
      configuration ? this.deps.networks.configured(configuration) : this.deps.networks.auto(this.subscriptionId, this.region, (message) => this.log('info', message)),
      this.deps.bundle().then((archive) => stageAgentBundle(blobServiceOf(this.account), archive, 2 * 60 * 60_000, this.deps.clock.now())),
      AppMailbox.create(this.account, this.job.jobId, sasValidityMs, this.deps.clock.now()),
    ]);
    this.subnet = subnet;
    this.mailbox = mailbox;
    this.redact = createRedactor([this.secrets.databasePassword, this.secrets.repositoryPassword, this.secrets.storage?.kind === 'sharedKey' ? this.secrets.storage.accountKey : this.secrets.storage?.sasToken, mailbox.address.token, new URL(mailbox.address.url).search.slice(1), new URL(staged.url).search.slice(1)]);
    if (staged.uploaded) this.log('info', `Staged the worker agent bundle (${(staged.size / 1048576).toFixed(1)} MiB, SHA-256 ${staged.sha256.slice(0, 12)}…) in storage account ${this.account.accountName}.`);
    this.throwIfCanceled();
    if (!this.deps.configuration?.keepWarmMinutes || !this.keptWorker()) this.record('provisioning');
    const tags = { ...(configuration?.tags ?? {}), [WORKER_TAG]: 'worker', [INSTALLATION_TAG]: this.deps.installationId, 'cosmos-backup-job': this.job.jobId.slice(0, 256) };
    const vm = (await this.reuseKeptWorker(subnet)) ?? (await createWorkerVm(arm, { subnet, name: this.name, sizes, tags }, this.deps.capacity, (message) => this.log('info', message), () => this.deps.clock.now().getTime()));
    this.vmCreated = true;
    this.claim(this.name);
    this.record('provisioning', { size: vm.size });
    this.deps.workers.update(this.name, { mailbox: this.mailboxRecord() });
    await this.deps.secrets?.set(workerTokenRef(this.name), mailbox.address.token);
    await this.scheduleAutoShutdown(subnet);
    this.throwIfCanceled();
    const runStarted = this.deps.clock.monotonicMs();
    await this.startAgent(staged, mailbox, subnet);
    this.record('running');
    this.lifecycle('running', `Worker VM ${this.name} (${vm.size}${vm.zone ? `, zone ${vm.zone}` : ''}) provisioned in ${this.seconds()}; the agent is starting (Run Command ${this.seconds(runStarted)}).`);
    return this.relay();
  }

  /** The managed Run Command that starts the bootstrap; a VM that vanished meanwhile is `worker_lost`. */
  private async startAgent(staged: { url: string; sha256: string }, mailbox: AppMailbox, subnet: WorkerSubnet): Promise<void> {
    try {
      await this.createRunCommand(staged, mailbox, subnet);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) throw new WorkerJobError('worker_lost', `Worker VM ${this.name} vanished while the job ran (deleted or lost, while its agent was being started); the job did not finish.`);
      throw error;
    }
  }

  private async createRunCommand(staged: { url: string; sha256: string }, mailbox: AppMailbox, subnet: WorkerSubnet): Promise<void> {
    const { arm } = this.deps;
    await arm.compute(this.subscriptionId).virtualMachineRunCommands.beginCreateOrUpdateAndWait(
      subnet.resourceGroup,
      this.name,
      AGENT_RUN_COMMAND,
      {
        location: this.region,
        source: { script: BOOTSTRAP_SCRIPT },
        parameters: [
          { name: BOOTSTRAP_PARAMETERS.jobId, value: this.job.jobId },
          { name: BOOTSTRAP_PARAMETERS.bundleSha256, value: staged.sha256 },
          { name: BOOTSTRAP_PARAMETERS.engine, value: this.job.kind === 'copy' ? '' : (this.job.engine ?? '') },
        ],
        protectedParameters: [
          { name: BOOTSTRAP_PARAMETERS.bundleUrl, value: staged.url },
          { name: BOOTSTRAP_PARAMETERS.mailboxUrl, value: mailbox.address.url },
          { name: BOOTSTRAP_PARAMETERS.jobToken, value: mailbox.address.token },
        ],
        asyncExecution: true,
        timeoutInSeconds: this.tuning.jobTimeoutSeconds,
        treatFailureAsDeploymentFailure: false,
      },
      arm.pollOptions,
    );
  }

  /**
   * The last safety net: Azure's auto-shutdown (a DevTestLab schedule) deallocates the VM half an
   * hour after the job's time limit, should nothing else release it (the app gone for good). A
   * schedule that cannot be set is said in the session; the job goes on (the sweep remains).
   */
  private async scheduleAutoShutdown(subnet: WorkerSubnet): Promise<void> {
    const at = new Date(this.deps.clock.now().getTime() + this.tuning.jobTimeoutSeconds * 1000 + 30 * 60_000);
    const time = `${String(at.getUTCHours()).padStart(2, '0')}${String(at.getUTCMinutes()).padStart(2, '0')}`;
    try {
      await this.deps.arm.request('PUT', autoShutdownPath(this.subscriptionId, subnet.resourceGroup, this.name), AUTO_SHUTDOWN_API, {
        location: this.region,
        tags: { [WORKER_TAG]: 'worker', [INSTALLATION_TAG]: this.deps.installationId },
        properties: { status: 'Enabled', taskType: 'ComputeVmShutdownTask', dailyRecurrence: { time }, timeZoneId: 'UTC', targetResourceId: this.vmId, notificationSettings: { status: 'Disabled' } },
      });
    } catch (error) {
      this.log('warn', `The worker's auto-shutdown could not be set (${(error as Error).message}); the hourly sweep still releases it.`);
    }
  }

  /** A kept-warm (deallocated) worker of this configuration still inside its window, if any. */
  private keptWorker(): WorkerRecord | undefined {
    const configuration = this.deps.configuration;
    if (!configuration?.keepWarmMinutes) return undefined;
    const now = this.deps.clock.now().toISOString();
    return this.deps.workers.live().find((w) => w.state === 'kept-warm' && !workersInUse().has(w.id) && w.configurationId === configuration.id && w.region === this.region && (w.keepUntil ?? '') > now);
  }

  /**
   * Keep-warm: starts a deallocated worker of this configuration instead of creating one (minutes
   * saved: no VM, disk or NIC creation). A worker that does not start is deleted, and a new one made.
   */
  private async reuseKeptWorker(subnet: WorkerSubnet): Promise<{ size: string; zone: string | undefined } | undefined> {
    const kept = this.keptWorker();
    if (!kept) return undefined;
    this.claim(kept.id);
    this.deps.workers.update(kept.id, { state: 'provisioning', jobId: this.job.jobId, sessionId: this.placement.sessionId ?? null, lastSeenAt: this.deps.clock.now().toISOString(), keepUntil: null, note: null });
    try {
      await this.deps.arm.compute(this.subscriptionId).virtualMachines.beginStartAndWait(kept.resourceGroup, kept.id, this.deps.arm.pollOptions);
    } catch (error) {
      this.log('info', `Kept-warm worker ${kept.id} did not start (${(error as Error).message}); it is deleted and a new worker is created.`);
      await deleteWorkerVm(this.deps.arm, kept.subscriptionId, kept.resourceGroup, kept.id).catch(() => undefined);
      this.deps.workers.update(kept.id, { state: 'released', releasedAt: this.deps.clock.now().toISOString(), note: 'Did not start when reused; deleted.' });
      return undefined;
    }
    this.name = kept.id;
    this.subnet = { ...subnet, resourceGroup: kept.resourceGroup };
    this.log('info', `Reusing kept-warm worker VM ${kept.id} (${kept.size ?? 'size unknown'}), started in ${this.seconds()}.`);
    return { size: kept.size ?? '', zone: undefined };
  }

  /** The Run Command's execution state, or `vm-gone` when the VM (or its Run Command) no longer exists. */
  private async agentState(): Promise<{ state: string; detail: string } | 'vm-gone'> {
    try {
      const command = await this.deps.arm.compute(this.subscriptionId).virtualMachineRunCommands.getByVirtualMachine(this.resourceGroup, this.name, AGENT_RUN_COMMAND, { expand: 'instanceView' });
      const view = command.instanceView;
      return { state: view?.executionState ?? 'Unknown', detail: [view?.executionMessage, view?.error?.trim().split('\n').slice(-3).join(' | ')].filter(Boolean).join(' — ') };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return 'vm-gone';
      throw error;
    }
  }

  /** Sends the job once the agent's key is there, relays its frames, and ends with its result. */
  private async relay(): Promise<{ ok: true; value: JobOutcome } | { ok: false; error: WorkerJobError }> {
    const mailbox = this.mailbox as AppMailbox;
    const agentDeadline = this.deps.clock.monotonicMs() + this.tuning.agentStartTimeoutMs;
    let sent = false;
    let cancelDeadline: number | undefined;
    let lastStatus = this.deps.clock.monotonicMs();
    for (;;) {
      const messages = await mailbox.read();
      if (!sent && mailbox.agentPublicKey) {
        if (this.signal.aborted) throw new WorkerJobError('canceled', 'The job was canceled before its worker started it.');
        await mailbox.sendJob(this.job, this.secrets);
        sent = true;
        this.log('debug', `The agent published its one-time key; the job and its sealed secrets are in mailbox ${mailbox.address.container}.`);
      }
      const result = this.handle(messages);
      if (result) return result;
      const now = this.deps.clock.monotonicMs();
      if (this.signal.aborted && cancelDeadline === undefined) {
        await mailbox.cancel();
        cancelDeadline = now + this.tuning.cancelGraceMs;
        this.log('info', 'Cancel requested: the worker stops at its next safe point.');
      }
      if (cancelDeadline !== undefined && now > cancelDeadline) throw new WorkerJobError('canceled', `The worker did not stop within ${Math.round(this.tuning.cancelGraceMs / 1000)} s of the cancel; it was released anyway.`);
      if (!sent && now > agentDeadline) {
        const state = await this.agentState();
        throw new WorkerJobError('worker_lost', `The worker agent did not start within ${Math.round(this.tuning.agentStartTimeoutMs / 1000)} s${state === 'vm-gone' ? ' (the VM is gone)' : ` (Run Command ${state.state}${state.detail ? `: ${state.detail}` : ''})`}.`);
      }
      if (now - lastStatus >= this.tuning.statusEveryMs) {
        lastStatus = now;
        const state = await this.agentState();
        if (state === 'vm-gone') throw new WorkerJobError('worker_lost', `Worker VM ${this.name} vanished while the job ran (deleted or lost); the job did not finish.`);
        if (!['Running', 'Pending', 'Unknown'].includes(state.state)) {
          // The agent's process ended: its last frames or its result blob may have landed meanwhile.
          const late = this.handle(await mailbox.read());
          if (late) return late;
          const stored = await mailbox.result();
          if (stored) return this.outcomeOf(stored);
          throw new WorkerJobError(this.signal.aborted ? 'canceled' : 'worker_lost', `The worker agent ended without a result (Run Command ${state.state}${state.detail ? `: ${state.detail}` : ''}).`);
        }
        this.deps.workers.update(this.name, { lastSeenAt: this.deps.clock.now().toISOString() });
      }
      await sleep(this.tuning.pollMs);
    }
  }

  /** Relays messages; returns the outcome when the result was among them. */
  private handle(messages: OutboundMessage[]): { ok: true; value: JobOutcome } | { ok: false; error: WorkerJobError } | undefined {
    for (const message of messages) {
      if (message.type === 'hello') {
        if (message.protocolVersion !== PROTOCOL_VERSION) this.log('warn', `Worker speaks protocol ${message.protocolVersion}.`);
        this.log('debug', `Worker agent runs on Node ${message.node}.`);
      } else if (message.type === 'result') {
        return this.outcomeOf(message);
      } else if (message.type === 'log') {
        this.log(message.level, message.message);
      } else {
        this.queue.push(message);
      }
    }
    return undefined;
  }

  private outcomeOf(message: OutboundMessage & { type: 'result' }): { ok: true; value: JobOutcome } | { ok: false; error: WorkerJobError } {
    return message.ok ? { ok: true, value: message.outcome } : { ok: false, error: new WorkerJobError(message.error.code, message.error.message) };
  }

  /**
   * Keep-warm: deallocates the worker (compute billing stops; its disk stays) and records until when
   * the next job of its configuration may reuse it. False when it must be deleted instead.
   */
  private async keepWarm(): Promise<boolean> {
    const minutes = this.deps.configuration?.keepWarmMinutes ?? 0;
    if (!minutes || !this.vmCreated || this.distrusted || !this.subnet) return false;
    this.lifecycle('releasing', `Deallocating worker VM ${this.name} to keep it warm for ${minutes} min.`);
    try {
      await this.deps.arm.compute(this.subscriptionId).virtualMachines.beginDeallocateAndWait(this.subnet.resourceGroup, this.name, this.deps.arm.pollOptions);
    } catch (error) {
      this.log('warn', `Worker VM ${this.name} could not be deallocated (${(error as Error).message}); it is deleted instead.`);
      return false;
    }
    const keepUntil = new Date(this.deps.clock.now().getTime() + minutes * 60_000).toISOString();
    this.deps.workers.update(this.name, { state: 'kept-warm', keepUntil, lastSeenAt: this.deps.clock.now().toISOString(), note: null });
    return true;
  }

  /** Deletes the VM (with its disk and NIC) and the mailbox, whatever happened; retried once; never throws. */
  private async release(): Promise<void> {
    const began = this.deps.clock.monotonicMs();
    const kept = await this.keepWarm().catch(() => false);
    if (!kept && (this.vmCreated || this.subnet)) {
      this.lifecycle('releasing', `Deleting worker VM ${this.name} with its disk and network interface.`);
      if (this.deps.workers.get(this.name)) this.record('releasing');
      let failure: unknown;
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          if (this.subnet) await deleteWorkerVm(this.deps.arm, this.subscriptionId, this.subnet.resourceGroup, this.name);
          failure = undefined;
          break;
        } catch (error) {
          failure = error;
          if (attempt === 0) await sleep(this.tuning.releaseRetryMs);
        }
      }
      if (failure) {
        const note = `Could not delete worker VM ${this.name}: ${(failure as Error).message}. The hourly sweep deletes it; or delete it in the Workers view.`;
        this.log('warn', note);
        if (this.deps.workers.get(this.name)) this.record('release-failed', { note: this.redact(note) });
      } else if (this.deps.workers.get(this.name)) {
        this.record('released');
      }
    }
    if (this.mailbox && !this.tuning.keepMailbox) await this.mailbox.remove().catch((error: Error) => this.log('debug', `The job's mailbox could not be removed (${error.message}); the sweep removes it.`));
    this.lifecycle('released', `Worker ${kept ? 'deallocated and kept warm' : 'released'} in ${this.seconds(began)} (whole worker life ${this.seconds()}).`);
  }
}
