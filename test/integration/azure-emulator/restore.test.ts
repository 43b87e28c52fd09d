import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseAccountCreateUpdateParameters, RestoreParameters } from '@azure/arm-cosmosdb';
import { all, cosmosClient, DEV_SUB, FAST, POLL, startAzureEmulator, SUB } from './fixture.ts';
import type { AzureEmulator } from './fixture.ts';

const DAY = 86_400_000;

function restoreRequest(source: string, at: Date, location: string, extra: Partial<RestoreParameters> = {}): DatabaseAccountCreateUpdateParameters {
  return {
    location,
    kind: 'GlobalDocumentDB',
    locations: [{ locationName: location, failoverPriority: 0 }],
    databaseAccountOfferType: 'Standard',
    createMode: 'Restore',
    restoreParameters: { restoreMode: 'PointInTime', restoreSource: source, restoreTimestampInUtc: at, ...extra },
    backupPolicy: { type: 'Continuous', continuousModeProperties: { tier: 'Continuous30Days' } },
  } as DatabaseAccountCreateUpdateParameters;
}

describe('continuous backup: restorable resources and point-in-time restore', () => {
  let emulator: AzureEmulator;
  beforeAll(async () => {
    emulator = await startAzureEmulator({ ...FAST, throttling: false });
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it('lists restorable accounts (live and deleted, not periodic ones) with their window', async () => {
    const client = cosmosClient(emulator);
    const list = await all(client.restorableDatabaseAccounts.list());
    expect(list.map((r) => r.accountName).sort()).toEqual(['catalog-mongo', 'events-table', 'graph-gremlin', 'orders-sql', 'retired-sql', 'ring-cassandra']);
    const retired = list.find((r) => r.accountName === 'retired-sql');
    expect(retired?.deletionTime).toBeInstanceOf(Date);
    const westus = await all(client.restorableDatabaseAccounts.listByLocation('West US'));
    expect(westus.map((r) => r.accountName).sort()).toEqual(['catalog-mongo', 'orders-sql', 'retired-sql']);
    const orders = westus.find((r) => r.accountName === 'orders-sql');
    // Continuous7Days: the window starts 7 days ago
    expect(Math.abs(Date.now() - 7 * DAY - (orders?.oldestRestorableTime?.getTime() ?? 0))).toBeLessThan(60_000);
    expect(orders?.restorableLocations?.map((l) => l.locationName)).toEqual(['West US', 'East US']);
  });

  it('lists restorable SQL databases, containers (by database rid, time-filtered) and resources at a time', async () => {
    const client = cosmosClient(emulator);
    const orders = await client.databaseAccounts.get('rg-prod', 'orders-sql');
    const id = orders.instanceId ?? '';
    const dbs = await all(client.restorableSqlDatabases.list('westus', id));
    const legacyDelete = dbs.find((d) => d.resource?.ownerId === 'legacy' && d.resource.operationType === 'Delete');
    expect(legacyDelete?.resource?.canUndelete).toBe('canUndelete');
    const ordersDb = dbs.find((d) => d.resource?.ownerId === 'orders');
    const containers = await all(client.restorableSqlContainers.list('westus', id, { restorableSqlDatabaseRid: ordersDb?.resource?.ownerResourceId }));
    expect(containers.filter((c) => c.resource?.operationType === 'Delete').map((c) => c.resource?.ownerId)).toEqual(['archive']);
    const recent = await all(client.restorableSqlContainers.list('westus', id, { restorableSqlDatabaseRid: ordersDb?.resource?.ownerResourceId, startTime: new Date(Date.now() - 3 * DAY).toISOString(), endTime: new Date().toISOString() }));
    expect(recent.map((c) => `${c.resource?.operationType}:${c.resource?.ownerId}`)).toEqual(['Delete:archive']);
    const fourDaysAgo = await all(client.restorableSqlResources.list('westus', id, { restoreLocation: 'westus', restoreTimestampInUtc: new Date(Date.now() - 4 * DAY).toISOString() }));
    expect(fourDaysAgo.map((r) => [r.databaseName, r.collectionNames?.sort()])).toEqual([
      ['orders', ['archive', 'customers', 'items']],
      ['legacy', ['old']],
    ]);
    await expect(all(client.restorableSqlResources.list('westus', id, { restoreLocation: 'westus', restoreTimestampInUtc: new Date(Date.now() - 20 * DAY).toISOString() }))).rejects.toMatchObject({ statusCode: 400 });
  });

  it('lists MongoDB, Gremlin and Table restorable resources', async () => {
    const client = cosmosClient(emulator);
    const mongo = await client.databaseAccounts.get('rg-prod', 'catalog-mongo');
    const mdbs = await all(client.restorableMongodbDatabases.list('westus', mongo.instanceId ?? ''));
    expect(mdbs.map((d) => d.resource?.ownerId)).toEqual(['catalog']);
    const cols = await all(client.restorableMongodbCollections.list('westus', mongo.instanceId ?? '', { restorableMongodbDatabaseRid: mdbs[0]?.resource?.ownerResourceId }));
    expect(cols.map((c) => c.resource?.ownerId).sort()).toEqual(['prices', 'products']);
    const mres = await all(client.restorableMongodbResources.list('westus', mongo.instanceId ?? '', { restoreLocation: 'westus', restoreTimestampInUtc: new Date(Date.now() - DAY).toISOString() }));
    expect(mres[0]?.collectionNames?.sort()).toEqual(['prices', 'products']);

    const gremlin = await client.databaseAccounts.get('rg-data', 'graph-gremlin');
    const gres = await all(client.restorableGremlinResources.list('eastus', gremlin.instanceId ?? '', { restoreLocation: 'eastus', restoreTimestampInUtc: new Date(Date.now() - DAY).toISOString() }));
    expect(gres.map((g) => [g.databaseName, g.graphNames])).toEqual([['social', ['people']]]);

    const tables = await client.databaseAccounts.get('rg-data', 'events-table');
    const tres = await all(client.restorableTableResources.list('eastus', tables.instanceId ?? '', { restoreLocation: 'eastus', restoreTimestampInUtc: new Date(Date.now() - DAY).toISOString() }));
    expect(tres.map((t) => t.name).sort()).toEqual(['audit', 'events']);
  });

  it('restores into a new account (selected containers) and validates the request', async () => {
    const client = cosmosClient(emulator);
    const list = await all(client.restorableDatabaseAccounts.listByLocation('westus'));
    const retired = list.find((r) => r.accountName === 'retired-sql');
    const source = retired?.id ?? '';
    const at = new Date(Date.now() - 6 * DAY);
    const restored = await client.databaseAccounts.createOrUpdate('rg-prod', 'retired-restored', restoreRequest(source, at, 'westus', { databasesToRestore: [{ databaseName: 'history', collectionNames: ['entries'] }] }), POLL);
    expect(restored.provisioningState).toBe('Succeeded');
    expect(restored.createMode).toBe('Restore');
    expect(restored.restoreParameters?.restoreSource).toBe(source);
    const containers = await all(client.sqlResources.listSqlContainers('rg-prod', 'retired-restored', 'history'));
    expect(containers.map((c) => c.name)).toEqual(['entries']);

    const tooOld = new Date(Date.now() - 40 * DAY);
    await expect(client.databaseAccounts.createOrUpdate('rg-prod', 'restore-too-old', restoreRequest(source, tooOld, 'westus'), POLL)).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/restorable window/) });
    await expect(client.databaseAccounts.createOrUpdate('rg-prod', 'orders-sql', restoreRequest(source, at, 'westus'), POLL)).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/already exists/) });
    await expect(client.databaseAccounts.createOrUpdate('rg-data', 'orders-sql', restoreRequest(source, at, 'westus'), POLL)).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/already taken/) });
    await expect(client.databaseAccounts.createOrUpdate('rg-prod', 'Bad_Name', restoreRequest(source, at, 'westus'), POLL)).rejects.toMatchObject({ statusCode: 400, code: 'InvalidResourceName' });
    await expect(client.databaseAccounts.createOrUpdate('rg-prod', 'restore-elsewhere', restoreRequest(source, at, 'northeurope'), POLL)).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/regions where the source account exists/) });
    await expect(client.databaseAccounts.createOrUpdate('rg-prod', 'restore-missing-db', restoreRequest(source, at, 'westus', { databasesToRestore: [{ databaseName: 'nope' }] }), POLL)).rejects.toMatchObject({ statusCode: 400 });

    const dev = cosmosClient(emulator, DEV_SUB);
    const orders = list.find((r) => r.accountName === 'orders-sql');
    await expect(dev.databaseAccounts.createOrUpdate('rg-dev', 'policy-blocked', restoreRequest(orders?.id ?? '', new Date(Date.now() - DAY), 'eastus'), POLL)).resolves.toMatchObject({ provisioningState: 'Succeeded' });
    emulator.state.subscription(DEV_SUB).allowedLocations = ['westus'];
    await expect(dev.databaseAccounts.createOrUpdate('rg-dev', 'policy-blocked2', restoreRequest(orders?.id ?? '', new Date(Date.now() - DAY), 'eastus'), POLL)).rejects.toMatchObject({ statusCode: 403, code: 'RequestDisallowedByPolicy' });
  });

  it('restores a deleted database and container inside the account', async () => {
    const client = cosmosClient(emulator);
    const orders = await client.databaseAccounts.get('rg-prod', 'orders-sql');
    const source = `/subscriptions/${SUB}/providers/Microsoft.DocumentDB/locations/westus/restorableDatabaseAccounts/${orders.instanceId ?? ''}`;
    const at = new Date(Date.now() - 4 * DAY);
    await client.sqlResources.createUpdateSqlDatabase('rg-prod', 'orders-sql', 'legacy', { resource: { id: 'legacy', createMode: 'Restore', restoreParameters: { restoreSource: source, restoreTimestampInUtc: at } }, options: {} }, POLL);
    const legacy = await all(client.sqlResources.listSqlContainers('rg-prod', 'orders-sql', 'legacy'));
    expect(legacy.map((c) => c.name)).toEqual(['old']);
    await client.sqlResources.createUpdateSqlContainer('rg-prod', 'orders-sql', 'orders', 'archive', { resource: { id: 'archive', createMode: 'Restore', restoreParameters: { restoreSource: source, restoreTimestampInUtc: at } }, options: {} }, POLL);
    const names = (await all(client.sqlResources.listSqlContainers('rg-prod', 'orders-sql', 'orders'))).map((c) => c.name).sort();
    expect(names).toEqual(['archive', 'customers', 'items']);
    await expect(client.sqlResources.createUpdateSqlDatabase('rg-prod', 'orders-sql', 'orders', { resource: { id: 'orders', createMode: 'Restore', restoreParameters: { restoreSource: source, restoreTimestampInUtc: at } }, options: {} }, POLL)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('retrieves continuous backup information (an LRO) for a container and a collection', async () => {
    const client = cosmosClient(emulator);
    const info = await client.sqlResources.retrieveContinuousBackupInformation('rg-prod', 'orders-sql', 'orders', 'items', { location: 'westus' }, POLL);
    expect(info.continuousBackupInformation?.latestRestorableTimestamp).toBeTruthy();
    const minfo = await client.mongoDBResources.retrieveContinuousBackupInformation('rg-prod', 'catalog-mongo', 'catalog', 'products', { location: 'westus' }, POLL);
    expect(minfo.continuousBackupInformation?.latestRestorableTimestamp).toBeTruthy();
  });

  it('drops a deleted account from the restorable list once its window has passed', async () => {
    const client = cosmosClient(emulator);
    emulator.advanceTime(31 * DAY);
    const names = (await all(client.restorableDatabaseAccounts.list())).map((r) => r.accountName);
    expect(names).not.toContain('retired-sql');
    expect(names).toContain('orders-sql');
  });
});
