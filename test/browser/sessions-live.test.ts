import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AppCore } from '../../src-main/app/app-core.ts';
import { startBlackholeServer } from '../helpers/blackhole-server.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { assertPrerequisites, closeConsole, openConsole, printServiceStderrOnFailure, startService, type PageProblems, type RunningService } from './helpers.ts';

/**
 * The console against the real headless service: environment checks started from the Sessions
 * view, their log arriving live, cancel, and a service restart that leaves nothing running.
 * A repository whose endpoint never answers keeps each check running until it is canceled.
 */
describe('console: sessions, live log, cancel, restart', () => {
  const dataDir = makeTempDir('cosmos-console-');
  let blackhole: Awaited<ReturnType<typeof startBlackholeServer>>;
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    assertPrerequisites();
    blackhole = await startBlackholeServer();
    const seed = AppCore.open({ dataDir: dataDir.path });
    seed.repositories.add({ name: 'hanging', location: blackhole.url, kind: 'azure-blob' }, new Date().toISOString());
    await seed.close();
    ({ service, browser, page, problems } = await openConsole(dataDir.path));
  });

  printServiceStderrOnFailure(() => service);

  afterAll(async () => {
    await closeConsole(browser, service);
    await blackhole?.stop();
    dataDir.remove();
  });

  it('opens on the dashboard over the WebSocket and hides the token', async () => {
    await page.goto(service.url);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await expectText(page.getByTestId('app-transport'), 'Headless service (WebSocket)');
    await expectText(page.getByTestId('app-data-dir'), dataDir.path);
    expect(page.url()).not.toContain('token=');
    // Without an Azure sync the Resources view says so, with the sign-in command.
    await page.getByRole('link', { name: 'Resources' }).click();
    await page.getByTestId('resources-empty').getByText('Nothing synchronized yet').waitFor();
    await page.evaluate("location.hash = '#/sessions/no-such-session'");
    await page.getByRole('alert').filter({ hasText: 'Could not load this session: No session with id no-such-session.' }).waitFor();
    expect(problems.list).toEqual([]);
  });

  it('starts an environment check, shows its log live, and cancels it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
    await page.getByRole('heading', { name: 'Sessions' }).waitFor();
    await page.getByRole('button', { name: 'Run environment check' }).click();

    // The detail page of the new session opens and its log fills as the check runs.
    await page.getByRole('heading', { name: 'Environment check' }).waitFor();
    const log = page.getByRole('log', { name: 'Session log' });
    await log.getByText('Configuration database: integrity ok.').waitFor();
    await log.getByText('Checking repository "hanging"').waitFor();
    await expectText(page.getByTestId('session-status'), 'Running');

    await page.getByRole('button', { name: 'Cancel session' }).click();
    await expectText(page.getByTestId('session-status'), 'Canceled');
    await log.getByText('Cancel requested; stopping.').waitFor();
    expect(await page.getByRole('button', { name: 'Cancel session' }).count()).toBe(0);

    // Search the log, then export the whole session as a text file.
    await page.getByTestId('log-search').fill('INTEGRITY');
    await expect.poll(() => log.getByTestId('log-line').count()).toBe(1);
    await log.getByText('Configuration database: integrity ok.').waitFor();
    await page.getByTestId('log-search').fill('no such text anywhere');
    await log.getByText('No line at the selected levels contains “no such text anywhere”.').waitFor();
    await page.getByTestId('log-search').fill('');
    await expect.poll(() => log.getByTestId('log-line').count()).toBeGreaterThan(2);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-session').click()]);
    expect(download.suggestedFilename()).toMatch(/^Environment-check-\d{4}-\d{2}-\d{2}\.log$/);
    const exported = readFileSync((await download.path())!, 'utf8');
    expect(exported).toMatch(/^Session: Environment check\nKind: environment-check\nStatus: canceled\n/);
    expect(exported).toMatch(/INFO {2}Configuration database: integrity ok\./);
    expect(exported).toMatch(/WARN {2}Cancel requested; stopping\./);

    // The list shows it too, updated by events.
    await page.getByRole('link', { name: 'Sessions', exact: true }).first().click();
    const row = page.getByTestId('session-row').first();
    await expectText(row.getByTestId('session-status'), 'Canceled');
    expect(problems.list).toEqual([]);
  });

  it('cancels from the list, filters by status, and counts on the dashboard', async () => {
    await page.getByRole('button', { name: 'Run environment check' }).click();
    await page.getByRole('heading', { name: 'Environment check' }).waitFor();
    await page.getByRole('log', { name: 'Session log' }).getByText('Checking repository "hanging"').waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Sessions' }).waitFor();

    const running = page.getByTestId('session-row').filter({ has: page.getByText('Running', { exact: true }) });
    await running.first().waitFor();
    await page.getByLabel('Status').selectOption('running');
    await expectCount(page.getByTestId('session-row'), 1);
    await running.getByRole('button', { name: 'Cancel Environment check' }).click();
    // Canceled sessions leave the "Running" filter as the event arrives.
    await page.getByText('No session matches the filter.').waitFor();
    await page.getByLabel('Status').selectOption('');
    await expectCount(page.getByTestId('session-row'), 2);

    await page.getByRole('link', { name: 'Dashboard' }).click();
    await expectText(page.getByTestId('status-count-canceled'), '2');
    await expectText(page.getByTestId('status-count-active'), '0');
    expect(problems.list).toEqual([]);
  });

  it('says it is disconnected when the service dies, and after a restart nothing is left running', async () => {
    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByRole('button', { name: 'Run environment check' }).click();
    await page.getByRole('log', { name: 'Session log' }).getByText('Checking repository "hanging"').waitFor();
    const interruptedId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);

    problems.serviceDown = true;
    await service.kill();
    await page.getByRole('alert').filter({ hasText: 'Disconnected from the Cosmos Backup service.' }).waitFor();
    await expectText(page.getByTestId('connection-state'), 'Reconnecting');

    // Back on the same port, the service has a new token: the page cannot reconnect, and says why.
    service = await startService(dataDir.path, { port: service.port });
    await page.getByRole('alert').filter({ hasText: 'it was restarted with a new token' }).waitFor();
    await page.goto(service.url);
    problems.serviceDown = false;
    await page.getByRole('link', { name: 'Sessions' }).click();
    const row = page.locator(`[data-session-id="${interruptedId}"]`);
    await expectText(row.getByTestId('session-status'), 'Failed');
    await row.getByText('Interrupted by shutdown').waitFor();
    for (const status of ['running', 'queued', 'canceling']) {
      await page.getByLabel('Status').selectOption(status);
      await page.getByText('No session matches the filter.').waitFor();
    }
    expect(problems.list).toEqual([]);
  });
});

/** Waits (polling, not sleeping) until the element's text contains `text`. */
async function expectText(locator: ReturnType<Page['locator']>, text: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = (await locator.first().textContent({ timeout: timeoutMs }).catch(() => '')) ?? '';
    if (last.includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Expected text "${text}", last saw "${last}"`);
}

async function expectCount(locator: ReturnType<Page['locator']>, count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  while (Date.now() < deadline) {
    last = await locator.count();
    if (last === count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Expected ${count} elements, saw ${last}`);
}
