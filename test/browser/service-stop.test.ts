import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { assertPrerequisites, closeConsole, openConsole, type PageProblems, type RunningService } from './helpers.ts';

/** Stopping the service (SIGTERM) with a console open: it exits at once, and the console says it is gone — not restarted. */
describe('console: the service stops', () => {
  const dir = makeTempDir('cosmos-console-stop-');
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    assertPrerequisites();
    ({ service, browser, page, problems } = await openConsole(join(dir.path, 'data')));
  });

  afterAll(async () => {
    await closeConsole(browser, service);
    dir.remove();
  });

  it('exits promptly on SIGTERM and the banner says the connection was lost', async () => {
    await page.goto(service.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
    await page.getByRole('button', { name: 'Run environment check' }).waitFor();
    const exited = new Promise<number | null>((resolve) => service.child.once('exit', (code) => resolve(code)));
    const started = Date.now();
    problems.serviceDown = true;
    service.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    const banner = page.getByTestId('connection-banner');
    await banner.getByText('Disconnected from the Cosmos Backup service.').waitFor();
    // Let a few reconnect attempts fail: the page must not claim a restart with a new token.
    await page.waitForTimeout(3000);
    const text = (await banner.textContent()) ?? '';
    expect(text).toMatch(/The connection was lost/);
    expect(text).not.toMatch(/restarted with a new token/);
  });
});
