import type { Clock } from '../../core/clock.ts';
import type { WorkerRecord, WorkersStore } from '../../core/config-db/workers-store.ts';
import type { SessionContext } from '../../core/sessions/session-context.ts';
import type { ArmClients } from '../arm-clients.ts';
import { AGENT_RUN_COMMAND, workersInUse } from './workers-in-use.ts';
import { INSTALLATION_TAG, WORKER_TAG } from './worker-network.ts';
import { deleteWorkerVm } from './worker-vm.ts';

/** An auto network is removed when no worker of its region ran for this long. */
export const AUTO_NETWORK_IDLE_MS = 24 * 3600_000;

export interface WorkerSweepDeps {
  arm: ArmClients;
  workers: WorkersStore;
  clock: Clock;
  installationId: string;
  /** Subscriptions to look in besides those of the worker records (the inventory's). */
  subscriptions: string[];
  /**
   * Re-attaches to the mailbox of a job whose app went away: records its result when there is one.
   * Returns what happened in words, and whether the job still runs (its worker is then left alone).
   */
  collect?: (worker: WorkerRecord) => Promise<{ stillRunning: boolean; message: string }>;
}

export interface SweepReport {
  released: string[];
  collected: number;
  leftRunning: string[];
  networksRemoved: string[];
}

function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

/**
 * The orphan sweep (at start, after resume, hourly): nothing the app created for workers is left to
 * cost money. Kept-warm workers past their window are deleted; workers whose job no longer runs in
 * this process are collected (a job that outlived the app has its result recorded) and deleted,
 * unless their job still runs on its own; VMs tagged as this installation's workers that no record
 * knows are deleted; auto networks of regions without a worker for a day are removed.
 */
export async function sweepWorkers(deps: WorkerSweepDeps, ctx: Pick<SessionContext, 'info' | 'warn' | 'throwIfCanceled'>): Promise<SweepReport> {
  const report: SweepReport = { released: [], collected: 0, leftRunning: [], networksRemoved: [] };
  const now = deps.clock.now();
  const inUse = workersInUse();
  const release = async (worker: Pick<WorkerRecord, 'id' | 'subscriptionId' | 'resourceGroup'>, why: string) => {
    try {
      await deleteWorkerVm(deps.arm, worker.subscriptionId, worker.resourceGroup, worker.id);
      if (deps.workers.get(worker.id)) deps.workers.update(worker.id, { state: 'released', releasedAt: deps.clock.now().toISOString(), note: why });
      report.released.push(worker.id);
      ctx.info(`Deleted worker VM ${worker.id}: ${why}.`);
    } catch (error) {
      if (deps.workers.get(worker.id)) deps.workers.update(worker.id, { state: 'release-failed', note: `Sweep: ${(error as Error).message}` });
      ctx.warn(`Worker VM ${worker.id} could not be deleted (${(error as Error).message}); the next sweep tries again.`);
    }
  };

  for (const worker of deps.workers.live()) {
    ctx.throwIfCanceled();
    if (inUse.has(worker.id)) continue;
    if (worker.state === 'kept-warm') {
      if ((worker.keepUntil ?? '') <= now.toISOString()) await release(worker, 'its keep-warm window ended');
      continue;
    }
    if (deps.collect && worker.mailbox && worker.state === 'running') {
      try {
        const collected = await deps.collect(worker);
        ctx.info(collected.message);
        if (collected.stillRunning) {
          report.leftRunning.push(worker.id);
          continue;
        }
        report.collected++;
      } catch (error) {
        ctx.warn(`The result of worker ${worker.id} could not be collected (${(error as Error).message}).`);
      }
    }
    await release(worker, worker.state === 'release-failed' ? 'its release had failed' : 'its job no longer runs in this app');
  }

  // VMs tagged as this installation's workers that no live record accounts for.
  const known = new Set(deps.workers.live().map((w) => w.id.toLowerCase()));
  const subscriptions = new Set([...deps.subscriptions, ...deps.workers.recent(500).map((w) => w.subscriptionId)].map((s) => s.toLowerCase()));
  for (const subscriptionId of subscriptions) {
    ctx.throwIfCanceled();
    let vms;
    try {
      vms = [];
      for await (const vm of deps.arm.compute(subscriptionId).virtualMachines.listAll()) vms.push(vm);
    } catch (error) {
      ctx.warn(`Worker VMs of subscription ${subscriptionId} could not be listed (${(error as Error).message}).`);
      continue;
    }
    for (const vm of vms) {
      if (vm.tags?.[WORKER_TAG] !== 'worker' || vm.tags?.[INSTALLATION_TAG] !== deps.installationId || !vm.name || !vm.id) continue;
      if (known.has(vm.name.toLowerCase()) || inUse.has(vm.name)) continue;
      const group = /\/resourceGroups\/([^/]+)\//i.exec(vm.id)?.[1] ?? '';
      await release({ id: vm.name, subscriptionId, resourceGroup: group }, 'tagged as a worker of this installation, with no job');
    }
    await removeIdleAutoNetworks(deps, subscriptionId, now, report, ctx);
  }
  return report;
}

