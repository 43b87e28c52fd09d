import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AppCore } from '../../src-main/app/app-core.ts';
import { runCli } from '../helpers/cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { assertPrerequisites, closeConsole, openConsole, printServiceStderrOnFailure, type PageProblems, type RunningService } from './helpers.ts';

/** Policies (read-only list and detail) and the Settings page's "Pause scheduling" switch. */
describe('console: policies and settings', () => {
  const dataDir = makeTempDir('cosmos-console-policies-');
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    assertPrerequisites();
    const seed = AppCore.open({ dataDir: dataDir.path });
    seed.policies.save({
      name: 'Production accounts',
      description: 'Everything tagged env=prod',
      priority: 80,
      scope: {
        include: { tags: [{ name: 'env', value: 'prod' }] },
        exclude: { resourceGroups: [{ subscriptionId: '00000000-0000-0000-0000-000000000001', name: 'scratch' }] },
      },
      continuousBackup: { enabled: true, tier: 'Continuous30Days' },
    });
    seed.policies.save({ name: 'Everything else', enabled: false, priority: 10, scope: { include: { all: true } }, continuousBackup: { enabled: true, tier: 'Continuous7Days' } });
    await seed.close();
    ({ service, browser, page, problems } = await openConsole(dataDir.path));
  });

  printServiceStderrOnFailure(() => service);

  afterAll(async () => {
    await closeConsole(browser, service);
    dataDir.remove();
  });

  it('lists policies by priority with their summaries, and shows one in detail', async () => {
    await page.goto(`${service.url}#/policies`);
    await page.getByRole('heading', { name: 'Policies' }).waitFor();
    const rows = page.getByTestId('policy-row');
    await rows.nth(1).waitFor();
    const first = (await rows.nth(0).textContent()) ?? '';
    expect(first).toContain('Production accounts');
    expect(first).toContain('tag env=prod · excluding 1 resource group');
    expect(first).toContain('30 days');
    expect(first).toContain('No repository backup');
    const second = (await rows.nth(1).textContent()) ?? '';
    expect(second).toContain('Everything else');
    expect(second).toContain('All resources');
    expect(second).toContain('7 days');

    await page.getByRole('link', { name: 'Production accounts' }).click();
    await page.getByRole('heading', { name: 'Production accounts', level: 1 }).waitFor();
    await page.getByText('Everything tagged env=prod').waitFor();
    await page.getByRole('heading', { name: 'Continuous backup' }).waitFor();
    expect(problems.list).toEqual([]);
  });

  it('pauses and resumes scheduling from Settings', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const pause = page.getByRole('switch', { name: 'Pause scheduling' });
    await page.getByTestId('scheduling-state').filter({ hasText: 'Scheduling is active.' }).waitFor();
    await pause.check();
    await page.getByTestId('scheduling-state').filter({ hasText: 'Scheduling is paused.' }).waitFor();

    // The token left the address bar once read; the tab remembers it, so a reload reconnects.
    await page.reload();
    await page.getByTestId('scheduling-state').filter({ hasText: 'Scheduling is paused.' }).waitFor();
    expect(page.url()).not.toContain('token');
    // Another tab without the token cannot connect, and says so.
    const other = await browser.newPage();
    await other.goto(`${new URL(service.url).origin}/#/settings`);
    await other.getByRole('alert').filter({ hasText: 'Cannot reach Cosmos Backup' }).waitFor();
    await other.close();
    // The setting is the core's, not the page's: a fresh page sees it.
    await page.goto(`${service.url}#/settings`);
    await page.getByTestId('scheduling-state').filter({ hasText: 'Scheduling is paused.' }).waitFor();
    await page.getByRole('switch', { name: 'Pause scheduling' }).uncheck();
    await page.getByTestId('scheduling-state').filter({ hasText: 'Scheduling is active.' }).waitFor();
    expect(problems.list).toEqual([]);
  });

  it('edits a setting with field validation, and the CLI sees it at once', async () => {
    await page.goto(`${service.url}#/settings`);
    const form = page.getByTestId('general-settings');
    const interval = form.getByLabel('Configuration interval (hours)');
    await expect.poll(() => interval.inputValue()).toBe('8');
    await interval.fill('200');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.getByText('Configuration interval must be at most 168 hours (a week).').waitFor();
    await interval.fill('12');
    await form.getByLabel('Session history (days)').fill('90');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await page.getByTestId('settings-saved').waitFor();
    const shown = await runCli(['--data-dir', service.dataDir, '--json', 'settings', 'get']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ configurationIntervalHours: 12, sessionLogRetentionDays: 90 });
    expect(problems.list).toEqual([]);
  });

  it('says plainly which sections are not available yet', async () => {
    await page.getByRole('link', { name: 'Workers', exact: true }).click();
    await page.getByText('Not available yet: Workers.').waitFor();
    expect(problems.list).toEqual([]);
  });
});
