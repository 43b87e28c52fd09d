import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { AppCore } from '../../../src-main/app/app-core.ts';
import { startAzureEmulator, type AzureEmulator } from '../../azure-emulator/index.ts';
import { startAzurite, type AzuriteInstance } from '../../helpers/azurite.ts';
import { CLI_BIN } from '../../helpers/cli.ts';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { cliSignInToEmulator, FAST, SUB } from '../azure/fixture.ts';

const DB_PASSWORD = 'outlive-db-Pa55';
const clusterId = `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/ledger`;

const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 90_000) => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/**
 * A job outlives the desktop: the CLI that started a backup on a worker VM is killed once the job
 * is on its way; the agent finishes on its own; the next start's sweep re-attaches to the mailbox,
 * catalogs the restore point, and deletes the VM.
 */
describe('a job that outlives the app', () => {
  const temp = makeTempDir('cosmos-outlive-');
  const dataDir = join(temp.path, 'data');
  let emulator: AzureEmulator;
  let azurite: AzuriteInstance;
  let server: TestPostgres;

  beforeAll(async () => {
    [emulator, azurite, server] = await Promise.all([startAzureEmulator({ ...FAST }), startAzurite(), startPostgres({ password: DB_PASSWORD, tls: true })]);
    await server.query('CREATE DATABASE citus');
    await server.query(`CREATE TABLE entries (id int PRIMARY KEY, memo text); INSERT INTO entries SELECT g, repeat(md5(g::text), 6) FROM generate_series(1, 40000) g;`, 'citus');
    await cliSignInToEmulator(emulator, dataDir);
    const core = AppCore.open({ dataDir });
    const added = await core.repositoryCatalog.add({ name: 'vault', location: `${azurite.blobEndpoint}/vault`, password: 'outlive-repo-Pa55', storageCredential: { kind: 'sharedKey', accountKey: azurite.accountKey }, create: true, encryption: 'aes-256-gcm', isArchive: false }).finished;
    if (added.session.status !== 'succeeded') throw new Error('repository not created');
    const now = new Date().toISOString();
    core.inventory.upsertSubscription({ id: SUB, tenantId: emulator.tenantId, displayName: 'Production', state: 'Enabled', syncedAt: now });
    core.inventory.replaceResources(SUB, [{ id: clusterId, subscriptionId: SUB, resourceGroup: 'rg-prod', name: 'ledger', kind: 'postgres-cluster', api: null, location: 'westeurope', tags: {}, properties: { coordinator: `${server.host}:${server.port}` }, deleted: false, syncedAt: now }], now);
    await core.close();
  }, 120_000);
  afterAll(async () => {
    await emulator?.stop();
    await azurite?.stop();
    await server?.stop();
    temp.remove();
  });

  it('finishes on its worker after the CLI is killed, and the next start collects the result and releases the VM', async () => {
    const child = spawn(process.execPath, [CLI_BIN, '--data-dir', dataDir, 'backup', 'postgres', '--resource', clusterId, '--user', 'postgres', '--repo', 'vault'], { env: { ...process.env, PGPASSWORD: DB_PASSWORD }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const blobs = new BlobServiceClient(azurite.blobEndpoint, new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey));
    let mailbox = '';
    // The job is on its way once the app wrote the job and its sealed secrets into the mailbox.
    await until(`the job in the mailbox (CLI said: ${stderr})`, async () => {
      for await (const container of blobs.listContainers({ prefix: 'cb-mailbox-' })) mailbox = container.name;
      if (!mailbox) return false;
      const toAgent = blobs.getContainerClient(mailbox).getBlobClient('to-agent-000001.ndjson');
      // The container comes a moment before its first blob.
      if (!(await toAgent.exists())) return false;
      return (await toAgent.downloadToBuffer()).toString().includes('sealed-secrets');
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));

    // The agent goes on alone and writes its result.
    await until('the result in the mailbox', () => blobs.getContainerClient(mailbox).getBlobClient('result.frame').exists());
    const vm = [...emulator.state.generic.values()].find((r) => r.type === 'virtualMachines')!;
    expect(vm).toBeDefined();

    const core = AppCore.open({ dataDir });
    try {
      expect(core.restorePoints.list({ resourceId: clusterId })).toHaveLength(0);
      const sweep = core.sweepWorkers('start');
      expect(sweep).toBeDefined();
      const final = await core.sessions.waitFor(sweep!.id);
      const text = core.sessions.logs(final.id, 0, 500, 'debug').lines.map((l) => l.message).join('\n');
      expect(final.status, text).toBe('succeeded');
      expect(final.summary).toMatch(/1 worker VM\(s\) released; 1 result\(s\) of jobs that outlived the app collected/);
      expect(text).toMatch(/the backup backup-\d+-\d+ finished while the app was away; restore point [0-9a-f]{12} is now in the catalog of repository "vault"/);
      expect(core.restorePoints.list({ resourceId: clusterId })).toHaveLength(1);
      expect([...emulator.state.generic.values()].filter((r) => ['virtualMachines', 'networkInterfaces', 'disks'].includes(r.type))).toEqual([]);
      expect(core.workers.get(vm.name)).toMatchObject({ state: 'released' });
      expect(await blobs.getContainerClient(mailbox).exists()).toBe(false);
    } finally {
      await core.close();
    }
  }, 240_000);
});
