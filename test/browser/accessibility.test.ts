import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AppCore } from '../../src-main/app/app-core.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { assertPrerequisites, closeConsole, launchBrowser, printServiceStderrOnFailure, startService, watchPageProblems, type PageProblems, type RunningService } from './helpers.ts';

/** Screenshots of every view at two sizes, for people to look at (test artifacts, never committed). */
const SCREENSHOTS = process.env.COSMOS_BACKUP_SCREENSHOTS ?? join(tmpdir(), 'cosmos-backup-screenshots');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SUB = '00000000-1111-4222-8333-444444444444';

/** One serious or critical accessibility violation, as axe-core reports it. */
interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/**
 * Every view of the console, with data in it, checked by axe-core in Chromium: no serious or
 * critical violation (WCAG 2 A/AA rules). axe is injected into a context that bypasses the page's
 * CSP — the console's own CSP stays strict for everything else.
 */
describe('console: accessibility (axe-core)', () => {
  const dir = makeTempDir('cosmos-console-a11y-');
  const dataDir = join(dir.path, 'data');
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  let policyId = '';
  let sessionId = '';

  beforeAll(async () => {
    assertPrerequisites();
    const seed = AppCore.open({ dataDir });
    const now = new Date().toISOString();
    const repository = seed.repositories.add({ name: 'nightly', location: join(dir.path, 'repo'), kind: 'local', encrypted: true }, now);
    seed.inventory.upsertSubscription({ id: SUB, tenantId: 't', displayName: 'Production', state: 'Enabled', syncedAt: now });
    seed.inventory.replaceResources(SUB, [
      { id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/billing`, subscriptionId: SUB, resourceGroup: 'rg', name: 'billing', kind: 'postgres-cluster', api: null, location: 'westeurope', tags: { env: 'prod' }, properties: {}, deleted: false, syncedAt: now },
      { id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/shop`, subscriptionId: SUB, resourceGroup: 'rg', name: 'shop', kind: 'cosmosdb-account', api: 'Sql', location: 'westeurope', tags: {}, properties: { backup: { type: 'Continuous', tier: 'Continuous7Days' } }, deleted: false, syncedAt: now },
    ], now);
    // The account's continuous-backup record, so its page draws a timeline and lists its databases.
    const day = 86_400_000;
    seed.restorePoints.add({
      kind: 'continuous',
      resourceId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/shop`,
      policyId: null,
      repositoryId: null,
      sessionId: null,
      pointTime: now,
      windowStart: new Date(Date.now() - 7 * day).toISOString(),
      windowEnd: now,
      gfs: [],
      sizeBytes: null,
      metadata: { resourceType: 'cosmosdb-account', accountName: 'shop', api: 'Sql', location: 'West Europe', restorableLocations: ['West Europe'], databases: [{ name: 'orders', children: ['items', 'customers'] }], tables: [], backupTier: 'Continuous7Days', deleted: false },
      createdAt: now,
    });
    policyId = seed.policies.save({ name: 'Nightly clusters', scope: { include: { subscriptions: [SUB] } }, continuousBackup: { enabled: true, tier: 'Continuous7Days' }, repositoryBackup: { repositoryId: repository.id, schedules: { daily: { enabled: true, time: '02:00', keepDays: 7 } } } }).id;
    const check = seed.startEnvironmentCheck();
    sessionId = (await seed.sessions.waitFor(check.id)).id;
    await seed.close();
    [service, browser] = await Promise.all([startService(dataDir), launchBrowser()]);
    page = await (await browser.newContext({ bypassCSP: true, viewport: { width: 1366, height: 768 } })).newPage();
    problems = watchPageProblems(page);
  });

  printServiceStderrOnFailure(() => service);

  afterAll(async () => {
    await closeConsole(browser, service);
    dir.remove();
  });

  /** The window as a person sees it, and the whole view: the console scrolls inside <main>, so the full one lets the page grow for its picture. */
  async function screenshots(name: string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const [width, height] of [[1366, 768], [1920, 1080]] as const) {
      await page.setViewportSize({ width, height });
      const file = join(SCREENSHOTS, `${name.replaceAll(' ', '-')}-${width}x${height}`);
      await page.screenshot({ path: `${file}.png` });
      const unroll = await page.addStyleTag({ content: 'html, body, #app, .shell, main { height: auto !important; overflow: visible !important; }' });
      await page.screenshot({ path: `${file}-full.png`, fullPage: true });
      await unroll.evaluate((style) => (style as HTMLStyleElement).remove());
    }
    await page.setViewportSize({ width: 1366, height: 768 });
  }

  async function violations(): Promise<Violation[]> {
    if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
    return page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
      const result = await axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact!, help: v.help, nodes: v.nodes.slice(0, 4).map((n) => n.target.map(String).join(' ')) }));
    });
  }

  const views: [string, string, string][] = [
    ['dashboard', '#/dashboard', 'Dashboard'],
    ['resources', '#/resources', 'Resources'],
    ['resource page', `#/resources/${encodeURIComponent(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/billing`)}`, 'billing'],
    ['account page', `#/resources/${encodeURIComponent(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/shop`)}`, 'shop'],
    ['policies', '#/policies', 'Policies'],
    ['policy detail', `#/policies/${'{policy}'}`, 'Nightly clusters'],
    ['policy wizard', '#/policies/new', 'New policy'],
    ['sessions', '#/sessions', 'Sessions'],
    ['session detail', `#/sessions/${'{session}'}`, 'Environment check'],
    ['restore points', '#/restore-points', 'Restore points'],
    ['repositories', '#/repositories', 'Repositories'],
    ['workers', '#/workers', 'Workers'],
    ['settings', '#/settings', 'Settings'],
  ];

  it('has no serious or critical violation on any view, nor on any step of the policy wizard', async () => {
    const found: string[] = [];
    const record = (where: string, list: Violation[]) => list.forEach((v) => found.push(`${where}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(' | ')}`));
    await page.goto(`${service.url}#/dashboard`);
    for (const [name, hash, heading] of views) {
      await page.evaluate((h) => (location.hash = h), hash.replace('{policy}', policyId).replace('{session}', sessionId));
      await page.getByRole('heading', { name: heading, level: 1 }).first().waitFor();
      await page.waitForTimeout(300); // let the view's data arrive
      record(name, await violations());
      await screenshots(name);
      if (name === 'workers') {
        await page.getByTestId('add-worker-configuration').click();
        await page.getByTestId('save-worker-configuration').click(); // empty: the field errors show
        await page.getByText('Name is required.').waitFor();
        record('worker configuration form', await violations());
        await screenshots('worker configuration form');
      }
      if (name === 'policy wizard') {
        for (const step of ['Scope', 'Protection', 'Options', 'Review']) {
          await page.getByRole('button', { name: step, exact: false }).first().click();
          await page.waitForTimeout(200);
          record(`policy wizard, ${step}`, await violations());
          await screenshots(`policy wizard ${step}`);
        }
      }
    }
    expect(found, found.join('\n')).toEqual([]);
    expect(problems.list).toEqual([]);
  });
});
