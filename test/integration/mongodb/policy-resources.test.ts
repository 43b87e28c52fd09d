import { join } from 'node:path';
import { EJSON, Int32 } from 'bson';
import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRepository, openRepository } from '../../../src-main/repository/index.ts';
import { startMongoFaultProxy, type MongoFaultProxy } from '../../helpers/mongo-fault-proxy.ts';
import { startMongo, type TestMongo } from '../../helpers/mongodb.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { SUB, startAzureTestEnv, type AzureTestEnv } from '../azure/fixture.ts';
import { canonicalDocuments } from './sample-data.ts';

const RG = 'rg-data';
// The app keeps ARM ids in lower case (ARM compares them without case).
const accountId = `/subscriptions/${SUB}/resourcegroups/${RG}/providers/microsoft.documentdb/databaseaccounts/shop-mongo`;
const vcoreId = `/subscriptions/${SUB}/resourcegroups/${RG}/providers/microsoft.documentdb/mongoclusters/sales-vcore`;

/**
 * A policy that backs up MongoDB resources of the Azure inventory: a Cosmos DB for MongoDB RU
 * account whose connection string (with its key) comes from ARM's listConnectionStrings, and a
 * MongoDB vCore cluster whose host comes from ARM and whose login is stored per resource. Both
 * stand for FerretDB through the Azure emulator's scenario.
 */
