import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AppCore } from '../../src-main/app/app-core.ts';
import type { PolicyInput } from '../../src-main/shared/policy.ts';
import { runCli } from '../helpers/cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startRetailPricesStandIn, STAND_IN_PRICES, type RetailPricesStandIn } from '../helpers/retail-prices-stand-in.ts';
import { assertPrerequisites, closeConsole, openConsole, printServiceStderrOnFailure, type PageProblems, type RunningService } from './helpers.ts';

const PROD = '00000000-1111-4222-8333-444444444444';
const STAGING = '00000000-1111-4222-8333-555555555555';
const resourceId = (sub: string, group: string, provider: string, name: string) => `/subscriptions/${sub}/resourceGroups/${group}/providers/${provider}/${name}`;

/** The policy wizard end to end against the real core: create from nothing, edit, clone, export, import, delete. */
describe('console: the policy wizard', () => {
  const dir = makeTempDir('cosmos-console-wizard-');
  const dataDir = join(dir.path, 'data');
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  let pricesApi: RetailPricesStandIn;

  beforeAll(async () => {
    assertPrerequisites();
    const seed = AppCore.open({ dataDir });
    const now = new Date().toISOString();
    seed.repositories.add({ name: 'nightly', location: join(dir.path, 'repo'), kind: 'local', encrypted: true }, now);
    seed.inventory.upsertSubscription({ id: PROD, tenantId: 't', displayName: 'Production', state: 'Enabled', syncedAt: now });
    seed.inventory.upsertSubscription({ id: STAGING, tenantId: 't', displayName: 'Staging', state: 'Enabled', syncedAt: now });
    const record = (sub: string, group: string, name: string, kind: 'postgres-cluster' | 'cosmosdb-account', tags: Record<string, string> = {}) => ({
      id: resourceId(sub, group, kind === 'postgres-cluster' ? 'Microsoft.DBforPostgreSQL/serverGroupsv2' : 'Microsoft.DocumentDB/databaseAccounts', name),
      subscriptionId: sub,
      resourceGroup: group,
      name,
      kind,
      api: kind === 'cosmosdb-account' ? 'Sql' : null,
      location: 'westeurope',
      tags,
      properties: {},
      deleted: false,
      syncedAt: now,
    });
    seed.inventory.replaceResources(PROD, [record(PROD, 'rg-prod', 'billing', 'postgres-cluster'), record(PROD, 'rg-prod', 'orders', 'postgres-cluster'), record(PROD, 'rg-shop', 'catalog', 'cosmosdb-account', { env: 'prod' })], now);
    seed.inventory.replaceResources(STAGING, [record(STAGING, 'rg-test', 'sandbox', 'postgres-cluster')], now);
    seed.policies.save({ name: 'Prod accounts', priority: 90, scope: { resourceKinds: ['cosmosdb-account'], include: { tags: [{ name: 'env', value: 'prod' }] } }, continuousBackup: { enabled: true, tier: 'Continuous30Days' } });
    await seed.close();
    pricesApi = await startRetailPricesStandIn();
    ({ service, browser, page, problems } = await openConsole(dataDir, { env: { COSMOS_BACKUP_RETAIL_PRICES_URL: pricesApi.endpoint } }));
  });

  printServiceStderrOnFailure(() => service);

  afterAll(async () => {
    await pricesApi?.stop();
    await closeConsole(browser, service);
    dir.remove();
  });

  /** The policies as the core stores them, read back through the CLI. */
  const storedPolicies = async () => JSON.parse((await runCli(['--data-dir', dataDir, '--json', 'policy', 'export'])).stdout) as PolicyInput[];

  it('creates a policy from nothing: field errors on the field, subscriptions by name, a live preview naming the policy that wins, then saved', async () => {
    await page.goto(`${service.url}#/policies`);
    await page.getByTestId('new-policy').click();
    await page.getByRole('heading', { name: 'New policy', level: 1 }).waitFor();
    const wizard = page.getByTestId('policy-wizard');

    // Next with no name: the error sits on the name field and the wizard stays on the step.
    await page.getByTestId('wizard-next').click();
    await wizard.getByText('Name must not be empty.').waitFor();
    expect(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Name', { exact: true }).fill('Nightly Postgres');
    await page.getByLabel('Priority (1–100)').fill('60');
    await page.getByTestId('wizard-next').click();

    // Scope: subscriptions by name; the preview shows what is covered and what another policy wins.
    await wizard.getByRole('heading', { name: 'Scope', exact: true }).waitFor();
    await wizard.getByText('Subscriptions (0 chosen of 2)').first().click();
    await wizard.getByRole('checkbox', { name: 'Production' }).first().check();
    const preview = page.getByTestId('scope-preview');
    await preview.getByText('3 resource(s) in scope').waitFor();
    expect(await page.getByTestId('preview-governed').allTextContents()).toEqual([expect.stringContaining('billing'), expect.stringContaining('orders')]);
    expect(await page.getByTestId('preview-governed').first().textContent()).toContain('Production');
    expect(await page.getByTestId('preview-elsewhere').textContent()).toContain('catalog → Prod accounts (priority 90)');
    await page.getByTestId('wizard-next').click();

    // Protection: repository backups without a repository are refused on the field.
    await wizard.getByRole('heading', { name: 'Protection', exact: true }).waitFor();
    await page.getByTestId('continuous-enabled').uncheck();
    await page.getByTestId('repository-enabled').check();
    // The clusters this policy will back up need a database login: one is set here, from the wizard.
    const logins = page.getByTestId('policy-login');
    await logins.filter({ hasText: 'billing' }).getByText('no login yet').waitFor();
    expect(await logins.count()).toBe(2);
    await page.getByRole('button', { name: 'Set login… billing' }).click();
    const loginForm = page.getByTestId('resource-login-form');
    await loginForm.getByLabel('Login').fill('citus');
    await loginForm.getByLabel('Password').fill('billing-Secret-7');
    await loginForm.getByRole('button', { name: 'Save login' }).click();
    await loginForm.getByRole('status').waitFor();
    await loginForm.getByRole('button', { name: 'Close' }).click();
    await logins.filter({ hasText: 'billing' }).getByText('login citus').waitFor();
    await logins.filter({ hasText: 'orders' }).getByText('no login yet').waitFor();
    expect(readFileSync(join(dataDir, 'config.db')).includes('billing-Secret-7')).toBe(false);
    await page.getByTestId('wizard-save').click();
    await wizard.getByText('Repository must name a repository.').waitFor();
    await page.getByLabel('Repository', { exact: true }).selectOption({ label: 'nightly' });
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByTestId('policy-review').getByText('Daily 01:00 (every day), keep 14 days').waitFor();
    // The cost estimate of what it covers: repository storage and worker hours, from the assumptions.
    const cost = page.getByTestId('policy-cost');
    await cost.getByText('A month of this policy over the 2 resource(s) it covers now').waitFor();
    // At West Europe's prices (where they are), read from the Retail Prices API (its stand-in here).
    await cost.getByTestId('cost-prices').getByText('read from the Azure Retail Prices API').waitFor();
    expect(await cost.getByTestId('cost-prices').textContent()).toContain('list prices of westeurope');
    expect(await cost.getByTestId('cost-line').first().textContent()).toContain(`$${STAND_IN_PRICES.hot}/GB-month`);
    expect(await cost.getByTestId('cost-line').allTextContents()).toEqual([expect.stringContaining('Repository storage (Hot)'), expect.stringContaining('Worker VMs')]);
    const total = async () => Number(((await cost.getByTestId('cost-total').textContent()) ?? '').replace(/[$,]/g, ''));
    const before = await total();
    await cost.getByLabel('Data per resource (GB)').fill('500');
    await expect.poll(total).toBeGreaterThan(before * 5);
    await page.getByTestId('wizard-save').click();

    await page.getByRole('heading', { name: 'Nightly Postgres', level: 1 }).waitFor();
    await page.getByTestId('policy-resource-count').filter({ hasText: '2 clusters of the inventory' }).waitFor();
    const saved = (await storedPolicies()).find((p) => p.name === 'Nightly Postgres')!;
    expect(saved.priority).toBe(60);
    expect(saved.scope.include.subscriptions).toEqual([PROD]);
    expect(saved.continuousBackup).toBeNull();
    expect(saved.repositoryBackup!.schedules.daily).toMatchObject({ enabled: true, time: '01:00', keepDays: 14 });
    expect(problems.list).toEqual([]);
  });

  it('can be used with the keyboard alone, from the first field to the saved policy', async () => {
    await page.goto(`${service.url}#/policies/new`);
    await page.getByRole('heading', { name: 'New policy', level: 1 }).waitFor();
    /** Presses Tab until the focused element matches, as a keyboard user would. */
    const tabTo = async (describe: string, matches: () => boolean) => {
      for (let presses = 0; presses < 60; presses++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(matches)) return;
      }
      throw new Error(`Tab never reached ${describe}`);
    };
    await tabTo('the name field', () => document.activeElement?.id === 'policy-name');
    await page.keyboard.type('Keyboard only');
    await tabTo('Next', () => document.activeElement?.textContent?.trim() === 'Next');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Scope', exact: true }).waitFor();
    await tabTo('"every resource"', () => (document.activeElement as HTMLElement | null)?.dataset.testid === 'scope-all');
    await page.keyboard.press('Space');
    await tabTo('Create policy', () => document.activeElement?.textContent?.trim() === 'Create policy');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Keyboard only', level: 1 }).waitFor();
    const saved = (await storedPolicies()).find((p) => p.name === 'Keyboard only')!;
    expect(saved.scope.include.all).toBe(true);
    expect(saved.continuousBackup).toMatchObject({ enabled: true, tier: 'Continuous7Days' });
    // Leave the list as the next test expects it.
    await runCli(['--data-dir', dataDir, 'policy', 'delete', 'Keyboard only']);
    await page.goto(`${service.url}#/policies/${encodeURIComponent((await storedPolicies()).find((p) => p.name === 'Nightly Postgres')!.id!)}`);
    await page.getByRole('heading', { name: 'Nightly Postgres', level: 1 }).waitFor();
    expect(problems.list).toEqual([]);
  });

  it('edits, clones, imports and deletes (with a confirmation) from the console', async () => {
    await page.getByTestId('edit-policy').click();
    await page.getByRole('heading', { name: 'Edit Nightly Postgres', level: 1 }).waitFor();
    await page.getByLabel('Priority (1–100)').fill('95');
    await page.getByTestId('wizard-save').click();
    await page.getByRole('heading', { name: 'Nightly Postgres', level: 1 }).waitFor();
    expect((await storedPolicies()).find((p) => p.name === 'Nightly Postgres')!.priority).toBe(95);

    // A clone starts disabled under a new name, with the same settings.
    await page.getByRole('link', { name: 'Clone' }).click();
    await page.getByRole('heading', { name: 'Clone a policy', level: 1 }).waitFor();
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Copy of Nightly Postgres');
    await page.getByTestId('wizard-save').click();
    await page.getByRole('heading', { name: 'Copy of Nightly Postgres', level: 1 }).waitFor();
    const clone = (await storedPolicies()).find((p) => p.name === 'Copy of Nightly Postgres')!;
    expect(clone.enabled).toBe(false);
    expect(clone.scope.include.subscriptions).toEqual([PROD]);

    // Delete asks first; "Keep it" keeps it.
    await page.getByTestId('delete-policy').click();
    const confirmation = page.getByTestId('delete-confirmation');
    await confirmation.getByText('Delete the policy "Copy of Nightly Postgres"?').waitFor();
    await confirmation.getByRole('button', { name: 'Keep it' }).click();
    expect((await storedPolicies()).some((p) => p.name === 'Copy of Nightly Postgres')).toBe(true);
    await page.getByTestId('delete-policy').click();
    await page.getByTestId('confirm-delete').click();
    await page.getByRole('heading', { name: 'Policies', level: 1 }).waitFor();
    expect((await storedPolicies()).some((p) => p.name === 'Copy of Nightly Postgres')).toBe(false);

    // Import a file the way `policy export` writes it; a bad one says why and imports nothing.
    const bad = join(dir.path, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'Broken', scope: { include: {} } }));
    await page.getByTestId('policy-import-file').setInputFiles(bad);
    const refusal = page.getByText(/Nothing was imported from bad\.json: /);
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('selects nothing');
    const good = join(dir.path, 'weekly.json');
    writeFileSync(good, JSON.stringify([{ name: 'Staging weekly', scope: { include: { subscriptions: [STAGING] } }, continuousBackup: { enabled: true, tier: 'Continuous7Days' } }]));
    await page.getByTestId('policy-import-file').setInputFiles(good);
    await page.getByTestId('policy-import-result').filter({ hasText: 'Imported 1 policy from weekly.json: Staging weekly.' }).waitFor();
    await page.getByTestId('policy-row').filter({ hasText: 'Staging weekly' }).waitFor();
    expect((await storedPolicies()).map((p) => p.name).sort()).toEqual(['Nightly Postgres', 'Prod accounts', 'Staging weekly']);
    expect(problems.list).toEqual([]);
  });
});
