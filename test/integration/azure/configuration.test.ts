import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accountId, continuousPolicy, emulated, emulatorConnector, finished, startAzureTestEnv, SUB, unlistedCalls, type AzureTestEnv } from './fixture.ts';

describe('configuration session against the Azure emulator', () => {
  let env: AzureTestEnv;
  beforeAll(async () => {
    env = await startAzureTestEnv();
  });
  afterAll(async () => {
    if (env) expect(unlistedCalls(env.emulator, [])).toEqual([]);
    await env?.close();
  });
  beforeEach(() => {
    expect(unlistedCalls(env.emulator)).toEqual([]);
    for (const p of env.core.policies.list()) env.core.policies.delete(p.id);
    env.emulator.faults.clear();
    env.emulator.callLog.clear();
    env.emulator.throttling.configure({ enabled: false });
  });

  it('fixes tier drift, reports periodic and unsupported accounts, logs before/after, and writes restore-point records', async () => {
    env.core.policies.save(continuousPolicy('thirty-days', 'Continuous30Days', { scope: { include: { subscriptions: [SUB] } } }));
    const { session, text } = await finished(env.core, env.core.azure.startConfiguration());
    expect(session.status).toBe('warning');
    for (const name of ['orders-sql', 'graph-gremlin', 'catalog-mongo', 'events-table']) {
      expect(emulated(env.emulator, name)?.backup).toEqual({ type: 'Continuous', tier: 'Continuous30Days' });
    }
    expect(text).toContain('orders-sql: continuous backup tier changed: before Continuous7Days; after Continuous30Days.');
    expect(text).toContain('graph-gremlin: continuous backup tier changed: before Continuous7Days; after Continuous30Days.');
    expect(text).not.toMatch(/catalog-mongo: continuous backup tier changed/);
    expect(text).toMatch(/warn ring-cassandra \(Cassandra API\) cannot be protected by continuous backup here: /);
    expect(text).toMatch(/warn telemetry-periodic uses periodic .* backup, not continuous\. Policy "thirty-days" does not allow migrating it/);
    expect(emulated(env.emulator, 'telemetry-periodic')?.backup.type).toBe('Periodic');
    expect(emulated(env.emulator, 'ring-cassandra')?.backup).toEqual({ type: 'Continuous', tier: 'Continuous7Days' });
    // Exactly the two drifted accounts were PATCHed; the dev subscription was not touched.
    expect(env.emulator.callLog.filter({ method: 'PATCH' }).map((e) => e.path.split('/').pop()).sort()).toEqual(['graph-gremlin', 'orders-sql']);
    expect(session.summary).toMatch(/6 governed account\(s\): 2 in policy, 2 tier change\(s\), 0 migrated, 1 periodic reported, 1 unsupported, 0 failed/);

    // The sync that follows writes one record per protected account, with what a restore needs.
    const records = env.core.restorePoints.list({ resourceId: accountId('rg-prod', 'orders-sql'), kind: 'continuous' });
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r.policyId).toBe(env.core.policies.get('thirty-days').id);
    expect(new Date(r.windowStart!).getTime()).toBeLessThan(new Date(r.windowEnd!).getTime());
    expect(r.metadata).toMatchObject({
      api: 'Sql',
      accountName: 'orders-sql',
      instanceId: emulated(env.emulator, 'orders-sql')?.instanceId,
      restorableLocations: ['West US', 'East US'],
      backupTier: 'Continuous30Days',
      databases: [{ name: 'orders', children: ['items', 'customers'] }],
    });
    expect(env.core.restorePoints.list({ resourceId: accountId('rg-data', 'events-table') })[0]?.metadata).toMatchObject({ api: 'Table', tables: ['events', 'audit'] });
    // Periodic and Cassandra accounts are not protected this way: no record.
    expect(env.core.restorePoints.list({ resourceId: accountId('rg-data', 'telemetry-periodic') })).toHaveLength(0);
    expect(env.core.restorePoints.list({ resourceId: accountId('rg-data', 'ring-cassandra') })).toHaveLength(0);

    // A second run finds nothing to change.
    env.emulator.callLog.clear();
    const again = await finished(env.core, env.core.azure.startConfiguration({ sync: false }));
    expect(again.session.summary).toMatch(/4 in policy, 0 tier change/);
    expect(env.emulator.callLog.count({ method: 'PATCH' })).toBe(0);
  });

  it('migrates a periodic account when the policy allows, says it is one-way, and follows migrationState to its end', async () => {
    env.core.policies.save(continuousPolicy('migrate', 'Continuous7Days', { migrate: true, scope: { include: { resources: [accountId('rg-data', 'telemetry-periodic')] } } }));
    const { session, text } = await finished(env.core, env.core.azure.startConfiguration({ sync: false }));
    expect(text).toMatch(/telemetry-periodic: migrating backup from periodic .* to continuous Continuous7Days .* ONE-WAY/);
    expect(text).toMatch(/telemetry-periodic: migration to continuous backup: InProgress/);
    expect(text).toMatch(/telemetry-periodic: migration to continuous backup: Completed/);
    expect(text).toMatch(/backup policy changed: before periodic .*; after continuous Continuous7Days/);
    expect(session.summary).toMatch(/1 migrated/);
    expect(emulated(env.emulator, 'telemetry-periodic')?.backup).toEqual({ type: 'Continuous', tier: 'Continuous7Days' });
    expect(emulated(env.emulator, 'telemetry-periodic')?.migration?.status).toBe('Completed');
  });

  it('lets the highest-priority policy decide and says which', async () => {
    const scope = { include: { resources: [accountId('rg-prod', 'catalog-mongo')] } };
    env.core.policies.save(continuousPolicy('low', 'Continuous30Days', { priority: 10, scope }));
    env.core.policies.save(continuousPolicy('high', 'Continuous7Days', { priority: 90, scope }));
    const { text } = await finished(env.core, env.core.azure.startConfiguration({ sync: false }));
    expect(text).toContain('catalog-mongo: covered by "high" (priority 90), "low" (priority 10); "high" has the highest priority and decides.');
    expect(text).toContain('catalog-mongo: continuous backup tier changed: before Continuous30Days; after Continuous7Days.');
    // --policy restricts the session to what that policy governs: "low" governs nothing here.
    env.emulator.callLog.clear();
    const onlyLow = await finished(env.core, env.core.azure.startConfiguration({ policy: 'low', sync: false }));
    expect(onlyLow.session.summary).toMatch(/^0 governed/);
    expect(env.emulator.callLog.count({ method: 'PATCH' })).toBe(0);
  });

  it('reports a failed long-running operation and carries on with the other accounts', async () => {
    env.core.policies.save(continuousPolicy('seven', 'Continuous7Days', { scope: { include: { subscriptions: [SUB] } } }));
    env.emulator.faults.failNextLro({ method: 'PATCH', path: /databaseAccounts\/events-table$/ }, { code: 'InternalServerError', message: 'Tier change failed on the backend' });
    const { session, text } = await finished(env.core, env.core.azure.startConfiguration({ sync: false }));
    expect(text).toMatch(/error events-table: .*Tier change failed on the backend/);
    expect(session.status).toBe('warning');
    expect(session.errorCount).toBe(1);
    expect(emulated(env.emulator, 'events-table')?.backup).toEqual({ type: 'Continuous', tier: 'Continuous30Days' });
    expect(emulated(env.emulator, 'catalog-mongo')?.backup).toEqual({ type: 'Continuous', tier: 'Continuous7Days' });
    expect(session.summary).toMatch(/1 failed/);
  });

  it('survives throttling, 5xx and dropped connections with nothing lost or duplicated', async () => {
    // The periodic account may have been migrated by another test: leave it out of scope.
    env.core.policies.save(continuousPolicy('thirty', 'Continuous30Days', { scope: { include: { subscriptions: [SUB] }, exclude: { resources: [accountId('rg-data', 'telemetry-periodic')] } } }));
    // Put the accounts back on 7 days so there is drift to fix.
    for (const name of ['orders-sql', 'graph-gremlin', 'catalog-mongo', 'events-table']) emulated(env.emulator, name)!.backup = { type: 'Continuous', tier: 'Continuous7Days' };
    env.emulator.throttling.configure({ enabled: true, reads: { capacity: 6, refillPerSecond: 20 }, writes: { capacity: 2, refillPerSecond: 4 } });
    env.emulator.faults.failNext({ method: 'GET', path: /restorableSqlResources$/, count: 2 }, 503);
    env.emulator.faults.dropNext({ method: 'GET', path: /providers\/Microsoft.DocumentDB\/databaseAccounts$/ });
    env.emulator.faults.failNext({ method: 'PATCH', path: /databaseAccounts\/graph-gremlin$/, count: 1 }, 500);
    const before = env.core.restorePoints.list({ kind: 'continuous', limit: 100_000 }).length;
    const { session, text } = await finished(env.core, env.core.azure.startConfiguration());
    expect(session.status, text).toBe('warning'); // the Cassandra warning only
    expect(session.errorCount).toBe(0);
    expect(env.emulator.callLog.count({ status: 429 })).toBeGreaterThan(0);
    for (const name of ['orders-sql', 'graph-gremlin', 'catalog-mongo', 'events-table']) expect(emulated(env.emulator, name)?.backup).toEqual({ type: 'Continuous', tier: 'Continuous30Days' });
    // One accepted PATCH per drifted account: retries did not duplicate changes.
    const accepted = env.emulator.callLog.filter({ method: 'PATCH' }).filter((e) => e.status >= 200 && e.status < 300);
    expect(accepted.map((e) => e.path.split('/').pop()).sort()).toEqual(['catalog-mongo', 'events-table', 'graph-gremlin', 'orders-sql']);
    // One record per protected account: orders, catalog, graph, events, plus the deleted retired-sql.
    const written = env.core.restorePoints.list({ kind: 'continuous', limit: 100_000 }).filter((r) => r.sessionId === session.id);
    expect(written.length).toBe(env.core.restorePoints.list({ kind: 'continuous', limit: 100_000 }).length - before);
    expect(new Set(written.map((r) => r.resourceId)).size).toBe(written.length);
    expect(written.filter((r) => (r.metadata as { resourceType: string }).resourceType === 'cosmosdb-account')).toHaveLength(5);
  });

  it('fails with a clear message when the credentials expire mid-session', async () => {
    env.core.policies.save(continuousPolicy('seven', 'Continuous7Days'));
    env.emulator.principals.expireSecrets(env.emulator.clientId);
    env.emulator.tokens.expireIssuedTokens();
    const { session, text } = await finished(env.core, env.core.azure.startConfiguration());
    expect(session.status).toBe('failed');
    // The token msal holds is refused by ARM: the session says to sign in again, naming the cause.
    expect(session.summary).toMatch(/credentials are no longer valid \(ExpiredAuthenticationToken\)\. Sign in again\./);
    // A fresh sign-in with the expired secret names the expired secret.
    const fresh = emulatorConnector(env.emulator);
    await expect(fresh.connection.arm.subscriptions().subscriptions.list().next()).rejects.toThrow(/client secret of application .* has expired/);
    expect(text).not.toContain(env.emulator.clientSecret);
  });
});