/** Removes the auto network of a region where no worker ran for a day (its resource group, tagged as this installation's). */
async function removeIdleAutoNetworks(deps: WorkerSweepDeps, subscriptionId: string, now: Date, report: SweepReport, ctx: Pick<SessionContext, 'info' | 'warn'>): Promise<void> {
  let groups: { name: string; location: string; tags?: Record<string, string> }[];
  try {
    groups = (await deps.arm.request<{ value: { name: string; location: string; tags?: Record<string, string> }[] }>('GET', `/subscriptions/${subscriptionId}/resourcegroups`, '2024-03-01')).body.value ?? [];
  } catch (error) {
    if (!isNotFound(error)) ctx.warn(`Resource groups of subscription ${subscriptionId} could not be listed (${(error as Error).message}).`);
    return;
  }
  const workers = deps.workers.recent(1000).filter((w) => w.subscriptionId.toLowerCase() === subscriptionId.toLowerCase());
  for (const group of groups) {
    if (!/^cosmos-backup-workers-/i.test(group.name) || group.tags?.[WORKER_TAG] !== 'worker-network' || group.tags?.[INSTALLATION_TAG] !== deps.installationId) continue;
    const here = workers.filter((w) => w.resourceGroup.toLowerCase() === group.name.toLowerCase());
    if (here.some((w) => w.state !== 'released')) continue;
    const lastUse = Math.max(0, ...here.map((w) => Date.parse(w.releasedAt ?? w.lastSeenAt)));
    if (now.getTime() - lastUse < AUTO_NETWORK_IDLE_MS) continue;
    try {
      await deps.arm.request('DELETE', `/subscriptions/${subscriptionId}/resourcegroups/${group.name}`, '2024-03-01');
      report.networksRemoved.push(group.name);
      ctx.info(`Removed the auto network of ${group.location} (resource group ${group.name}): no worker ran there for a day.`);
    } catch (error) {
      ctx.warn(`The auto network ${group.name} could not be removed (${(error as Error).message}).`);
    }
  }
}

/** The agent's Run Command state of a worker, or `gone` when its VM no longer exists. */
export async function agentRunState(arm: ArmClients, worker: Pick<WorkerRecord, 'id' | 'subscriptionId' | 'resourceGroup'>): Promise<string> {
  try {
    const command = await arm.compute(worker.subscriptionId).virtualMachineRunCommands.getByVirtualMachine(worker.resourceGroup, worker.id, AGENT_RUN_COMMAND, { expand: 'instanceView' });
    return command.instanceView?.executionState ?? 'Unknown';
  } catch (error) {
    if (isNotFound(error)) return 'gone';
    throw error;
  }
}
