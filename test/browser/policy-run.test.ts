import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { AppCore } from '../../src-main/app/app-core.ts';
import { initRepository } from '../../src-main/repository/index.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { assertPrerequisites, closeConsole, openConsole, type PageProblems, type RunningService } from './helpers.ts';

const SUB = '00000000-1111-4222-8333-444444444444';
const clusterId = (name: string) => `/subscriptions/${SUB}/resourcegroups/rg-prod/providers/microsoft.dbforpostgresql/servergroupsv2/${name}`;

/** Running a policy from the console: its session shows one task per resource, live, to the end. */
describe('console: run a policy now', () => {
  const dir = makeTempDir('cosmos-console-policy-');
  const dataDir = join(dir.path, 'data');
  let server: TestPostgres;
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  let policyId = '';

  beforeAll(async () => {
    assertPrerequisites();
    server = await startPostgres({ tls: true });
    await server.query('CREATE DATABASE citus');
    await server.query(`CREATE TABLE events (id int PRIMARY KEY); INSERT INTO events SELECT generate_series(1, 100);`, 'citus');
    const repo = join(dir.path, 'repo');
    await initRepository(repo, { password: 'repo-pass', scrypt: { n: 1024, r: 8, p: 1 } });
    const seed = AppCore.open({ dataDir });
    const now = new Date().toISOString();
    const repository = seed.repositories.add({ name: 'nightly', location: repo, kind: 'local', encrypted: true }, now);
    await seed.repositoryCatalog.rememberPassword(repository.id, 'repo-pass');
    seed.inventory.upsertSubscription({ id: SUB, tenantId: 't', displayName: 'Production', state: 'Enabled', syncedAt: now });
    const record = (name: string) => ({ id: clusterId(name), subscriptionId: SUB, resourceGroup: 'rg-prod', name, kind: 'postgres-cluster' as const, api: null, location: 'westeurope', tags: {}, properties: { coordinator: `${server.host}:${server.port}` }, deleted: false, syncedAt: now });
    seed.inventory.replaceResources(SUB, [record('billing'), record('orders')], now);
    // The login of "orders" is set from the console in the test.
    await seed.resourceLogins.set(clusterId('billing'), { user: 'postgres', password: server.password });
    policyId = seed.policies.save({
      name: 'Nightly clusters',
      timeZone: 'Europe/Berlin',
      scope: { resourceKinds: ['postgres-cluster'], include: { subscriptions: [SUB] } },
      repositoryBackup: { repositoryId: repository.id, schedules: { daily: { enabled: true, time: '02:00', keepDays: 7 } } },
    }).id;
    await seed.close();
    ({ service, browser, page, problems } = await openConsole(dataDir));
  });

  afterAll(async () => {
    await closeConsole(browser, service);
    await server?.stop();
    dir.remove();
  });

  it('sets a database login, shows the next runs, runs the policy, and follows its per-resource tasks to the end', async () => {
    await page.goto(`${service.url}#/resources`);
    await page.getByRole('button', { name: 'Database login of orders' }).click();
    const login = page.getByTestId('resource-login-form');
    await login.getByLabel('Login').fill('postgres');
    await login.getByLabel('Password').fill(server.password);
    await login.getByRole('button', { name: 'Save login' }).click();
    await login.getByText('Scheduled backups of orders now sign in as postgres.').waitFor();
    expect(await login.getByLabel('Password').inputValue()).toBe('');

    await page.goto(`${service.url}#/policies/${encodeURIComponent(policyId)}`);
    const schedule = page.getByTestId('policy-schedule');
    await expect.poll(() => schedule.getByTestId('next-run').count()).toBe(3);
    expect(await schedule.getByText('Europe/Berlin', { exact: true }).count()).toBe(1);
    // Next runs read in the policy's zone, with UTC beside them: 02:00 in Berlin is 01:00 UTC in winter.
    expect(await schedule.getByTestId('next-run').first().textContent()).toMatch(/ 02:00 Europe\/Berlin · daily\s+\(\d{4}-\d\d-\d\d 01:00 UTC\)/);
    await schedule.getByTestId('policy-resource-count').filter({ hasText: '2 clusters of the inventory' }).waitFor();
    // Repositories by name, not id.
    await page.getByText('nightly', { exact: true }).first().waitFor();
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(/#\/sessions\//);
    const tasks = page.getByTestId('session-tasks');
    await expect.poll(() => tasks.getByTestId('task-row').count(), { timeout: 60_000 }).toBe(4); // two backups, two retentions
    await page.getByTestId('session-summary').filter({ hasText: '2 of 2 resource(s) backed up.' }).waitFor({ timeout: 60_000 });
    const rows = await tasks.getByTestId('task-row').allTextContents();
    expect(rows.filter((r) => /Backup of billing/.test(r) && /Succeeded/.test(r))).toHaveLength(1);
    expect(rows.filter((r) => /Backup of orders/.test(r) && /Succeeded/.test(r))).toHaveLength(1);
    expect(problems.list).toEqual([]);
  });
});
