import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { AppendBlobClient, BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { AppCore } from '../../../src-main/app/app-core.ts';
import { MemorySecretStore } from '../../../src-main/core/secrets/secret-store.ts';
import type { LogLine, Session } from '../../../src-main/shared/session.ts';
import { startAzureEmulator, type AzureEmulator } from '../../azure-emulator/index.ts';
import { armClientOptions } from '../../azure-emulator/client-helpers.ts';
import { startAzurite, type AzuriteInstance } from '../../helpers/azurite.ts';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { emulatorConnector, FAST, SUB, unlistedCalls } from '../azure/fixture.ts';
import { credentialFor, POLL } from '../azure-emulator/fixture.ts';

const DB_PASSWORD = 'placement-db-Pa55';
const REPO_PASSWORD = 'placement-repo-Pa55';
const clusterId = `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/billing`;

/**
 * Where jobs run and what happens when Azure says no: the router through the app core (auto
 * network by default, a worker configuration per region, this computer), capacity fallbacks, a VM
 * lost mid-job, a Run Command that times out, a cancel, a tampered mailbox, and a delete that fails
 * once — each ends with the VM, its disk and NIC gone and the session saying why.
 */
describe('worker placement and faults on the emulated Azure', () => {
  const temp = makeTempDir('cosmos-worker-placement-');
  let emulator: AzureEmulator;
  let azurite: AzuriteInstance;
  let server: TestPostgres;
  let core: AppCore;
  let repositoryId: string;

  const logOf = (session: Session): LogLine[] => core.sessions.logs(session.id, 0, 2000, 'debug').lines;
  const textOf = (session: Session) => logOf(session).map((l) => l.message).join('\n');
  const vmsLeft = () => [...emulator.state.generic.values()].filter((r) => ['virtualMachines', 'networkInterfaces', 'disks', 'schedules'].includes(r.type)).map((r) => `${r.type} ${r.name}`);
  const backup = async () => {
    const started = await core.workerJobs.startBackup({ repository: { ref: repositoryId }, source: { resourceId: clusterId, user: 'postgres', password: DB_PASSWORD } });
    return { started, final: await core.sessions.waitFor(started.session.id) };
  };
  /** Waits until the job's agent runs on its VM (its Run Command is Running). */
  const whenAgentRuns = async () => {
    for (let i = 0; i < 400; i++) {
      const command = [...emulator.state.generic.values()].find((r) => r.type === 'virtualMachines/runCommands');
      if (command && emulator.state.vmHost.execution(command.id)?.executionState === 'Running') return command;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the agent never ran');
  };

  beforeAll(async () => {
    [emulator, azurite, server] = await Promise.all([startAzureEmulator({ ...FAST }), startAzurite(), startPostgres({ password: DB_PASSWORD, tls: true })]);
    await server.query('CREATE DATABASE citus');
    await server.query(`CREATE TABLE invoices (id int PRIMARY KEY, total numeric, note text); INSERT INTO invoices SELECT g, g * 3, repeat(md5(g::text), 8) FROM generate_series(1, 60000) g;`, 'citus');
    core = AppCore.open({
      dataDir: join(temp.path, 'data'),
      secrets: new MemorySecretStore(),
      azureConnector: emulatorConnector(emulator),
      workerTuning: { pollMs: 40, statusEveryMs: 150, releaseRetryMs: 50, cancelGraceMs: 5000 },
    });
    const added = core.repositoryCatalog.add({ name: 'vault', location: `${azurite.blobEndpoint}/vault`, password: REPO_PASSWORD, storageCredential: { kind: 'sharedKey', accountKey: azurite.accountKey }, create: true, encryption: 'aes-256-gcm', isArchive: false });
    const created = await added.finished;
    expect(created.session.status).toBe('succeeded');
    repositoryId = created.result!.id;
    const now = new Date().toISOString();
    core.inventory.upsertSubscription({ id: SUB, tenantId: emulator.tenantId, displayName: 'Production', state: 'Enabled', syncedAt: now });
    core.inventory.replaceResources(SUB, [{ id: clusterId, subscriptionId: SUB, resourceGroup: 'rg-prod', name: 'billing', kind: 'postgres-cluster', api: null, location: 'westeurope', tags: {}, properties: { coordinator: `${server.host}:${server.port}` }, deleted: false, syncedAt: now }], now);
    await core.resourceLogins.set(clusterId, { user: 'postgres', password: DB_PASSWORD });
  }, 120_000);
  afterAll(async () => {
    await core?.close();
    await emulator?.stop();
    await azurite?.stop();
    await server?.stop();
    temp.remove();
  });

  it('backs up an Azure cluster on a VM in its region by default (auto network), and names each worker step', async () => {
    const { final } = await backup();
    expect(final.status, textOf(final)).toBe('succeeded');
    const text = textOf(final);
    expect(text).toMatch(/Worker provisioning: Preparing a worker VM in westeurope \(auto network; size Standard_D2s_v5\)/);
    expect(text).toMatch(/Worker releasing: Deleting worker VM cbw-/);
    expect(text).toMatch(/Worker released in [\d.]+ s/);
    expect(vmsLeft()).toEqual([]);
    expect(core.workersService.listWorkers()[0]).toMatchObject({ state: 'released', region: 'westeurope', size: 'Standard_D2s_v5', sessionId: final.id, hourlyUsd: 0.096, pricesFrom: expect.stringMatching(/Reading current prices from Azure is turned off/) });
    expect(core.restorePoints.list({ resourceId: clusterId })).toHaveLength(1);
    // The last safety net was set on the VM: an auto-shutdown 30 min after the job's time limit (12 h).
    const shutdown = emulator.callLog.filter({ method: 'PUT', path: /Microsoft\.DevTestLab\/schedules\/shutdown-computevm-cbw-/ })[0]!;
    const time = (JSON.parse(shutdown.requestText!) as { properties: { dailyRecurrence: { time: string } } }).properties.dailyRecurrence.time;
    const expected = new Date(Date.parse(shutdown.time) + 12.5 * 3600_000);
    const minutesOff = Math.abs(Number(time.slice(0, 2)) * 60 + Number(time.slice(2)) - (expected.getUTCHours() * 60 + expected.getUTCMinutes()));
    expect(Math.min(minutesOff, 1440 - minutesOff)).toBeLessThanOrEqual(2);
  }, 120_000);

  it('falls back along sizes and zones when Azure refuses, says what it tried, and remembers the refusal', async () => {
    emulator.state.vmCreateFaults.push(
      { size: 'Standard_D2s_v5', status: 409, code: 'OperationNotAllowed', message: 'Operation could not be completed as it results in exceeding approved standardDSv5Family Cores quota. Current Limit: 0.', async: false, remaining: 1 },
      { size: 'Standard_D4s_v5', status: 409, code: 'SkuNotAvailable', message: "The requested size for resource 'cbw' is currently not available in location 'westeurope'.", async: false, remaining: 1 },
    );
    const first = await backup();
    // Quota is per family: D2s_v5 refused takes D4s_v5 and D8s_v5 with it: no size is left.
    expect(first.final.status).toBe('failed');
    expect(first.final.summary).toMatch(/No worker VM could be created in westeurope\. Tried: Standard_D2s_v5: quota exhausted \(OperationNotAllowed: .*standardDSv5Family Cores quota/);
    expect(textOf(first.final)).toMatch(/No restore point was written/);
    expect(vmsLeft()).toEqual([]);

    // With a configuration listing other families, the next job goes on: the D-series refusal is remembered (no new call), F4s_v2 has no capacity regionally, zone 1 has.
    const subnet = await createSubnet('westeurope', 'rg-net', 'admin-vnet');
    await core.workersService.save({ name: 'West Europe', region: 'West Europe', subnetId: subnet, vmSizes: ['Standard_D2s_v5', 'Standard_F4s_v2', 'Standard_E4s_v5'], tags: { costCenter: 'db-ops' } });
    emulator.state.vmCreateFaults.push({ size: 'Standard_F4s_v2', status: 200, code: 'AllocationFailed', message: 'Allocation failed. We do not have sufficient capacity for the requested VM size in this region.', async: true, remaining: 1 });
    const calls = emulator.callLog.count({ method: 'PUT', path: /virtualMachines\/cbw-[0-9a-f]+$/ });
    const second = await backup().finally(() => core.workersService.remove('West Europe'));
    expect(second.final.status, textOf(second.final)).toBe('succeeded');
    const text = textOf(second.final);
    expect(text).toMatch(/worker configuration "West Europe"/);
    expect(text).toMatch(/Azure refused Standard_F4s_v2 in westeurope — AllocationFailed/);
    expect(text).toMatch(/Worker VM cbw-[0-9a-f]+ \(Standard_F4s_v2 in zone 1\) is running/);
    // D2s_v5 was skipped from memory; F4s_v2 regional, then zone 1: two creations.
    expect(emulator.callLog.count({ method: 'PUT', path: /virtualMachines\/cbw-[0-9a-f]+$/ }) - calls).toBe(2);
    expect(core.workersService.listWorkers()[0]).toMatchObject({ size: 'Standard_F4s_v2', configurationId: expect.any(String) });
    expect(vmsLeft()).toEqual([]);
  }, 120_000);

  it('refuses a worker configuration whose subnet is in another region or does not exist, before any job runs', async () => {
    const elsewhere = await createSubnet('eastus', 'rg-net-east', 'east-vnet');
    await expect(core.workersService.save({ name: 'Wrong', region: 'westeurope', subnetId: elsewhere })).rejects.toThrow(/is for westeurope, but VNet east-vnet is in eastus/);
    await expect(core.workersService.save({ name: 'Missing', region: 'westeurope', subnetId: `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/nope/subnets/default` })).rejects.toThrow(/VNet nope .* does not exist/);
    await expect(core.workersService.save({ name: 'Bad', region: 'west europe!', subnetId: 'x' })).rejects.toThrow(/region: must be an Azure region name[\s\S]*subnetId: must be a subnet id/);
    expect(core.workersService.listConfigurations()).toEqual([]);
  });

  it('runs a region on this computer when its worker configuration says so', async () => {
    await core.workersService.save({ name: 'Lab', region: 'westeurope', kind: 'this-computer' });
    const vmCalls = emulator.callLog.count({ method: 'PUT', path: /virtualMachines/ });
    const { final } = await backup().finally(() => core.workersService.remove('Lab'));
    expect(final.status, textOf(final)).toBe('succeeded');
    expect(textOf(final)).toMatch(/Worker configuration "Lab" runs westeurope jobs on this computer/);
    expect(emulator.callLog.count({ method: 'PUT', path: /virtualMachines/ })).toBe(vmCalls);
  }, 60_000);

  it('fails with worker_lost and no restore point when the VM vanishes mid-job, and cleans up', async () => {
    const points = core.restorePoints.list({ resourceId: clusterId }).length;
    const started = await core.workerJobs.startBackup({ repository: { ref: repositoryId }, source: { resourceId: clusterId, user: 'postgres', password: DB_PASSWORD } });
    const command = await whenAgentRuns();
    // The VM is lost: whatever ran on it dies, and the VM is gone from ARM.
    const vmKey = command.id.toLowerCase().replace(/\/runcommands\/.*$/, '');
    emulator.state.deleteGeneric(vmKey);
    const final = await core.sessions.waitFor(started.session.id);
    expect(final.status).toBe('failed');
    expect(final.summary).toMatch(/Worker VM cbw-[0-9a-f]+ vanished while the job ran/);
    expect(core.restorePoints.list({ resourceId: clusterId })).toHaveLength(points);
    expect(vmsLeft()).toEqual([]);
  }, 120_000);

  it('ends a job whose Run Command timed out as worker_lost, saying so', async () => {
    const started = await core.workerJobs.startBackup({ repository: { ref: repositoryId }, source: { resourceId: clusterId, user: 'postgres', password: DB_PASSWORD } });
    const command = await whenAgentRuns();
    emulator.state.vmHost.stop(command.id, 'TimedOut');
    const final = await core.sessions.waitFor(started.session.id);
    expect(final.status).toBe('failed');
    expect(final.summary).toMatch(/ended without a result \(Run Command TimedOut: Execution timed out/);
    expect(vmsLeft()).toEqual([]);
  }, 120_000);

  it('cancels a job on its VM through the cancel marker, and releases the VM', async () => {
    const started = await core.workerJobs.startBackup({ repository: { ref: repositoryId }, source: { resourceId: clusterId, user: 'postgres', password: DB_PASSWORD } });
    await whenAgentRuns();
    // Wait for the agent to have its job (its first log line is relayed), then cancel.
    for (let i = 0; i < 400 && !/sealed secrets are in mailbox/.test(textOf(core.sessions.get(started.session.id))); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    core.sessions.cancel(started.session.id);
    const final = await core.sessions.waitFor(started.session.id);
    expect(final.status, textOf(final)).toBe('canceled');
    expect(textOf(final)).toMatch(/Cancel requested: the worker stops at its next safe point/);
    expect(vmsLeft()).toEqual([]);
  }, 120_000);

  it('refuses a tampered mailbox: the job stops, nothing after it is trusted, the VM is released', async () => {
    const started = await core.workerJobs.startBackup({ repository: { ref: repositoryId }, source: { resourceId: clusterId, user: 'postgres', password: DB_PASSWORD } });
    await whenAgentRuns();
    const worker = core.workers.live()[0]!;
    // Someone with access to the storage account appends a forged frame (a replay of frame 0 of another job).
    const blob = new AppendBlobClient(`${azurite.blobEndpoint}/${worker.mailbox!.container}/from-agent-000001.ndjson`, new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey));
    for (let i = 0; i < 400 && !(await blob.exists()); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    const forged = `${JSON.stringify({ seq: 0, body: JSON.stringify({ type: 'log', level: 'info', message: 'forged' }), mac: 'A'.repeat(43) })}\n`;
    await blob.appendBlock(forged, forged.length);
    const final = await core.sessions.waitFor(started.session.id);
    expect(final.status).toBe('failed');
    expect(final.summary).toMatch(/The worker mailbox: frame 0 (fails its authentication|arrived where frame \d+ was due)/);
    expect(textOf(final)).not.toContain('forged');
    expect(vmsLeft()).toEqual([]);
  }, 120_000);

  it('retries a delete that fails once, and still leaves nothing behind', async () => {
    emulator.faults.failNext({ method: 'DELETE', path: /virtualMachines\/cbw-/ }, 500);
    const { final } = await backup();
    expect(final.status, textOf(final)).toBe('succeeded');
    expect(vmsLeft()).toEqual([]);
    expect(core.workersService.listWorkers()[0]).toMatchObject({ state: 'released' });
  }, 120_000);

  it('restores into a cluster of the inventory on a worker VM in its region', async () => {
    const point = core.restorePoints.list({ resourceId: clusterId })[0]!;
    const started = await core.workerJobs.startRestore({
      repository: { ref: repositoryId },
      restorePointId: point.id,
      reason: 'test of a restore on a worker VM',
      target: { kind: 'database', uri: `postgres://postgres@${server.host}:${server.port}/postgres?sslmode=require`, password: DB_PASSWORD, databaseMap: { citus: 'citus_restored' } },
    });
    const final = await core.sessions.waitFor(started.session.id);
    expect(final.status, textOf(final)).toBe('succeeded');
    expect(textOf(final)).toMatch(/Worker provisioning: Preparing a worker VM in westeurope \(auto network/);
    expect(await server.query('SELECT count(*)::int AS n FROM invoices', 'citus_restored')).toMatchObject([{ n: 60000 }]);
    expect(vmsLeft()).toEqual([]);
  }, 120_000);

  it('archives a restore point on a worker in the archive repository’s region', async () => {
    emulator.state.storageAccounts.push({ subscriptionId: SUB, resourceGroup: 'rg-storage', name: azurite.accountName, location: 'northeurope' });
    const added = await core.repositoryCatalog.add({ name: 'cold vault', location: `${azurite.blobEndpoint}/cold-vault`, password: 'archive-Pa55', storageCredential: { kind: 'sharedKey', accountKey: azurite.accountKey }, create: true, encryption: 'aes-256-gcm', isArchive: true }).finished;
    const point = core.restorePoints.list({ resourceId: clusterId })[0]!;
    const copy = await core.repositoryJobs.copy({ source: { ref: repositoryId }, target: { ref: added.result!.id }, restorePointId: point.id, archive: true });
    const final = (await copy.finished).session;
    expect(final.status, textOf(final)).toBe('succeeded');
    expect(textOf(final)).toMatch(/Worker provisioning: Preparing a worker VM in northeurope \(auto network/);
    expect(textOf(final)).toMatch(/Copied as [0-9a-f]{64} \(\d+ bytes uploaded, data in the Archive tier\)/);
    const archived = core.restorePoints.list({ repositoryId: added.result!.id });
    expect(archived).toHaveLength(1);
    // The copied data really is in the Archive tier.
    const blobs = new BlobServiceClient(azurite.blobEndpoint, new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey)).getContainerClient('cold-vault');
    const tiers = new Set<string>();
    for await (const blob of blobs.listBlobsFlat({ prefix: 'data/' })) tiers.add(String(blob.properties.accessTier));
    expect(tiers).toEqual(new Set(['Archive']));
    expect(vmsLeft()).toEqual([]);
  }, 120_000);

  it('keeps a worker warm: deallocated after its job, reused by the next, deleted by the sweep when its window ends', async () => {
    const subnet = await createSubnet('westeurope', 'rg-net', 'admin-vnet');
    await core.workersService.save({ name: 'Warm', region: 'westeurope', subnetId: subnet, keepWarmMinutes: 30 });
    try {
      const first = await backup();
      expect(first.final.status, textOf(first.final)).toBe('succeeded');
      expect(textOf(first.final)).toMatch(/Deallocating worker VM (cbw-[0-9a-f]+) to keep it warm for 30 min/);
      const kept = core.workers.live().find((w) => w.state === 'kept-warm')!;
      expect(kept.keepUntil! > new Date().toISOString()).toBe(true);
      const vm = [...emulator.state.generic.values()].find((r) => r.type === 'virtualMachines' && r.name === kept.id)!;
      expect(vm.body['powerState']).toBe('deallocated');

      const creations = emulator.callLog.count({ method: 'PUT', path: /virtualMachines\/cbw-[0-9a-f]+$/ });
      const second = await backup();
      expect(second.final.status, textOf(second.final)).toBe('succeeded');
      expect(textOf(second.final)).toMatch(new RegExp(`Reusing kept-warm worker VM ${kept.id}`));
      expect(emulator.callLog.count({ method: 'PUT', path: /virtualMachines\/cbw-[0-9a-f]+$/ })).toBe(creations);
      expect(core.workers.get(kept.id)).toMatchObject({ state: 'kept-warm', sessionId: second.final.id });

      // The window ends: the sweep deletes it with its disk and NIC.
      core.workers.update(kept.id, { keepUntil: '2000-01-01T00:00:00.000Z' });
      const sweep = await core.sessions.waitFor(core.workersService.startSweep('test').id);
      expect(sweep.summary).toMatch(/^1 worker VM\(s\) released/);
      expect(textOf(sweep)).toMatch(new RegExp(`Deleted worker VM ${kept.id}: its keep-warm window ended`));
      expect(vmsLeft()).toEqual([]);
    } finally {
      core.workersService.remove('Warm');
    }
  }, 120_000);

  it('deletes a worker whose deallocation fails instead of keeping it warm', async () => {
    const subnet = await createSubnet('westeurope', 'rg-net', 'admin-vnet');
    await core.workersService.save({ name: 'Warm again', region: 'westeurope', subnetId: subnet, keepWarmMinutes: 30 });
    emulator.faults.failNext({ method: 'POST', path: /virtualMachines\/cbw-[0-9a-f]+\/deallocate$/ }, 409, 'OperationNotAllowed');
    try {
      const { final } = await backup();
      expect(final.status, textOf(final)).toBe('warning');
      expect(textOf(final)).toMatch(/Worker VM cbw-[0-9a-f]+ could not be deallocated \(.*\); it is deleted instead/);
      expect(core.workers.live()).toEqual([]);
      expect(vmsLeft()).toEqual([]);
    } finally {
      core.workersService.remove('Warm again');
    }
  }, 120_000);

  it('sweeps orphans: a worker whose job no longer runs, a tagged VM no record knows, and an auto network idle for a day', async () => {
    const compute = new ComputeManagementClient(credentialFor(emulator), SUB, armClientOptions(emulator));
    const network = new NetworkManagementClient(credentialFor(emulator), SUB, armClientOptions(emulator));
    const group = 'cosmos-backup-workers-westeurope';
    const subnet = `/subscriptions/${SUB}/resourceGroups/${group}/providers/Microsoft.Network/virtualNetworks/cbw-vnet/subnets/workers`;
    const makeVm = async (name: string, tags: Record<string, string>) => {
      const nic = await network.networkInterfaces.beginCreateOrUpdateAndWait(group, `${name}-nic`, { location: 'westeurope', ipConfigurations: [{ name: 'ip', subnet: { id: subnet } }] }, POLL);
      return compute.virtualMachines.beginCreateOrUpdateAndWait(group, name, { location: 'westeurope', tags, hardwareProfile: { vmSize: 'Standard_D2s_v5' }, networkProfile: { networkInterfaces: [{ id: nic.id, primary: true, deleteOption: 'Delete' }] }, storageProfile: { osDisk: { createOption: 'FromImage', deleteOption: 'Delete' } } }, POLL);
    };
    const ours = { 'cosmos-backup': 'worker', 'cosmos-backup-installation': core.installationId() };
    await makeVm('cbw-untracked', ours);
    await makeVm('cbw-someone-else', { 'cosmos-backup': 'worker', 'cosmos-backup-installation': 'another-installation' });
    const orphan = await makeVm('cbw-orphaned', ours);
    const long = new Date(Date.now() - 2 * 86_400_000).toISOString();
    core.workers.put({ id: 'cbw-orphaned', vmId: orphan.id!, subscriptionId: SUB, resourceGroup: group, region: 'westeurope', size: 'Standard_D2s_v5', configurationId: null, jobId: 'backup-x', sessionId: null, state: 'running', mailbox: null, createdAt: long, lastSeenAt: long, releasedAt: null, keepUntil: null, note: null });

    const sweep = await core.sessions.waitFor(core.workersService.startSweep('test').id);
    expect(sweep.status, textOf(sweep)).toBe('succeeded');
    const text = textOf(sweep);
    expect(text).toMatch(/Deleted worker VM cbw-orphaned: its job no longer runs in this app/);
    expect(text).toMatch(/Deleted worker VM cbw-untracked: tagged as a worker of this installation, with no job/);
    // A worker was released there just now: the region's auto network stays.
    expect(text).not.toMatch(/Removed the auto network/);
    const left = [...emulator.state.generic.values()].map((r) => r.name);
    expect(left).toContain('cbw-someone-else'); // another installation's worker is not ours to delete
    expect(left).not.toContain('cbw-untracked');
    expect(left).toContain('cbw-vnet');

    // A day later with no worker in the region, the next sweep removes the auto network.
    for (const worker of core.workers.recent(100)) core.workers.update(worker.id, { releasedAt: long, lastSeenAt: long });
    const later = await core.sessions.waitFor(core.workersService.startSweep('test').id);
    expect(textOf(later)).toMatch(/Removed the auto network of westeurope \(resource group cosmos-backup-workers-westeurope\): no worker ran there for a day/);
    expect([...emulator.state.generic.values()].map((r) => r.name)).not.toContain('cbw-vnet');
    expect(core.workers.get('cbw-orphaned')).toMatchObject({ state: 'released' });
  }, 120_000);

  it('made only calls the least-privilege role lists', () => {
    // The test's own setup (the admin's VNets) is not the app's doing.
    expect(unlistedCalls(emulator, [/PUT .*\/virtualNetworks\/(admin|east)-vnet/, /PUT .*\/(virtualMachines|networkInterfaces)\/cbw-(untracked|someone-else|orphaned)/])).toEqual([]);
  });

  /** An admin's VNet with one subnet, in `region`. */
  async function createSubnet(region: string, group: string, vnet: string): Promise<string> {
    emulator.state.subscription(SUB).resourceGroups.set(group, { name: group, location: region, tags: {} });
    const network = new NetworkManagementClient(credentialFor(emulator), SUB, armClientOptions(emulator));
    await network.virtualNetworks.beginCreateOrUpdateAndWait(group, vnet, { location: region, addressSpace: { addressPrefixes: ['10.9.0.0/16'] }, subnets: [{ name: 'workers', addressPrefix: '10.9.1.0/24' }] }, POLL);
    return `/subscriptions/${SUB}/resourceGroups/${group}/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/workers`;
  }
});
