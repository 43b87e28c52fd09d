import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ContinuousModeBackupPolicy, PeriodicModeBackupPolicy } from '@azure/arm-cosmosdb';
import { all, cosmosClient, credentialFor, FAST, POLL, startAzureEmulator, SUB } from './fixture.ts';
import type { AzureEmulator } from './fixture.ts';

describe('Cosmos DB accounts through @azure/arm-cosmosdb', () => {
  let emulator: AzureEmulator;
  beforeAll(async () => {
    emulator = await startAzureEmulator({ ...FAST, throttling: false });
  });
  afterAll(async () => {
    await emulator?.stop();
  });
  beforeEach(() => {
    emulator.faults.clear();
    emulator.settings.pageSize = 100;
  });

  it('lists accounts per subscription and resource group, following nextLink pages', async () => {
    emulator.settings.pageSize = 2;
    emulator.callLog.clear();
    const client = cosmosClient(emulator);
    const accounts = await all(client.databaseAccounts.list());
    expect(accounts.map((a) => a.name).sort()).toEqual(['catalog-mongo', 'events-table', 'graph-gremlin', 'orders-sql', 'ring-cassandra', 'telemetry-periodic']);
    const pages = emulator.callLog.count({ method: 'GET', path: /\/providers\/Microsoft\.DocumentDB\/databaseAccounts$/ });
    expect(pages).toBe(3);
    const inRg = await all(client.databaseAccounts.listByResourceGroup('rg-prod'));
    expect(inRg.map((a) => a.name).sort()).toEqual(['catalog-mongo', 'orders-sql']);
  });

  it('gets an account shaped like the ARM example', async () => {
    const a = await cosmosClient(emulator).databaseAccounts.get('rg-prod', 'catalog-mongo');
    expect(a.kind).toBe('MongoDB');
    expect(a.location).toBe('West US');
    expect(a.keyVaultKeyUri).toBe('https://contoso-kv.vault.azure.net/keys/cosmos');
    expect(a.capabilities?.map((c) => c.name)).toEqual(['EnableMongo']);
    expect(a.backupPolicy?.type).toBe('Continuous');
    expect((a.backupPolicy as ContinuousModeBackupPolicy).continuousModeProperties?.tier).toBe('Continuous30Days');
    expect(a.instanceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.locations?.[0]?.locationName).toBe('West US');
  });

  it('PATCHes the continuous tier; the SDK poller follows the operation to the end', async () => {
    const client = cosmosClient(emulator);
    emulator.callLog.clear();
    const updated = await client.databaseAccounts.update('rg-prod', 'orders-sql', { backupPolicy: { type: 'Continuous', continuousModeProperties: { tier: 'Continuous30Days' } } as ContinuousModeBackupPolicy }, POLL);
    expect(updated.provisioningState).toBe('Succeeded');
    expect((updated.backupPolicy as ContinuousModeBackupPolicy).continuousModeProperties?.tier).toBe('Continuous30Days');
    expect(emulator.callLog.count({ method: 'GET', path: /operationsStatus/ })).toBeGreaterThan(0);
    const again = await client.databaseAccounts.get('rg-prod', 'orders-sql');
    expect((again.backupPolicy as ContinuousModeBackupPolicy).continuousModeProperties?.tier).toBe('Continuous30Days');
  });

  it('refuses a second update while one runs (412 PreconditionFailed)', async () => {
    const client = cosmosClient(emulator);
    emulator.settings.durations.accountUpdate = 5_000;
    try {
      const poller = client.databaseAccounts.update('rg-prod', 'orders-sql', { tags: { a: '1' } }, POLL);
      await poller.submitted();
      await expect(client.databaseAccounts.update('rg-prod', 'orders-sql', { tags: { b: '2' } }, POLL)).rejects.toMatchObject({ statusCode: 412, code: 'PreconditionFailed' });
      emulator.advanceTime(5_000);
      const done = await poller;
      expect(done.tags).toEqual({ a: '1' });
    } finally {
      emulator.settings.durations.accountUpdate = FAST.durations?.accountUpdate ?? 150;
    }
  });

  it('migrates periodic → continuous over time, blocking other updates meanwhile', async () => {
    const client = cosmosClient(emulator);
    emulator.settings.durations.backupMigration = 60_000;
    const after = await client.databaseAccounts.update('rg-data', 'telemetry-periodic', { backupPolicy: { type: 'Continuous', continuousModeProperties: { tier: 'Continuous7Days' } } as ContinuousModeBackupPolicy }, POLL);
    expect(after.backupPolicy?.type).toBe('Periodic');
    expect(after.backupPolicy?.migrationState).toMatchObject({ status: 'InProgress', targetType: 'Continuous' });
    expect(after.backupPolicy?.migrationState?.startTime).toBeInstanceOf(Date);
    await expect(client.databaseAccounts.update('rg-data', 'telemetry-periodic', { tags: { x: 'y' } }, POLL)).rejects.toMatchObject({ statusCode: 409, code: 'Conflict' });
    emulator.advanceTime(60_000);
    const done = await client.databaseAccounts.get('rg-data', 'telemetry-periodic');
    expect(done.backupPolicy?.type).toBe('Continuous');
    expect((done.backupPolicy as ContinuousModeBackupPolicy).continuousModeProperties?.tier).toBe('Continuous7Days');
    expect(done.backupPolicy?.migrationState?.status).toBe('Completed');
    // one-way
    await expect(client.databaseAccounts.update('rg-data', 'telemetry-periodic', { backupPolicy: { type: 'Periodic', periodicModeProperties: {} } as PeriodicModeBackupPolicy }, POLL)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('answers ARM errors: 404 for unknown accounts/groups, 401 for a bad token, 400 for api-version', async () => {
    const client = cosmosClient(emulator);
    await expect(client.databaseAccounts.get('rg-prod', 'nope')).rejects.toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    await expect(client.databaseAccounts.get('rg-missing', 'nope')).rejects.toMatchObject({ statusCode: 404, code: 'ResourceGroupNotFound' });
    const badToken = new (await import('@azure/arm-cosmosdb')).CosmosDBManagementClient(
      { getToken: async () => ({ token: 'x', expiresOnTimestamp: Date.now() + 3600_000 }) },
      SUB,
      { endpoint: emulator.armEndpoint, tlsOptions: { ca: emulator.caCertPem } },
    );
    await expect(badToken.databaseAccounts.get('rg-prod', 'orders-sql')).rejects.toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
    const pinned = new (await import('@azure/arm-cosmosdb')).CosmosDBManagementClient(
      credentialFor(emulator),
      SUB,
      { endpoint: emulator.armEndpoint, tlsOptions: { ca: emulator.caCertPem }, apiVersion: '2099-01-01' },
    );
    await expect(pinned.databaseAccounts.get('rg-prod', 'orders-sql')).rejects.toMatchObject({ statusCode: 400, code: 'InvalidApiVersionParameter' });
  });

  it('deletes an account; a continuous one becomes a deleted restorable account', async () => {
    const client = cosmosClient(emulator);
    const before = await client.databaseAccounts.get('rg-data', 'graph-gremlin');
    await client.databaseAccounts.delete('rg-data', 'graph-gremlin', POLL);
    await expect(client.databaseAccounts.get('rg-data', 'graph-gremlin')).rejects.toMatchObject({ statusCode: 404 });
    const restorable = await client.restorableDatabaseAccounts.getByLocation('eastus', before.instanceId ?? '');
    expect(restorable.accountName).toBe('graph-gremlin');
    expect(restorable.deletionTime).toBeInstanceOf(Date);
    expect(restorable.apiType).toBe('Gremlin');
  });
});
