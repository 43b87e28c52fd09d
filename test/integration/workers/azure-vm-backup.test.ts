import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { AzureVmLauncher } from '../../../src-main/azure/workers/azure-vm-launcher.ts';
import { CapacityMemory } from '../../../src-main/azure/workers/vm-sizing.ts';
import { WorkerNetworks } from '../../../src-main/azure/workers/worker-network.ts';
import { openConfigDatabase } from '../../../src-main/core/config-db/open-database.ts';
import { WorkersStore } from '../../../src-main/core/config-db/workers-store.ts';
import { systemClock } from '../../../src-main/core/clock.ts';
import { initRepository, openRepository } from '../../../src-main/repository/index.ts';
import { agentBundleArchive } from '../../../src-main/worker/agent-bundle/agent-bundle-archive.ts';
import type { JobSecrets } from '../../../src-main/worker/protocol.ts';
import type { WorkerEvent } from '../../../src-main/worker/worker-launcher.ts';
import { startAzureEmulator, type AzureEmulator } from '../../azure-emulator/index.ts';
import { startAzurite, type AzuriteInstance } from '../../helpers/azurite.ts';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { allFiles, backupJob } from '../postgres/support.ts';
import { emulatorConnector, FAST, SUB } from '../azure/fixture.ts';

const REPO_PASSWORD = 'vm-repo-Pa55word-sealed';
const DB_PASSWORD = 'vm-db-Pa55word-sealed';

/**
 * A PostgreSQL backup on an emulated Azure worker VM: auto network, the agent bundle staged in
 * Azurite, a managed Run Command that really runs the bootstrap (download, checksum, unpack, the
 * agent in mailbox mode), secrets sealed to the agent's one-time key, and the VM deleted with its
 * disk and NIC at the end. Every ARM request and answer and every mailbox blob is read back for secrets.
 */