describe('a policy over Cosmos DB for MongoDB RU and vCore resources of the inventory', () => {
  const temp = makeTempDir('cosmos-mongo-policy-');
  const repoPath = join(temp.path, 'repo');
  let server: TestMongo;
  let client: MongoClient;
  let env: AzureTestEnv;
  // The RU account answers through a proxy that speaks Cosmos RU's own commands (GetCollection, shardCollection).
  let cosmos: MongoFaultProxy;

  beforeAll(async () => {
    server = await startMongo();
    client = await server.client();
    await client.db('catalog').collection('products').insertMany(Array.from({ length: 120 }, (_, i) => ({ _id: `p-${i}` as never, price: new Int32(i * 3) })));
    await client.db('sales').collection('receipts').insertMany(Array.from({ length: 80 }, (_, i) => ({ _id: i as never, total: new Int32(i) })));
    cosmos = await startMongoFaultProxy(server.port, { cosmos: { shardKeys: { 'catalog.products': { _id: 'hashed' } } } });
    const key = encodeURIComponent(server.password);
    env = await startAzureTestEnv({
      scenario: {
        subscriptions: [{ subscriptionId: SUB, displayName: 'Production', resourceGroups: [{ name: RG, location: 'eastus' }] }],
        cosmosAccounts: [
          {
            subscriptionId: SUB,
            resourceGroup: RG,
            name: 'shop-mongo',
            location: 'eastus',
            api: 'MongoDB',
            serverVersion: '3.6',
            backup: { type: 'Continuous', tier: 'Continuous7Days' },
            // As ARM returns them for an RU account: the account's login and key in each string. Only
            // the read-write primary leads to the server (the others to a closed port), so any other choice fails the backup.
            connectionStrings: [
              { connectionString: `mongodb://${encodeURIComponent(server.user)}:${key}@127.0.0.1:1/?authSource=admin&retrywrites=false`, description: 'Primary Read-Only MongoDB Connection String' },
              { connectionString: `mongodb://${encodeURIComponent(server.user)}:${key}@127.0.0.1:1/?authSource=admin&retrywrites=false`, description: 'Secondary MongoDB Connection String' },
              { connectionString: `mongodb://${encodeURIComponent(server.user)}:${key}@127.0.0.1:${cosmos.port}/?authSource=admin&retrywrites=false`, description: 'Primary MongoDB Connection String' },
              { connectionString: `mongodb://${encodeURIComponent(server.user)}:${key}@127.0.0.1:1/?authSource=admin&retrywrites=false`, description: 'Secondary Read-Only MongoDB Connection String' },
            ],
          },
        ],
        mongoClusters: [{ subscriptionId: SUB, resourceGroup: RG, name: 'sales-vcore', location: 'eastus', connectionString: `mongodb://<user>:<password>@127.0.0.1:${server.port}/?authSource=admin` }],
      },
    });
    const core = env.core;
    expect((await core.sessions.waitFor(core.azure.startSync().id)).status).toBe('succeeded');
    await initRepository(repoPath, { password: 'repo-pass', scrypt: { n: 1024, r: 8, p: 1 } });
    const repository = core.repositories.add({ name: 'mongo nightly', location: repoPath, kind: 'local', encrypted: true }, new Date().toISOString());
    await core.repositoryCatalog.rememberPassword(repository.id, 'repo-pass');
    core.policies.save({
      name: 'Mongo nightly',
      scope: { include: { subscriptions: [SUB] } },
      repositoryBackup: { repositoryId: repository.id, schedules: { daily: { enabled: true, time: '02:00', keepDays: 7 } } },
    });
  });
  afterAll(async () => {
    await client?.close();
    await env?.close();
    await cosmos?.stop();
    await server?.stop();
    temp.remove();
  });

  it('skips the vCore cluster without a login (a warning that says how to set one) and backs up the RU account with its key from ARM', async () => {
    const core = env.core;
    // The account's API version is recorded from ARM (apiProperties.serverVersion).
    expect(core.inventory.getResource(accountId)?.properties).toMatchObject({ serverVersion: '3.6' });
    const policy = core.policies.get('Mongo nightly');
    const run = core.policyRuns.start({ policyId: policy.id, schedules: ['daily'] });
    const final = await core.sessions.waitFor(run.id);
    const log = core.sessions.logs(run.id, 0, 500, 'debug').lines.map((line) => line.message).join('\n');
    expect(final.status, log).toBe('warning');
    expect(final.summary).toBe('1 of 2 resource(s) backed up; skipped: sales-vcore.');
    expect(log).toContain(`sales-vcore: no database login is set, so it was skipped. Set one: cosmos-backup resource-login set "${vcoreId}"`);
    const points = core.restorePoints.list({ resourceId: accountId });
    expect(points).toHaveLength(1);
    expect(points[0]!.metadata).toMatchObject({ resourceName: 'shop-mongo' });
    expect(log).toMatch(/shop-mongo: backed up \(Restore point [0-9a-f]{12}: 2 database\(s\) \(catalog, sales\), 200 documents/);
  });

  it('backs up both once the cluster has a login, and restores the RU backup with identical documents', async () => {
    const core = env.core;
    await core.resourceLogins.set(vcoreId, { user: server.user, password: server.password });
    const policy = core.policies.get('Mongo nightly');
    const run = core.policyRuns.start({ policyId: policy.id, schedules: ['daily'] });
    const final = await core.sessions.waitFor(run.id);
    const log = [run.id, ...core.sessions.list({ parentId: run.id, limit: 50 }).map((task) => task.id)].flatMap((id) => core.sessions.logs(id, 0, 500, 'debug').lines.map((line) => line.message)).join('\n');
    expect(final.status, log).toBe('succeeded');
    expect(final.summary).toBe('2 of 2 resource(s) backed up.');
    const repository = await openRepository(repoPath, { password: 'repo-pass' });
    const { restorePoints } = await repository.listRestorePoints();
    const vcorePoint = restorePoints.find((point) => point.manifest.resource.id === vcoreId)!;
    expect(vcorePoint.manifest.engine.name).toBe('mongodb');
    expect(vcorePoint.manifest.resource).toMatchObject({ name: 'sales-vcore', kind: 'mongo-vcore-cluster' });
    expect(vcorePoint.manifest.entries.find((entry) => entry.name === 'mongodb/databases/sales/receipts/documents.bsc')?.counts?.documents).toBe(80);
    // The account key from ARM and the stored login never reach a manifest or a session log.
    expect(JSON.stringify(restorePoints) + log).not.toContain(server.password);
    const accountPoint = restorePoints.filter((point) => point.manifest.resource.id === accountId).at(-1)!;
    // An RU account of the inventory is treated as one although its host name (loopback here) does not say so: its shard keys are recorded.
    const chunks: Buffer[] = [];
    for await (const piece of await repository.openEntry(accountPoint.id, 'mongodb/databases/catalog/products/collection.json')) chunks.push(piece as Buffer);
    expect(EJSON.parse(Buffer.concat(chunks).toString('utf8'))).toMatchObject({ shardKey: { _id: 'hashed' } });
    expect(cosmos.commands.filter((command) => command.name === 'GetCollection').map((command) => command.namespace)).toContain('catalog.products');
    const restore = await core.workerJobs.startRestore({
      repository: { ref: 'mongo nightly' },
      restorePointId: accountPoint.id,
      databases: ['catalog'],
      target: { kind: 'database', uri: server.uriWithUser(), password: server.password, databaseMap: { catalog: 'catalog_restored' } },
    });
    expect((await restore.finished).session.status).toBe('succeeded');
    expect(await canonicalDocuments(client, 'catalog_restored', 'products')).toEqual(await canonicalDocuments(client, 'catalog', 'products'));
  });
});
