// Benchmark: time from "start backup" to the first byte the worker writes into the repository, for
// a backup on a worker VM, against the emulated provisioning floor — the time the emulator makes any
// caller wait to create the VM (with its NIC) and to start a Run Command. Azure-like delays (VM
// create 40 s, Run Command 15 s, network 10 s), real time. The auto network and the staged agent
// bundle are steady state (made by a warm-up job first, as once per region and per agent version).
// Target: ≤ 1.1× the floor (median of 3 jobs). Also measured: a kept-warm worker (VM start 25 s
// instead of create). Run: npm run bench:worker-vm
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { ArmClients } from '../../src-main/azure/arm-clients.ts';
import { customCloud } from '../../src-main/azure/cloud-profiles.ts';
import { createServicePrincipalCredential } from '../../src-main/azure/service-principal-credential.ts';
import type { AzureConnection } from '../../src-main/azure/sign-in/azure-connector.ts';
import { AppCore } from '../../src-main/app/app-core.ts';
import { MemorySecretStore } from '../../src-main/core/secrets/secret-store.ts';
import { startAzureEmulator } from '../azure-emulator/index.ts';
import { startAzurite } from '../helpers/azurite.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const SUB = '00000000-1111-4222-8333-444444444444';
const DURATIONS = { vmCreate: 40_000, vmStart: 25_000, runCommand: 15_000, network: 10_000, compute: 5_000 };
const ROUNDS = 3;

const dir = makeTempDir('cosmos-bench-worker-vm-');
const [emulator, azurite, server] = await Promise.all([
  startAzureEmulator({ scenario: new URL('../azure-emulator/scenarios/default.json', import.meta.url).pathname, throttling: false, retryAfterSeconds: 0, durations: DURATIONS }),
  startAzurite(),
  startPostgres({ password: 'bench-db', tls: true }),
]);
await server.query('CREATE DATABASE citus');
await server.query(`CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 50000) g;`, 'citus');
const profile = customCloud({ name: 'emulator', armEndpoint: emulator.armEndpoint, authorityHost: emulator.authorityHost, caCertFile: emulator.caCertFile, armAudience: 'https://management.azure.com' });
// Polls every 250 ms: the floor is what ARM makes a caller wait, not the caller's poll interval.
const arm = new ArmClients(profile, createServicePrincipalCredential(profile, { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecret: emulator.clientSecret }), { pollIntervalMs: 250 });
const connection: AzureConnection = { profile, tenantId: emulator.tenantId, clientId: emulator.clientId, source: 'environment', signInId: null, arm };
const core = AppCore.open({ dataDir: join(dir.path, 'data'), secrets: new MemorySecretStore(), azureConnector: { connect: async () => connection }, workerTuning: { pollMs: 100, statusEveryMs: 5000 } });
const added = await core.repositoryCatalog.add({ name: 'vault', location: `${azurite.blobEndpoint}/vault`, password: 'bench-repo', storageCredential: { kind: 'sharedKey', accountKey: azurite.accountKey }, create: true, encryption: 'aes-256-gcm', isArchive: false }).finished;
const clusterId = `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/bench`;
const now = new Date().toISOString();
core.inventory.upsertSubscription({ id: SUB, tenantId: emulator.tenantId, displayName: 'Production', state: 'Enabled', syncedAt: now });
core.inventory.replaceResources(SUB, [{ id: clusterId, subscriptionId: SUB, resourceGroup: 'rg-prod', name: 'bench', kind: 'postgres-cluster', api: null, location: 'westeurope', tags: {}, properties: { coordinator: `${server.host}:${server.port}` }, deleted: false, syncedAt: now }], now);
const repo = new BlobServiceClient(azurite.blobEndpoint, new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey)).getContainerClient('vault');

/** Runs one backup; resolves with the seconds from start to the first new blob in the repository. */
async function firstByteSeconds(): Promise<number> {
  const before = new Set<string>();
  for await (const blob of repo.listBlobsFlat()) before.add(blob.name);
  const started = performance.now();
  const job = await core.workerJobs.startBackup({ repository: { ref: added.result!.id }, source: { resourceId: clusterId, user: 'postgres', password: 'bench-db' } });
  let first: number | undefined;
  while (first === undefined) {
    for await (const blob of repo.listBlobsFlat()) if (!before.has(blob.name)) first = performance.now();
    if (first === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const final = await job.finished;
  if (final.session.status !== 'succeeded') throw new Error(`backup ${final.session.status}: ${final.session.summary}`);
  return (first - started) / 1000;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
await firstByteSeconds(); // warm-up: the auto network and the staged bundle
const created: number[] = [];
for (let i = 0; i < ROUNDS; i++) created.push(await firstByteSeconds());
const floor = (DURATIONS.vmCreate + DURATIONS.runCommand) / 1000;

// Keep-warm: the same region with a worker configuration that keeps its worker 30 min.
await core.workersService.save({ name: 'warm', region: 'westeurope', subnetId: `/subscriptions/${SUB}/resourceGroups/cosmos-backup-workers-westeurope/providers/Microsoft.Network/virtualNetworks/cbw-vnet/subnets/workers`, keepWarmMinutes: 30 });
await firstByteSeconds(); // leaves a kept-warm worker
const warm = await firstByteSeconds();
const warmFloor = (DURATIONS.vmStart + DURATIONS.runCommand) / 1000;

const ratio = median(created) / floor;
console.log(
  JSON.stringify(
    {
      benchmark: 'worker VM: start backup → first byte in the repository',
      delaysSeconds: Object.fromEntries(Object.entries(DURATIONS).map(([k, v]) => [k, v / 1000])),
      newWorkerSeconds: created.map((s) => Number(s.toFixed(2))),
      medianSeconds: Number(median(created).toFixed(2)),
      floorSeconds: floor,
      ratio: Number(ratio.toFixed(3)),
      target: '≤ 1.1',
      keptWarmSeconds: Number(warm.toFixed(2)),
      keptWarmFloorSeconds: warmFloor,
      keptWarmRatio: Number((warm / warmFloor).toFixed(3)),
    },
    null,
    2,
  ),
);
await core.close();
await Promise.all([emulator.stop(), azurite.stop(), server.stop()]);
dir.remove();
process.exit(ratio <= 1.1 ? 0 : 1);