describe('a backup on a worker VM', () => {
  const temp = makeTempDir('cosmos-vm-worker-');
  let emulator: AzureEmulator;
  let azurite: AzuriteInstance;
  let server: TestPostgres;
  let launcher: AzureVmLauncher;
  let workers: WorkersStore;
  let location: string;

  beforeAll(async () => {
    [emulator, azurite, server] = await Promise.all([startAzureEmulator({ ...FAST }), startAzurite(), startPostgres({ password: DB_PASSWORD })]);
    await server.query('CREATE DATABASE shop');
    await server.query(`CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(1, 20000) g;`, 'shop');
    location = `${azurite.blobEndpoint}/vm-repo`;
    await initRepository(location, { password: REPO_PASSWORD, credentials: { kind: 'sharedKey', accountKey: azurite.accountKey }, scrypt: { n: 1024, r: 8, p: 1 } });
    const { arm } = emulatorConnector(emulator).connection;
    workers = new WorkersStore(openConfigDatabase(join(temp.path, 'config.db')));
    launcher = new AzureVmLauncher({
      arm,
      networks: new WorkerNetworks(arm, 'install-test'),
      workers,
      clock: systemClock,
      capacity: new CapacityMemory(),
      installationId: 'install-test',
      bundle: () => agentBundleArchive(),
      tuning: { pollMs: 50, statusEveryMs: 250, keepMailbox: true, releaseRetryMs: 50 },
    });
  }, 120_000);
  afterAll(async () => {
    await emulator?.stop();
    await azurite?.stop();
    await server?.stop();
    temp.remove();
  });

  it('backs up through the mailbox, leaves no secret in Azure or on the VM, and deletes the VM with its disk and NIC', async () => {
    // The region does not offer the first size to this subscription (resource SKUs): the next is used.
    emulator.state.skuRestrictions.push({ size: 'Standard_D2s_v5', location: 'westeurope' });
    const secrets: JobSecrets = { databasePassword: DB_PASSWORD, repositoryPassword: REPO_PASSWORD, storage: { kind: 'sharedKey', accountKey: azurite.accountKey } };
    // Throttled to last a few seconds, so the VM's disk can be read while the agent works.
    const job = backupJob(server, location, ['shop'], { options: { maxBytesPerSecond: 300_000 } });
    const connection = { ...job.source, password: undefined };
    const handle = await launcher.launch({ ...job, source: connection }, secrets, new AbortController().signal, { region: 'westeurope', subscriptionId: SUB, sessionId: 'session-1' });
    const events: WorkerEvent[] = [];
    // The VM's disk is read while the agent works (the bootstrap cleans its folder when it ends).
    let diskWhileRunning: { path: string; bytes: Buffer }[] = [];
    for await (const event of handle.events) {
      events.push(event);
      if (event.type === 'progress' && !diskWhileRunning.length) diskWhileRunning = await allFiles(emulator.state.vmHost.diskFolders()[0]!);
    }
    const outcome = await handle.result.catch((error: Error) => {
      throw new Error(`${error.message}\n${events.map((e) => JSON.stringify(e)).join('\n')}`);
    });
    await handle.released;
    expect(outcome.kind).toBe('backup');
    const phases = events.filter((e) => e.type === 'lifecycle').map((e) => (e as { phase: string }).phase);
    expect(phases).toEqual(['provisioning', 'running', 'releasing', 'released']);

    // The restore point is in the repository, whole.
    const repository = await openRepository(location, { password: REPO_PASSWORD, credentials: { kind: 'sharedKey', accountKey: azurite.accountKey } });
    const { restorePoints } = await repository.listRestorePoints();
    expect(restorePoints.map((p) => p.id)).toContain(outcome.kind === 'backup' ? outcome.restorePointId : '');

    // No VM, NIC or disk is left; the auto network stays, tagged as ours.
    const left = [...emulator.state.generic.values()].map((r) => `${r.type} ${r.name}`);
    expect(left.filter((r) => /^(virtualMachines|networkInterfaces|disks)/.test(r))).toEqual([]);
    expect(left).toEqual(expect.arrayContaining(['virtualNetworks cbw-vnet', 'networkSecurityGroups cbw-nsg', 'natGateways cbw-nat']));
    const vnet = [...emulator.state.generic.values()].find((r) => r.type === 'virtualNetworks')!;
    expect(vnet.body['tags']).toMatchObject({ 'cosmos-backup': 'worker-network', 'cosmos-backup-installation': 'install-test' });
    const nsg = [...emulator.state.generic.values()].find((r) => r.type === 'networkSecurityGroups')!;
    expect((nsg.body['properties'] as { securityRules: unknown[] }).securityRules).toEqual([]);

    // The worker record says what happened.
    const [record] = workers.recent();
    expect(record).toMatchObject({ state: 'released', region: 'westeurope', size: 'Standard_D4s_v5', sessionId: 'session-1' });
    expect(events).toContainEqual({ type: 'log', level: 'info', message: 'Standard_D2s_v5 is not offered in westeurope to this subscription (resource SKUs); skipped.' });

    // No secret in anything sent to ARM or answered by it (protected parameters are never answered).
    const jobSecrets = [DB_PASSWORD, REPO_PASSWORD, azurite.accountKey];
    const armText = emulator.callLog.entries.filter((e) => !/token|oauth2/i.test(e.path)).map((e) => `${e.requestText ?? ''}\n${e.responseText ?? ''}`).join('\n');
    expect(armText).toContain('protectedParameters');
    for (const secret of jobSecrets) expect(armText).not.toContain(secret);
    const answers = emulator.callLog.entries.map((e) => e.responseText ?? '').join('\n');
    expect(answers).not.toMatch(/CB_JOB_TOKEN|CB_MAILBOX_URL|sig=/);

    // No secret in any mailbox blob (kept for this test), and the secrets travelled sealed.
    const container = new ContainerClient(`${azurite.blobEndpoint}/${record!.mailbox!.container}`, new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey));
    const blobs: string[] = [];
    let mailboxText = '';
    for await (const blob of container.listBlobsFlat()) {
      blobs.push(blob.name);
      mailboxText += (await container.getBlobClient(blob.name).downloadToBuffer()).toString('utf8');
    }
    expect(blobs.sort()).toEqual(['from-agent-000001.ndjson', 'result.frame', 'to-agent-000001.ndjson']);
    expect(mailboxText).toContain('sealed-secrets');
    for (const secret of jobSecrets) expect(mailboxText).not.toContain(secret);

    // Nothing secret on the VM's disk either. (Azurite's account key is the public development key,
    // which the Blob SDK inside the agent bundle carries for "UseDevelopmentStorage": not looked for here.)
    const files = [...diskWhileRunning, ...(await allFiles(emulator.state.vmHost.diskFolders()[0]!))];
    expect(diskWhileRunning.map((f) => f.path.split('/').pop()), diskWhileRunning.map((f) => `${f.path} ${f.bytes.length}`).join('\n')).toEqual(expect.arrayContaining(['node', 'worker-agent.js']));
    for (const file of files) for (const secret of [DB_PASSWORD, REPO_PASSWORD]) expect(file.bytes.includes(secret), `${file.path} holds a secret`).toBe(false);
  }, 180_000);
});
