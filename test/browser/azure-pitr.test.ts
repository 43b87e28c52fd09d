import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { AppCore } from '../../src-main/app/app-core.ts';
import { startAzureEmulator, type AzureEmulator } from '../azure-emulator/index.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { assertPrerequisites, closeConsole, openConsole, printServiceStderrOnFailure, type PageProblems, type RunningService } from './helpers.ts';

const SCENARIO = new URL('../azure-emulator/scenarios/default.json', import.meta.url).pathname;
const DAY = 86_400_000;

/**
 * The Resources view and the point-in-time restore wizard against the real core, signed in to
 * the Azure emulator the way a headless run is (AZURE_* and COSMOS_BACKUP_* variables): Sync now
 * lists the inventory, a time outside the window is refused before anything is created, and a
 * restore into a new account runs as a session that creates the account in the emulator.
 */
describe('console: Azure resources and point-in-time restore', () => {
  const dir = makeTempDir('cosmos-console-azure-');
  const dataDir = join(dir.path, 'data');
  let emulator: AzureEmulator;
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    assertPrerequisites();
    emulator = await startAzureEmulator({ scenario: SCENARIO, throttling: false, retryAfterSeconds: 0, durations: { accountRestore: 200, backupInformation: 50 } });
    // A policy over everything: the sync writes restore-point records for the accounts it protects.
    const seed = AppCore.open({ dataDir });
    seed.policies.save({ name: 'all-continuous', scope: { include: { all: true } }, continuousBackup: { enabled: true, tier: 'Continuous7Days', migratePeriodicAccounts: false } });
    await seed.close();
    const env = {
      COSMOS_BACKUP_ARM_ENDPOINT: emulator.armEndpoint,
      COSMOS_BACKUP_AUTHORITY_HOST: emulator.authorityHost,
      COSMOS_BACKUP_CA_FILE: emulator.caCertFile,
      COSMOS_BACKUP_ARM_AUDIENCE: 'https://management.azure.com',
      AZURE_TENANT_ID: emulator.tenantId,
      AZURE_CLIENT_ID: emulator.clientId,
      AZURE_CLIENT_SECRET: emulator.clientSecret,
    };
    ({ service, browser, page, problems } = await openConsole(dataDir, { env }));
    await page.goto(`${service.url}#/resources`);
    await page.getByRole('heading', { name: 'Resources', level: 1 }).waitFor();
  });

  printServiceStderrOnFailure(() => service);

  afterAll(async () => {
    await closeConsole(browser, service);
    await emulator?.stop();
    dir.remove();
  });

  const row = (name: string) => page.getByTestId('resource-row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${name} `) }) });

  it('says nothing is synchronized yet, then Sync now lists the inventory', async () => {
    await page.getByTestId('resources-empty').getByText('Nothing synchronized yet').waitFor();
    await expect(page.getByTestId('restore-command').textContent()).resolves.toContain('cosmos-backup azure login');
    await page.getByTestId('sync-now').click();
    await page.getByTestId('azure-session').getByRole('link', { name: 'Inventory sync session' }).waitFor();
    await page.getByTestId('azure-session').locator('[data-status="succeeded"]').waitFor();
    await row('orders-sql').waitFor();
    await expect(row('orders-sql').getByTestId('backup-mode').textContent()).resolves.toBe('Continuous · 7 days');
    await expect(row('orders-sql').getByRole('link', { name: 'all-continuous' }).count()).resolves.toBe(1);
    await row('retired-sql').getByTestId('deleted-flag').waitFor();
    await expect(row('telemetry-periodic').getByTestId('backup-mode').textContent()).resolves.toMatch(/^Periodic/);
    expect(await page.getByTestId('resources-empty').count()).toBe(0);

    // Filters: kind, then text.
    await page.getByLabel('Kind').selectOption('postgres-cluster');
    await expect(page.getByTestId('resource-row').count()).resolves.toBe(1);
    await page.getByLabel('Kind').selectOption('');
    await page.getByLabel('Search').fill('gremlin');
    await expect(page.getByTestId('resource-row').count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    expect(problems.list).toEqual([]);
  });

  it('refuses a time outside the restorable window before anything is created', async () => {
    const accountsBefore = emulator.state.accounts.length;
    await row('orders-sql').getByTestId('restore-link').click();
    await page.getByTestId('pitr-wizard').getByRole('heading', { name: 'Point-in-time restore of orders-sql' }).waitFor();
    await page.getByRole('radio', { name: /Into a new account/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('pitr-accepted-range').waitFor();
    const tooOld = new Date(Date.now() - 20 * DAY);
    const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
    await page.getByLabel(/Restore to/).fill(local(tooOld));
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByTestId('timestamp-error').textContent()).resolves.toMatch(/outside the restorable window: choose between/);
    expect(await page.getByLabel(/Restore to/).evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByRole('heading', { name: /Step 2 of 5/ }).count()).toBe(1);
    expect(emulator.state.accounts.length).toBe(accountsBefore);
    expect(problems.list).toEqual([]);
  });

  it('restores chosen containers into a new account and follows the session to its end', async () => {
    // Still on the time step: a time an hour ago is inside the window.
    const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
    await page.getByLabel(/Restore to/).fill(local(new Date(Date.now() - 3600_000)));
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByLabel('New account name').fill('Orders_Restored');
    await expect(page.getByTestId('target-name-error').textContent()).resolves.toBe('Use lower-case letters only.');
    await page.getByLabel('New account name').fill('orders-restored');
    expect(await page.getByTestId('target-name-error').count()).toBe(0);
    await expect(page.getByLabel('Resource group').inputValue()).resolves.toBe('rg-prod');
    await page.getByLabel('Region').selectOption({ label: 'East US' });
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('radio', { name: /Chosen databases/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Choose at least one database or container').waitFor();
    await page.getByRole('checkbox', { name: 'items' }).check();
    await page.getByRole('checkbox', { name: 'Restore with time-to-live disabled' }).check();
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('button', { name: 'Start restore' }).click();
    await page.getByText('Say why you restore').waitFor();
    await page.getByLabel('Reason').fill('ticket 4711: items overwritten');
    await expect(page.getByTestId('pitr-review').textContent()).resolves.toContain('orders: items');
    await page.getByRole('button', { name: 'Start restore' }).click();

    await page.waitForURL(/#\/sessions\//);
    await page.getByRole('heading', { name: 'Point-in-time restore into orders-restored' }).waitFor();
    await page.locator('[data-testid="session-status"][data-status="succeeded"]').first().waitFor({ timeout: 30_000 });
    const restored = emulator.state.accounts.find((a) => a.name === 'orders-restored');
    expect(restored?.createMode).toBe('Restore');
    expect(restored?.locations.map((l) => l.name)).toEqual(['eastus']);
    expect(restored?.databases.map((d) => [d.name, d.children.map((c) => c.name)])).toEqual([['orders', ['items']]]);
    expect(problems.list).toEqual([]);
  });

  it('opens the resource page, picks a time four days ago on its timeline, and brings back the container deleted since', async () => {
    await page.goto(`${service.url}#/resources`);
    await row('orders-sql').getByTestId('resource-link').click();
    await page.getByRole('heading', { name: 'orders-sql', level: 1 }).waitFor();
    // Its databases and containers, as the last sync listed them (the deleted container is gone).
    await expect(page.getByTestId('resource-contents').textContent()).resolves.toMatch(/orders\s*containers: items, customers/);

    const chart = page.getByTestId('resource-timeline-chart');
    await chart.getByRole('button', { name: '7 days' }).click();
    const bar = chart.getByTestId('timeline-window-bar');
    const box = (await bar.boundingBox())!;
    // The bar runs from seven days ago to now: 3/7 of the way along is four days ago.
    const target = Date.now() - 4 * DAY;
    await bar.click({ position: { x: box.width * (3 / 7), y: box.height / 2 } });
    const link = chart.getByTestId('timeline-restore-at');
    const at = Date.parse(decodeURIComponent(/at=([^&]+)/.exec((await link.getAttribute('href'))!)![1]!));
    expect(Math.abs(at - target)).toBeLessThan(2 * 3600_000);
    // Zooming in keeps the chosen time in view and narrows the span.
    const before = await chart.getByTestId('timeline-range').textContent();
    await chart.getByRole('button', { name: 'Zoom in' }).click();
    expect(await chart.getByTestId('timeline-range').textContent()).not.toBe(before);
    await link.click();

    // The wizard proposes the chosen time.
    await page.getByTestId('pitr-wizard').getByRole('heading', { name: 'Point-in-time restore of orders-sql' }).waitFor();
    await page.getByRole('radio', { name: /Into a new account/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    // The input's value is local time; Chromium leaves out ":00" seconds, so compare instants.
    const chosenTime = async () => new Date(await page.getByLabel(/Restore to/).inputValue()).getTime();
    expect(await chosenTime()).toBe(at);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('New account name').fill('orders-then');
    await page.getByRole('button', { name: 'Next' }).click();
    // What a new account can hold is what existed then, as Azure lists it: the database and container deleted since are there.
    await page.getByRole('radio', { name: /Chosen databases/ }).check();
    await expect(page.getByTestId('pitr-selection-source').textContent()).resolves.toContain('as Azure lists it');
    await page.getByRole('checkbox', { name: /Database legacy/ }).waitFor();
    await page.getByRole('checkbox', { name: 'archive' }).waitFor();

    // In-account instead: the deleted items are offered, not a text box.
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('radio', { name: /inside the account/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    expect(await chosenTime()).toBe(at);
    await page.getByRole('button', { name: 'Next' }).click();
    const deleted = page.getByTestId('pitr-deleted-items');
    await deleted.waitFor();
    expect(await page.getByLabel('Database', { exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Choose the deleted database or container to restore.').waitFor();
    await expect(deleted.getByRole('radio').count()).resolves.toBe(2);
    await deleted.getByRole('radio', { name: /Database legacy/ }).waitFor();
    await deleted.getByRole('radio', { name: /orders\/archive/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByTestId('pitr-review').textContent()).resolves.toContain('orders/archive');
    await page.getByLabel('Reason').fill('ticket 4712: archive container deleted by a cleanup job');
    await page.getByRole('button', { name: 'Start restore' }).click();

    await page.waitForURL(/#\/sessions\//);
    await page.getByRole('heading', { name: 'In-account restore of orders/archive' }).waitFor();
    await page.locator('[data-testid="session-status"][data-status="succeeded"]').first().waitFor({ timeout: 30_000 });
    const orders = emulator.state.accounts.find((a) => a.name === 'orders-sql')!.databases.find((d) => d.name === 'orders')!;
    expect(orders.children.filter((c) => c.deletedAt === undefined).map((c) => c.name).sort()).toEqual(['archive', 'customers', 'items']);
    expect(problems.list).toEqual([]);
  });
});
