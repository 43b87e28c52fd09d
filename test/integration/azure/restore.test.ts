import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { channels } from '../../../src-main/shared/contract.ts';
import type { CosmosAccountRestoreRequest } from '../../../src-main/azure/pitr/cosmos-account-restore.ts';
import { accountId, continuousPolicy, emulated, finished, startAzureTestEnv, SUB, unlistedCalls, type AzureTestEnv } from './fixture.ts';

const HOUR = 3600_000;

describe('point-in-time restores against the Azure emulator', () => {
  let env: AzureTestEnv;
  const ago = (ms: number) => new Date(env.emulator.now() - ms);
  const restore = (request: Partial<CosmosAccountRestoreRequest>) =>
    finished(env.core, env.core.azure.startAccountRestore({ source: { resourceId: accountId('rg-prod', 'orders-sql') }, targetName: 'orders-restored', targetResourceGroup: 'rg-prod', timestamp: ago(HOUR), reason: 'test', ...request }));

  beforeAll(async () => {
    env = await startAzureTestEnv();
    env.core.policies.save(continuousPolicy('all', 'Continuous7Days', { scope: { include: { subscriptions: [SUB] } } }));
    await finished(env.core, env.core.azure.startSync());
  });
  afterAll(async () => {
    if (env) expect(unlistedCalls(env.emulator, [/^DELETE .*graph-gremlin$/])).toEqual([]);
    await env?.close();
  });
  beforeEach(() => {
    expect(unlistedCalls(env.emulator, [/^DELETE .*graph-gremlin$/])).toEqual([]);
    env.emulator.faults.clear();
    env.emulator.callLog.clear();
  });

  it('restores selected containers into a new account, with TTL and public access off, and records the reason', async () => {
    const { session, text } = await restore({
      targetName: 'orders-pitr',
      region: 'eastus',
      selection: { databases: [{ name: 'orders', children: ['items'] }] },
      disableTtl: true,
      disablePublicNetworkAccess: true,
      reason: 'ticket 4711: items overwritten by a bad deploy',
    });
    expect(session.status, text).toBe('succeeded');
    const restored = emulated(env.emulator, 'orders-pitr')!;
    expect(restored.createMode).toBe('Restore');
    expect(restored.locations.map((l) => l.name)).toEqual(['eastus']);
    expect(restored.publicNetworkAccess).toBe('Disabled');
    expect(restored.restoreParameters).toMatchObject({ restoreWithTtlDisabled: true, databasesToRestore: [{ databaseName: 'orders', collectionNames: ['items'] }] });
    expect(restored.databases.map((d) => [d.name, d.children.map((c) => c.name)])).toEqual([['orders', ['items']]]);
    expect(text).toContain('Restore reason: ticket 4711: items overwritten by a bad deploy');
    const journal = env.core.azure.restores.list()[0]!;
    expect(journal).toMatchObject({ status: 'succeeded', reason: 'ticket 4711: items overwritten by a bad deploy', kind: 'cosmos-account', targetResourceId: accountId('rg-prod', 'orders-pitr') });
    // The restore audit has it too, with who, beside repository restores.
    expect(env.core.restoreAudit.list().find((entry) => entry.sessionId === session.id)).toMatchObject({ kind: 'point-in-time', what: 'Point-in-time restore into orders-pitr', reason: 'ticket 4711: items overwritten by a bad deploy', requestedBy: expect.any(String) });
  });

  it('restores a deleted account from its restore-point record', async () => {
    const gremlin = accountId('rg-data', 'graph-gremlin');
    await env.connector.connection.arm.cosmos(SUB).databaseAccounts.delete('rg-data', 'graph-gremlin', env.connector.connection.arm.pollOptions);
    expect(emulated(env.emulator, 'graph-gremlin')).toBeUndefined();
    // A sync after the deletion keeps the account (marked deleted) and records its window ending at the deletion.
    await finished(env.core, env.core.azure.startSync());
    expect(env.core.inventory.getResource(gremlin)?.deleted).toBe(true);
    const record = env.core.restorePoints.list({ resourceId: gremlin })[0]!;
    expect(record.metadata).toMatchObject({ deleted: true, api: 'Gremlin', databases: [{ name: 'social', children: ['people'] }] });
    const { session, text } = await restore({ source: { resourceId: gremlin }, targetName: 'graph-back', targetResourceGroup: 'rg-data', timestamp: new Date(new Date(record.windowEnd!).getTime() - 60_000), reason: 'deleted by mistake' });
    expect(session.status, text).toBe('succeeded');
    expect(text).toMatch(/Restoring deleted account graph-gremlin \(Gremlin/);
    const back = emulated(env.emulator, 'graph-back')!;
    expect(back.api).toBe('Gremlin');
    expect(back.databases.map((d) => d.name)).toEqual(['social']);
  });

  it('refuses bad input with clear errors and leaves nothing behind', async () => {
    const cases: [Partial<CosmosAccountRestoreRequest>, RegExp][] = [
      [{ timestamp: ago(10 * 24 * HOUR) }, /outside the restorable window/],
      [{ timestamp: ago(0) }, /outside the restorable window .*safety margin/],
      [{ targetName: 'catalog-mongo' }, /name "catalog-mongo" is already taken|already taken/],
      [{ targetName: 'Bad_Name' }, /not a valid Cosmos DB account name/],
      [{ targetName: 'ab' }, /not a valid Cosmos DB account name/],
      [{ region: 'northeurope' }, /Region "northeurope" is not allowed: the source account can only be restored to West US, East US/],
      [{ selection: { databases: [{ name: 'orders', children: ['archive'] }] }, timestamp: ago(24 * HOUR) }, /container "orders\/archive" did not exist \(orders then held: items, customers\)/],
      [{ selection: { databases: [{ name: 'nope' }] } }, /database "nope" did not exist/],
      [{ reason: ' ' }, /Give a reason/],
    ];
    const accountsBefore = env.emulator.state.accounts.length;
    for (const [request, message] of cases) {
      const { session, text } = await restore(request);
      expect(session.status, JSON.stringify(request)).toBe('failed');
      expect(text).toMatch(message);
    }
    expect(env.emulator.state.accounts.length).toBe(accountsBefore);
    expect(env.emulator.callLog.count({ method: 'PUT' })).toBe(0);
    expect(env.core.azure.restores.list().filter((r) => r.status === 'running')).toHaveLength(0);
  });

  it('reports a restore whose operation failed, and says no account was left', async () => {
    env.emulator.faults.failNextLro({ method: 'PUT', path: /databaseAccounts\/orders-failed$/ }, { code: 'InternalServerError', message: 'Restore failed on the backend' });
    const { session, text } = await restore({ targetName: 'orders-failed', reason: 'drill' });
    expect(session.status).toBe('failed');
    expect(text).toMatch(/Restore failed on the backend.* No account was left behind\./);
    expect(env.core.azure.restores.list()[0]).toMatchObject({ status: 'failed', targetResourceId: accountId('rg-prod', 'orders-failed') });
  });

  it('restores a deleted database and a deleted container inside the account', async () => {
    const orders = accountId('rg-prod', 'orders-sql');
    // "legacy" was deleted 3 days ago; the 7-day window still holds it.
    const db = await finished(env.core, env.core.azure.startInAccountRestore({ accountId: orders, database: 'legacy', timestamp: ago(4 * 24 * HOUR), reason: 'legacy reports' }));
    expect(db.session.status, db.text).toBe('succeeded');
    const legacy = emulated(env.emulator, 'orders-sql')!.databases.find((d) => d.name === 'legacy' && d.deletedAt === undefined);
    expect(legacy?.children.map((c) => c.name)).toEqual(['old']);
    // "archive" existed 3 days ago and was deleted 2 days ago.
    const container = await finished(env.core, env.core.azure.startInAccountRestore({ accountId: orders, database: 'orders', child: 'archive', timestamp: ago(3 * 24 * HOUR), reason: 'archive needed' }));
    expect(container.session.status, container.text).toBe('succeeded');
    expect(env.core.azure.restores.list()[0]).toMatchObject({ kind: 'cosmos-in-account', status: 'succeeded', targetResourceId: `${orders}/sqlDatabases/orders/containers/archive` });
    // A container that exists now cannot be restored in place; one that never existed is named.
    const live = await finished(env.core, env.core.azure.startInAccountRestore({ accountId: orders, database: 'orders', child: 'items', timestamp: ago(HOUR), reason: 'x' }));
    expect(live.text).toMatch(/already exists/);
    const never = await finished(env.core, env.core.azure.startInAccountRestore({ accountId: orders, database: 'orders', child: 'ghost', timestamp: ago(HOUR), reason: 'x' }));
    expect(never.text).toMatch(/container "orders\/ghost" did not exist/);
  });

  it('runs the same restores through the console contract (validated payloads)', async () => {
    const schema = channels['azure.restorePitr'].input;
    expect(schema.safeParse({ kind: 'in-account', accountId: accountId('rg-prod', 'orders-sql'), database: 'x', timestamp: 'yesterday', reason: '' }).success).toBe(false);
    const input = schema.parse({ kind: 'new-account', sourceResourceId: accountId('rg-prod', 'catalog-mongo'), targetName: 'catalog-console', targetResourceGroup: 'rg-prod', timestamp: ago(HOUR).toISOString(), reason: 'wizard' });
    const client = { transport: 'websocket' } as Parameters<(typeof env.core.handlers)['azure.restorePitr']>[1];
    const started = await env.core.handlers['azure.restorePitr'](input, client);
    const { session, text } = await finished(env.core, started);
    expect(session.status, text).toBe('succeeded');
    expect(emulated(env.emulator, 'catalog-console')?.api).toBe('MongoDB');
    const resources = await env.core.handlers['azure.resources'](channels['azure.resources'].input.parse({ includeDeleted: true }), client);
    expect(resources.some((r) => r.name === 'retired-sql' && r.deleted)).toBe(true);
  });

  it('restores a Cosmos DB for PostgreSQL cluster and a MongoDB vCore cluster to a point in time', async () => {
    const pgId = `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/billing-pg`;
    const pg = await finished(env.core, env.core.azure.startClusterRestore({ sourceResourceId: pgId, targetName: 'billing-pg-restored', targetResourceGroup: 'rg-data', timestamp: ago(2 * 24 * HOUR), reason: 'billing rerun' }));
    expect(pg.session.status, pg.text).toBe('succeeded');
    const restoredPg = env.emulator.state.postgresClusters.find((c) => c.name === 'billing-pg-restored');
    expect(restoredPg).toMatchObject({ sourceResourceId: pgId, provisioningState: 'Succeeded' });

    const mongoId = `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.DocumentDB/mongoClusters/inventory-vcore`;
    const mongo = await finished(env.core, env.core.azure.startClusterRestore({ sourceResourceId: mongoId, targetName: 'inventory-restored', targetResourceGroup: 'rg-data', timestamp: ago(24 * HOUR), reason: 'inventory drift' }));
    expect(mongo.session.status, mongo.text).toBe('succeeded');
    expect(env.emulator.state.mongoClusters.find((c) => c.name === 'inventory-restored')).toMatchObject({ createMode: 'PointInTimeRestore', restoreParameters: { sourceResourceId: mongoId } });

    const early = await finished(env.core, env.core.azure.startClusterRestore({ sourceResourceId: mongoId, targetName: 'too-early', targetResourceGroup: 'rg-data', timestamp: ago(20 * 24 * HOUR), reason: 'x' }));
    expect(early.text).toMatch(/outside the restorable window/);
  });

  it('restores a deleted table of a Table API account inside the account', async () => {
    const tablesAccount = accountId('rg-data', 'events-table');
    const state = emulated(env.emulator, 'events-table')!;
    // Continuous for ten days; "audit" existed all along and was deleted an hour ago.
    state.createdAt = state.continuousSince = env.emulator.now() - 10 * 24 * HOUR;
    for (const table of state.databases) table.createdAt = state.createdAt;
    state.databases.find((t) => t.name === 'audit')!.deletedAt = env.emulator.now() - HOUR;
    const restored = await finished(env.core, env.core.azure.startInAccountRestore({ accountId: tablesAccount, database: 'audit', timestamp: ago(2 * HOUR), reason: 'audit trail' }));
    expect(restored.session.status, restored.text).toBe('succeeded');
    expect(state.databases.filter((t) => t.deletedAt === undefined).map((t) => t.name).sort()).toEqual(['audit', 'events']);
    expect(env.core.azure.restores.list()[0]).toMatchObject({ kind: 'cosmos-in-account', status: 'succeeded', targetResourceId: `${tablesAccount}/tables/audit` });
    // A live table cannot be restored in place; a table that never existed is named.
    expect((await finished(env.core, env.core.azure.startInAccountRestore({ accountId: tablesAccount, database: 'events', timestamp: ago(2 * HOUR), reason: 'x' }))).text).toMatch(/already exists/);
    expect((await finished(env.core, env.core.azure.startInAccountRestore({ accountId: tablesAccount, database: 'ghost', timestamp: ago(2 * HOUR), reason: 'x' }))).text).toMatch(/table "ghost" did not exist/);
  });
});
