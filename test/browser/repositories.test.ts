import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { AppCore } from '../../src-main/app/app-core.ts';
import { initRepository } from '../../src-main/repository/index.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { assertPrerequisites, closeConsole, openConsole, printServiceStderrOnFailure, type PageProblems, type RunningService } from './helpers.ts';

/**
 * Repositories and restore points through the console against the real core: adding repositories
 * (a connection-test session each), a refused wrong password, check and rescan, repository
 * restore points with their detail, and the continuous-backup timeline.
 */
describe('console: repositories and restore points', () => {
  const dir = makeTempDir('cosmos-console-repos-');
  const dataDir = join(dir.path, 'data');
  const existingRepo = join(dir.path, 'existing');
  const PASSWORD = 'correct horse battery staple';
  const ACCOUNT = (name: string) => `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/${name}`;
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    assertPrerequisites();
    // Two restore points of one PostgreSQL cluster, written through the repository engine.
    const repository = await initRepository(existingRepo, { password: PASSWORD, scrypt: { n: 1024, r: 8, p: 1 } });
    for (let day = 0; day < 2; day++) {
      await repository.backup(
        {
          resource: { id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/orders', name: 'orders', kind: 'postgres-cluster' },
          engine: { name: 'postgres', versions: {} },
          gfs: { daily: true, weekly: day === 1 },
          time: new Date(Date.UTC(2026, 10, 20 + day, 2)),
        },
        [
          { name: 'sales/dump', data: randomBytes(40_000), counts: { rows: 100 + day } },
          { name: 'crm/dump', data: randomBytes(20_000), counts: { rows: 5 } },
        ],
      );
    }
    // Continuous-backup records as an Azure sync writes them: two accounts, one with an older record too.
    const seed = AppCore.open({ dataDir });
    const record = (name: string, start: string, end: string, api: string, locations: string[]) =>
      seed.restorePoints.add({
        kind: 'continuous',
        resourceId: ACCOUNT(name),
        policyId: null,
        repositoryId: null,
        sessionId: null,
        pointTime: end,
        windowStart: start,
        windowEnd: end,
        gfs: [],
        sizeBytes: null,
        metadata: { resourceType: 'cosmosdb-account', accountName: name, api, location: locations[0], restorableLocations: locations, databases: [{ name: 'db', children: ['c1', 'c2'] }], tables: [], backupTier: 'Continuous7Days', deleted: false },
        createdAt: end,
      });
    record('shop-nosql', '2026-11-10T00:00:00.000Z', '2026-11-16T00:00:00.000Z', 'Sql', ['West Europe']);
    record('shop-nosql', '2026-11-14T00:00:00.000Z', '2026-11-21T00:00:00.000Z', 'Sql', ['West Europe', 'North Europe']);
    record('catalog-mongo', '2026-11-18T06:00:00.000Z', '2026-11-21T00:00:00.000Z', 'MongoDB', ['East US']);
    await seed.close();
    ({ service, browser, page, problems } = await openConsole(dataDir));
    await page.goto(`${service.url}#/repositories`);
    await page.getByRole('heading', { name: 'Repositories', level: 1 }).waitFor();
  });

  printServiceStderrOnFailure(() => service);

  afterAll(async () => {
    await closeConsole(browser, service);
    dir.remove();
  });

  const row = (name: string) => page.getByTestId('repository-row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${name} `) }) });

  async function openForm(): Promise<void> {
    await page.getByRole('button', { name: 'Add repository' }).click();
    await page.getByRole('heading', { name: 'Add repository' }).waitFor();
  }

  it('creates a new local repository through the form, after field-level validation', async () => {
    await openForm();
    await page.getByRole('button', { name: 'Create and add' }).click();
    await page.getByText('Enter a name.').waitFor();
    await page.getByText('Enter a folder path or a blob container URL.').waitFor();
    expect(await page.getByLabel('Name').evaluate((el) => el === document.activeElement)).toBe(true);

    const location = join(dir.path, 'fresh');
    await page.getByLabel('Name').fill('fresh');
    await page.getByLabel('Location').fill('relative/folder');
    await page.getByText('Enter an absolute folder path').waitFor();
    await page.getByLabel('Location').fill(location);
    await page.getByLabel('Password', { exact: true }).fill('s3cret-passphrase');
    await page.getByLabel('Confirm password').fill('something else');
    await page.getByText('The passwords do not match.').waitFor();
    await page.getByLabel('Confirm password').fill('s3cret-passphrase');
    await page.getByRole('button', { name: 'Create and add' }).click();

    await page.getByTestId('added-notice').filter({ hasText: 'Repository "fresh" was added.' }).waitFor();
    const fresh = row('fresh');
    await fresh.waitFor();
    const text = (await fresh.textContent()) ?? '';
    expect(text).toContain('Local folder · Standard tier');
    expect(text).toContain('AES-256-GCM');
    expect(text).toContain('Remembered');
    expect(text).toContain('Never checked');
    expect(await fresh.getByTestId('repository-points').textContent()).toBe('0');
    expect(existsSync(join(location, 'config'))).toBe(true);
    // The secret went to the core only: not to the address bar, not to the tab's storage.
    expect(page.url()).not.toContain('s3cret');
    expect(await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }))).not.toContain('s3cret');
    expect(problems.list).toEqual([]);
  });

  it('refuses a wrong password: the test fails in words and nothing is added', async () => {
    await openForm();
    await page.getByLabel('Name').fill('existing');
    await page.getByLabel('Location').fill(existingRepo);
    await page.getByLabel('Connect to an existing repository').check();
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Connect and add' }).click();
    const failure = page.getByTestId('connection-test-failure');
    await failure.waitFor();
    expect(await failure.textContent()).toContain('Wrong password for this repository.');
    await page.getByTestId('log-tail-line').first().waitFor();
    // The password field was emptied after the submit.
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Add repository' }).waitFor();
    expect(await row('existing').count()).toBe(0);
    expect(problems.list).toEqual([]);
  });

  it('connects an existing repository, checks it and rescans it', async () => {
    await openForm();
    await page.getByLabel('Name').fill('existing');
    await page.getByLabel('Location').fill(existingRepo);
    await page.getByLabel('Connect to an existing repository').check();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Connect and add' }).click();
    await page.getByTestId('added-notice').filter({ hasText: 'Repository "existing" was added.' }).waitFor();
    const existing = row('existing');
    await existing.getByTestId('repository-points').filter({ hasText: /^2$/ }).waitFor();

    await existing.getByRole('button', { name: 'Check existing' }).click();
    await existing.getByTestId('repository-last-check').filter({ hasText: 'Healthy' }).waitFor();
    expect(await existing.getByTestId('repository-last-check').textContent()).toMatch(/just now|min ago/);
    await existing.getByTestId('repository-operation').getByRole('link', { name: 'Check session' }).waitFor();

    await existing.getByRole('button', { name: 'Rescan existing' }).click();
    const operation = existing.getByTestId('repository-operation');
    await operation.getByRole('link', { name: 'Rescan session' }).waitFor();
    await operation.getByTestId('session-status').and(page.locator('[data-status="succeeded"]')).waitFor();
    expect(problems.list).toEqual([]);
  });

  it('lists the repository restore points per resource, newest first, with their detail and restore command', async () => {
    await page.getByRole('link', { name: 'Restore points', exact: true }).click();
    const group = page.getByTestId('resource-points').filter({ hasText: 'orders' });
    await group.waitFor();
    const rows = group.getByTestId('restore-point-row');
    await rows.nth(1).waitFor();
    const newest = (await rows.nth(0).textContent()) ?? '';
    expect(newest).toContain('2026-11-21');
    expect(newest).toContain('Daily');
    expect(newest).toContain('Weekly');
    expect(newest).toContain('106 rows');
    expect(newest).toContain('existing');
    expect(await rows.nth(1).textContent()).toContain('105 rows');

    await rows.nth(0).getByRole('link').click();
    const detail = page.getByTestId('restore-point-detail');
    await detail.waitFor();
    expect(await detail.getByTestId('restore-point-entry').count()).toBe(2);
    const command = (await detail.getByTestId('restore-command').textContent()) ?? '';
    expect(command).toMatch(new RegExp(`^cosmos-backup restore [0-9a-f]+ --repo ${existingRepo.replace(/[/.]/g, '\\$&')} --target `));
    expect(problems.list).toEqual([]);
  });

  it('draws the continuous-backup windows on a shared timeline, latest record per account', async () => {
    await page.getByRole('tab', { name: /Continuous backup/ }).click();
    const timeline = page.getByTestId('continuous-timeline');
    await timeline.waitFor();
    expect(await timeline.getByTestId('timeline-bar').count()).toBe(2);
    const shop = timeline.getByTestId('timeline-row').filter({ hasText: 'shop-nosql' });
    const text = (await shop.textContent()) ?? '';
    expect(text).toContain('West Europe, North Europe');
    expect(text).toContain('NoSQL');
    expect(await shop.getByTestId('window-start').getAttribute('datetime')).toBe('2026-11-14T00:00:00.000Z');
    // The shorter window (3 days of 11) is drawn narrower than the longer one (7 days), on the same axis.
    const widthOf = async (name: string) => (await timeline.getByTestId('timeline-row').filter({ hasText: name }).getByTestId('timeline-bar').boundingBox())!.width;
    const [shopWidth, catalogWidth] = [await widthOf('shop-nosql'), await widthOf('catalog-mongo')];
    expect(shopWidth / catalogWidth).toBeGreaterThan(2);
    expect(shopWidth / catalogWidth).toBeLessThan(2.7);
    expect(problems.list).toEqual([]);
  });

  it('reconnects after a reload of the tab, with the token kept out of the address bar', async () => {
    await page.reload();
    await page.getByTestId('connection-state').filter({ hasText: 'Connected to service' }).waitFor();
    expect(page.url()).not.toContain('token');
    await page.getByRole('link', { name: 'Repositories', exact: true }).click();
    await row('existing').waitFor();
    expect(problems.list).toEqual([]);
  });
});
