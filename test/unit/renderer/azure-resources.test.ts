import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { EMPTY_FILTER, filterRows, lastSyncedAt, readResource, subscriptionsOf } from '../../../src-renderer/src/logic/azure-resources.ts';
import { useAzureResourcesStore } from '../../../src-renderer/src/stores/azure-resources.ts';
import { setClient } from '../../../src-renderer/src/stores/client.ts';
import { useSessionsStore } from '../../../src-renderer/src/stores/sessions.ts';
import { ClientError } from '../../../src-renderer/src/transport/client.ts';
import { account, policy, SUB } from './azure-sample-data.ts';
import { fakeClient } from './fake-client.ts';
import { session } from './sample-data.ts';

beforeEach(() => setActivePinia(createPinia()));

const periodic = account('telemetry', { resourceGroup: 'rg-data' }, { backup: { type: 'Periodic', intervalMinutes: 240, retentionHours: 8 }, migration: { status: 'InProgress' } });
const deleted = account('retired', { deleted: true, syncedAt: '2026-11-21T06:00:00.000Z' });
const cluster = { ...account('billing'), id: '/subscriptions/other/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/billing', subscriptionId: 'other', kind: 'postgres-cluster' as const, api: null, properties: { earliestRestoreTime: '2026-10-01T00:00:00.000Z' } };

describe('inventory rows', () => {
  it('shows kind, backup mode and tier, migration, the governing policy and whether it can be restored in time', () => {
    const dev = policy({ id: 'p2', name: 'data-only', priority: 90, scope: { include: { resourceGroups: [{ subscriptionId: SUB, name: 'RG-DATA' }] } } });
    const rows = [account('orders'), periodic, cluster, account('ring', { api: 'Cassandra' })].map((r) => readResource(r, [policy(), dev]));
    expect(rows.map((r) => [r.kindLabel, r.backupLabel, r.migration, r.policy?.name ?? null, r.restorable])).toEqual([
      ['Cosmos DB account · NoSQL', 'Continuous · 7 days', null, 'prod', true],
      ['Cosmos DB account · NoSQL', 'Periodic · every 4 h, kept 8 h', 'InProgress', 'data-only', false],
      ['Cosmos DB for PostgreSQL', 'Point in time (automatic)', null, 'prod', true],
      ['Cosmos DB account · Cassandra', 'Continuous · 7 days', null, 'prod', false],
    ]);
    expect(rows[0]!.locations).toEqual(['West US', 'East US']);
    expect(readResource(account('orders'), [policy({ enabled: false })]).policy).toBeNull();
  });

  it('filters by kind, subscription, text and deleted flag', () => {
    const rows = [account('orders'), periodic, deleted, cluster].map((r) => readResource(r, [policy()]));
    const names = (filter: Partial<typeof EMPTY_FILTER>) => filterRows(rows, { ...EMPTY_FILTER, ...filter }).map((r) => r.resource.name);
    expect(names({})).toEqual(['billing', 'orders', 'retired', 'telemetry']);
    expect(names({ kind: 'postgres-cluster' })).toEqual(['billing']);
    expect(names({ subscriptionId: SUB })).toEqual(['orders', 'retired', 'telemetry']);
    expect(names({ text: 'RG-DATA' })).toEqual(['telemetry']);
    expect(names({ text: 'postgresql' })).toEqual(['billing']);
    expect(names({ showDeleted: false })).toEqual(['billing', 'orders', 'telemetry']);
    expect(subscriptionsOf([account('orders'), cluster])).toEqual([SUB, 'other'].sort());
    expect(lastSyncedAt([account('orders'), deleted])).toBe('2026-11-21T06:00:00.000Z');
    expect(lastSyncedAt([])).toBeNull();
  });
});

describe('azure resources store', () => {
  it('loads the inventory with deleted accounts, and reloads when a sync it started ends', async () => {
    let listed = 0;
    const { client, calls } = fakeClient({
      'azure.resources': () => (listed++ ? [account('orders'), deleted] : []),
      'azure.subscriptions': () => [{ id: 'sub-1', displayName: 'Production', tenantId: 't', state: 'Enabled' }],
      'azure.sync': () => session({ id: 'sync1', kind: 'sync', status: 'queued' }),
    });
    setClient(client);
    const store = useAzureResourcesStore();
    const finished: string[] = [];
    store.onFinished((action, s) => finished.push(`${action}:${s.status}`));
    await store.load();
    expect(store.resources).toEqual([]);
    expect(calls[0]).toEqual({ channel: 'azure.resources', input: { includeDeleted: true } });
    // Subscriptions come with the inventory, for names instead of GUIDs (ids compare without case).
    expect(store.subscriptionName('SUB-1')).toBe('Production');
    expect(store.subscriptionName('sub-unknown')).toBe('sub-unknown');

    await store.start('sync');
    expect(store.latest).toEqual({ sync: 'sync1' });
    expect(store.running).toBe('sync');
    const done = session({ id: 'sync1', kind: 'sync', status: 'succeeded', lastSeq: 5, endedAt: '2026-01-01T00:00:10.000Z' });
    useSessionsStore().upsert(done);
    store.sessionUpdated(done);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.resources.map((r) => r.name)).toEqual(['orders', 'retired']);
    expect(store.running).toBeNull();
    expect(finished).toEqual(['sync:succeeded']);
    // A session the store did not start is ignored.
    store.sessionUpdated(session({ id: 'other', status: 'succeeded' }));
    expect(finished).toHaveLength(1);
  });

  it('reports a missing Azure sign-in from the failed session, and a refused start', async () => {
    const { client } = fakeClient({
      'azure.sync': () => session({ id: 's2', kind: 'sync', status: 'failed', summary: 'Not signed in to Azure. Run "cosmos-backup azure login"…' }),
      'azure.resources': () => [],
      'azure.configure': () => {
        throw new ClientError({ code: 'not_found', message: 'No policy named x' });
      },
    });
    setClient(client);
    const store = useAzureResourcesStore();
    await store.start('sync');
    expect(store.signInMissing).toBe(true);
    expect(await store.start('configure')).toBeNull();
    expect(store.actionError).toBe('Could not start the configuration session: No policy named x');
  });

  it('starts a restore and records its session', async () => {
    const { client, calls } = fakeClient({ 'azure.restorePitr': () => session({ id: 'r1', kind: 'restore', status: 'queued' }) });
    setClient(client);
    const store = useAzureResourcesStore();
    const input = { kind: 'cluster' as const, sourceResourceId: cluster.id, targetName: 'billing-pitr', targetResourceGroup: 'rg', timestamp: '2026-11-21T10:00:00.000Z', reason: 'test' };
    const started = await store.startRestore(input);
    expect(started.id).toBe('r1');
    expect(useSessionsStore().byId.r1?.kind).toBe('restore');
    expect(calls).toEqual([{ channel: 'azure.restorePitr', input }]);
  });
});
