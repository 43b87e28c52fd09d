import type { AppCore } from '../../src-main/app/app-core.ts';
import { afterEach } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startService, type RunningService } from '../helpers/service.ts';

export { startService, type RunningService };

/**
 * Helpers of the browser tests: Debian's Chromium through playwright-core, and the headless
 * service (`cosmos-backup serve`) started and stopped by PID on a random loopback port.
 */

export { CLI_BIN } from '../helpers/cli.ts';
export const BUILT_CONSOLE = fileURLToPath(new URL('../../out/renderer/index.html', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';

/** Fails early with a clear message when a prerequisite of the browser tests is missing. */
export function assertPrerequisites(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  if (!existsSync(BUILT_CONSOLE)) throw new Error('The console is not built: run `npx electron-vite build` first.');
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A running `cosmos-backup serve`. */
/** What went wrong on a page so far; `serviceDown` marks the stretch where the test stopped the service on purpose. */
export interface PageProblems {
  list: string[];
  serviceDown: boolean;
}

/**
 * Records what must never happen on a page: uncaught errors, console errors, CSP violations.
 * Failed connections are expected (and ignored) only while `serviceDown` is set.
 */
export function watchPageProblems(page: Page): PageProblems {
  const problems: PageProblems = { list: [], serviceDown: false };
  page.on('pageerror', (error) => problems.list.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (problems.serviceDown && /ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE|WebSocket connection to .* failed/.test(text)) return;
    problems.list.push(`console error: ${text}`);
  });
  return problems;
}

/** A console under test: the headless service, Chromium, one page and what went wrong on it. */
export interface ConsoleUnderTest {
  service: RunningService;
  browser: Browser;
  page: Page;
  problems: PageProblems;
}

/** Starts the service on `dataDir` and a browser page watching for problems (not navigated yet). */
export async function openConsole(dataDir: string, options: { env?: Record<string, string>; viewport?: { width: number; height: number } } = {}): Promise<ConsoleUnderTest> {
  const [service, browser] = await Promise.all([startService(dataDir, { env: options.env }), launchBrowser()]);
  const page = await browser.newPage(options.viewport ? { viewport: options.viewport } : undefined);
  return { service, browser, page, problems: watchPageProblems(page) };
}

/** Closes what `openConsole` started (either may be missing when set-up failed). */
export async function closeConsole(browser: Browser | undefined, service: RunningService | undefined): Promise<void> {
  await browser?.close();
  await service?.stop();
}

/** When a test fails, prints what the service said on stderr: a failing step is easier to read next to it. */
export function printServiceStderrOnFailure(service: () => RunningService | undefined): void {
  afterEach((context) => {
    const stderr = service()?.stderr();
    if (context.task.result?.state === 'fail' && stderr) console.error(`service stderr:\n${stderr}`);
  });
}

/**
 * Catalogues a repository (password remembered, as the Repositories view does) in `core` and
 * rescans it; returns the id of its first restore point.
 */
export async function catalogueRepository(core: AppCore, name: string, location: string, password: string): Promise<string> {
  const added = core.repositoryCatalog.add({ name, location, password, create: false, encryption: 'aes-256-gcm', isArchive: false });
  if ((await added.finished).session.status !== 'succeeded') throw new Error(`Cataloguing ${location} failed.`);
  const record = core.repositories.list().find((repository) => repository.name === name)!;
  const rescan = await core.repositoryCatalog.startRescan(record.id);
  if ((await core.sessions.waitFor(rescan.id)).status !== 'succeeded') throw new Error(`Rescanning ${location} failed.`);
  return core.restorePoints.list({ repositoryId: record.id })[0]!.id;
}
