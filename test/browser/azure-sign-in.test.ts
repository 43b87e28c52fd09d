import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startAzureEmulator, type AzureEmulator } from '../azure-emulator/index.ts';
import { runCli } from '../helpers/cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { assertPrerequisites, closeConsole, openConsole, printServiceStderrOnFailure, type PageProblems, type RunningService } from './helpers.ts';

const SCENARIO = new URL('../azure-emulator/scenarios/default.json', import.meta.url).pathname;

/**
 * Azure sign-in from the console against the emulator's Entra ID (real msal-node in the service): a
 * person with a device code to a custom cloud, an app with a client secret, field errors, sign-out.
 */
describe('console: Azure sign-in', () => {
  const dir = makeTempDir('cosmos-console-sign-in-');
  const dataDir = join(dir.path, 'data');
  let emulator: AzureEmulator;
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    assertPrerequisites();
    emulator = await startAzureEmulator({ scenario: SCENARIO, throttling: false, retryAfterSeconds: 0, deviceCodeIntervalSeconds: 0.1, users: [{ userPrincipalName: 'ops@contoso.test' }] });
    ({ service, browser, page, problems } = await openConsole(dataDir));
  });

  printServiceStderrOnFailure(() => service);

  afterAll(async () => {
    await closeConsole(browser, service);
    await emulator?.stop();
    dir.remove();
  });

  it('signs a person in with a device code to a custom cloud, and the sign-in is then usable by the CLI', async () => {
    await page.goto(`${service.url}#/settings`);
    const form = page.getByTestId('sign-in-form');
    await form.waitFor();
    await form.getByLabel('With a device code').check();
    await form.getByLabel('Cloud', { exact: true }).selectOption({ label: 'Custom cloud…' });
    await form.getByLabel('Name of the custom cloud').fill('emulator');
    await form.getByLabel('Resource Manager endpoint').fill(emulator.armEndpoint);
    await form.getByLabel('Entra ID authority host').fill(emulator.authorityHost);
    await form.getByLabel('Token audience (optional: the endpoint)').fill('https://management.azure.com');
    await form.getByLabel('Extra CA certificate file on this computer (optional, PEM)').fill(emulator.caCertFile);
    await form.getByLabel('Tenant (id or domain)').fill(emulator.tenantId);
    await page.getByTestId('sign-in-submit').click();

    // The code and where to enter it appear in the session's log; the person approves elsewhere.
    const codeLine = page.getByTestId('log-tail-line').filter({ hasText: 'enter the code' });
    await codeLine.waitFor();
    const code = /enter the code (\S+)/.exec((await codeLine.textContent()) ?? '')![1]!;
    expect((await codeLine.textContent()) ?? '').toContain(`${emulator.authorityHost}/devicelogin`);
    emulator.deviceCodes.approve(code);
    await page.getByTestId('sign-in-session').getByText(`Signed in to emulator (tenant ${emulator.tenantId}) as ops@contoso.test.`).waitFor();
    await page.getByTestId('sign-in-row').filter({ hasText: 'ops@contoso.test' }).filter({ hasText: 'Device code' }).waitFor();

    const sync = await runCli(['--data-dir', dataDir, 'azure', '--cloud-profile', 'emulator', 'sync']);
    expect(sync.code, sync.stderr).toBe(0);
    expect(problems.list).toEqual([]);
  });

  it('signs an app in with a client secret (checked on the field first), keeps the secret out of every record, and signs out', async () => {
    const form = page.getByTestId('sign-in-form');
    await form.getByLabel('Service principal with a client secret').check();
    await form.getByLabel('Cloud', { exact: true }).selectOption({ label: 'emulator' });
    await form.getByLabel('Tenant (id or domain)').fill(emulator.tenantId);
    await form.getByLabel('Application (client) id', { exact: true }).fill('');
    await page.getByTestId('sign-in-submit').click();
    await form.getByText('Client id is needed for a service principal.').waitFor();
    await form.getByText('Secret: give a client secret or a certificate (one of them).').waitFor();

    await form.getByLabel('Application (client) id', { exact: true }).fill(emulator.clientId);
    await form.getByLabel('Client secret', { exact: true }).fill(emulator.clientSecret);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('sign-in-session').getByText(`as app ${emulator.clientId}.`).waitFor();
    await page.getByTestId('sign-in-row').filter({ hasText: 'Service principal (secret)' }).waitFor();
    expect(await form.getByLabel('Client secret', { exact: true }).inputValue()).toBe('');

    // The secret is in the encrypted store only: not in the config DB, not in any session log.
    expect(readFileSync(join(dataDir, 'config.db')).includes(emulator.clientSecret)).toBe(false);
    const sessions = JSON.parse((await runCli(['--data-dir', dataDir, '--json', 'sessions', 'list'])).stdout) as { id: string; kind: string }[];
    for (const session of sessions.filter((s) => s.kind === 'sign-in')) {
      expect((await runCli(['--data-dir', dataDir, 'sessions', 'logs', session.id])).stdout).not.toContain(emulator.clientSecret);
    }

    // Sign out asks first, then forgets the tenant's sign-ins.
    await page.getByRole('button', { name: `Sign out of tenant ${emulator.tenantId}` }).first().click();
    await page.getByRole('button', { name: 'Sign out of this tenant' }).click();
    await page.getByTestId('sign-in-row').first().waitFor({ state: 'detached' });
    const left = JSON.parse((await runCli(['--data-dir', dataDir, '--json', 'azure', 'sign-ins'])).stdout) as unknown[];
    expect(left).toEqual([]);
    expect(problems.list).toEqual([]);
  });
});
