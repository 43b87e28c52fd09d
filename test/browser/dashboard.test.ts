import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AppCore } from '../../src-main/app/app-core.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { assertPrerequisites, closeConsole, openConsole, printServiceStderrOnFailure, type PageProblems, type RunningService } from './helpers.ts';

const SUB = '00000000-1111-4222-8333-444444444444';
const clusterId = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/${name}`;

/** The dashboard answers "am I protected?" from the real core's data, and every figure leads to its list. */
describe('console: the dashboard', () => {
  const dir = makeTempDir('cosmos-console-dashboard-');
  const dataDir = join(dir.path, 'data');
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    assertPrerequisites();
    const seed = AppCore.open({ dataDir });
    const now = new Date();
    const at = now.toISOString();
    const repository = seed.repositories.add({ name: 'nightly', location: join(dir.path, 'repo'), kind: 'local', encrypted: true }, at);
    seed.inventory.upsertSubscription({ id: SUB, tenantId: 't', displayName: 'Production', state: 'Enabled', syncedAt: at });
    const record = (name: string, tags: Record<string, string>) => ({ id: clusterId(name), subscriptionId: SUB, resourceGroup: 'rg', name, kind: 'postgres-cluster' as const, api: null, location: 'westeurope', tags, properties: {}, deleted: false, syncedAt: at });
    seed.inventory.replaceResources(SUB, [record('fresh', { env: 'prod' }), record('broken', { env: 'prod' }), record('orphan', {})], at);
    seed.policies.save({ name: 'Nightly clusters', scope: { include: { tags: [{ name: 'env', value: 'prod' }] } }, repositoryBackup: { repositoryId: repository.id, schedules: { daily: { enabled: true, time: '02:00', keepDays: 7 } } } });
    for (const name of ['fresh', 'broken']) {
      seed.restorePoints.put({ id: `${'a'.repeat(60)}${name === 'fresh' ? '0001' : '0002'}`, kind: 'repository', resourceId: clusterId(name), policyId: null, repositoryId: repository.id, sessionId: null, pointTime: new Date(now.getTime() - 3 * 3_600_000).toISOString(), windowStart: null, windowEnd: null, gfs: [], sizeBytes: 1024, metadata: { resourceName: name }, createdAt: at });
    }
    // An account under continuous backup whose last check is two days old: its window health says so.
    const accountId = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/orders-sql`;
    seed.inventory.replaceResources(SUB, [record('fresh', { env: 'prod' }), record('broken', { env: 'prod' }), record('orphan', {}), { ...record('orders-sql', {}), id: accountId, kind: 'cosmosdb-account', api: 'Sql', properties: { backup: { type: 'Continuous', tier: 'Continuous7Days' } } }], at);
    seed.policies.save({ name: 'Accounts continuous', scope: { resourceKinds: ['cosmosdb-account'], include: { all: true } }, continuousBackup: { enabled: true, tier: 'Continuous7Days' } });
    const checked = new Date(now.getTime() - 2 * 86_400_000);
    seed.restorePoints.add({ kind: 'continuous', resourceId: accountId, policyId: null, repositoryId: null, sessionId: null, pointTime: checked.toISOString(), windowStart: new Date(checked.getTime() - 7 * 86_400_000).toISOString(), windowEnd: checked.toISOString(), gfs: [], sizeBytes: null, metadata: { resourceType: 'cosmosdb-account', accountName: 'orders-sql', api: 'Sql' }, createdAt: checked.toISOString() });
    // Two days of size figures: the chart's last day is the latest.
    seed.repositories.recordStats(repository.id, 2 * 1024 ** 2, 1, new Date(now.getTime() - 2 * 86_400_000));
    seed.repositories.recordStats(repository.id, 5 * 1024 ** 2, 2, now);
    const failed = seed.sessions.start({ kind: 'backup', title: 'Backup of broken to nightly', resourceId: clusterId('broken') }, async () => {
      throw new Error('pg_dump: connection refused');
    });
    await seed.sessions.waitFor(failed.id);
    await seed.close();
    ({ service, browser, page, problems } = await openConsole(dataDir));
  });

  printServiceStderrOnFailure(() => service);

  afterAll(async () => {
    await closeConsole(browser, service);
    dir.remove();
  });

  it('counts failing, unprotected and protected resources, lists the ones needing attention with why, and charts the sessions', async () => {
    await page.goto(`${service.url}#/dashboard`);
    const protection = page.getByTestId('protection');
    await protection.waitFor();
    const count = async (state: string) => ((await page.getByTestId(`protection-${state}`).textContent()) ?? '').trim();
    expect(await count('failing')).toBe('1Failing');
    expect(await count('overdue')).toBe('0Overdue');
    expect(await count('unprotected')).toBe('1Unprotected');
    expect(await count('protected')).toBe('2Protected');
    const rows = page.getByTestId('protection-row');
    expect(await rows.allTextContents()).toEqual([expect.stringMatching(/broken.*Failing.*Its last backup failed: pg_dump: connection refused.*Nightly clusters/), expect.stringMatching(/orphan.*Unprotected.*No policy covers it/)]);
    // A figure leads to the list behind it.
    await page.getByTestId('protection-protected').click();
    await rows.filter({ hasText: 'fresh' }).waitFor();
    expect(await rows.count()).toBe(2);
    // Window health of continuous backup: the account not checked for two days, leading to its page.
    const windows = page.getByTestId('window-health');
    expect((await windows.getByTestId('windows-stale').textContent())?.trim()).toBe('1 Not checked lately');
    expect(await windows.getByTestId('window-health-row').allTextContents()).toEqual([expect.stringMatching(/orders-sql · Not checked lately · Not checked for 2(\.0)? days/)]);
    await windows.getByTestId('windows-healthy').click();
    await windows.getByText('No account is "Full window".').waitFor();
    expect(await page.getByTestId('sessions-24h').textContent()).toContain('1 failed');
    expect(await page.getByTestId('sessions-chart').locator('canvas').getAttribute('aria-label')).toMatch(/last 7 days: 0 succeeded, 0 with warnings, 1 failed, 0 canceled/);
    expect(await page.getByTestId('growth-chart').locator('canvas').getAttribute('aria-label')).toMatch(/2 now/);
    expect(await page.getByTestId('size-chart').locator('canvas').getAttribute('aria-label')).toMatch(/5\.0 MiB now, \+5\.0 MiB since/);
    await page.getByTestId('sessions-24h').click();
    await page.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
    expect(problems.list).toEqual([]);
  });

  it('opens a resource page from the dashboard: details, one timeline of its restore points, its sessions', async () => {
    await page.goto(`${service.url}#/dashboard`);
    await page.getByTestId('protection-row').filter({ hasText: 'broken' }).getByRole('link', { name: 'broken' }).click();
    await page.getByRole('heading', { name: 'broken', level: 1 }).waitFor();
    const facts = page.getByTestId('resource-facts');
    await facts.getByRole('link', { name: 'Nightly clusters' }).waitFor();
    expect(await facts.textContent()).toContain('env = prod');
    const timeline = page.getByTestId('timeline-item');
    await timeline.first().waitFor();
    expect(await timeline.allTextContents()).toEqual([expect.stringMatching(/Repository restore point in nightly · 1\.0 KiB/)]);
    await page.getByTestId('resource-sessions').getByRole('link', { name: 'Backup of broken to nightly' }).waitFor();
    expect(await page.getByTestId('resource-sessions').textContent()).toContain('Failed');
    // The Resources list leads to the same page.
    await page.goto(`${service.url}#/resources`);
    await page.getByTestId('resource-link').filter({ hasText: 'fresh' }).click();
    await page.getByRole('heading', { name: 'fresh', level: 1 }).waitFor();
    expect(problems.list).toEqual([]);
  });
});
