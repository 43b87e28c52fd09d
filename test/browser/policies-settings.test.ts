import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
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

  it('sets up e-mail: the server and addresses validated on their fields, the SMTP password kept apart, and a test e-mail really sent', async () => {
    const received: { to: string[]; text: string }[] = [];
    const logins: string[] = [];
    const smtp = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, _session, callback) {
        logins.push(`${auth.username}:${auth.password}`);
        return auth.password === 'smtp-Secret-9' ? callback(null, { user: auth.username }) : callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        let text = '';
        stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), text });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    try {
      await page.goto(`${service.url}#/settings`);
      const form = page.getByTestId('email-settings');
      await expect.poll(() => form.getByLabel('SMTP port').inputValue()).toBe('587');
      await form.getByLabel('E-mail notifications').selectOption('failures');
      await form.getByLabel('SMTP server').fill('127.0.0.1');
      await form.getByLabel('SMTP port').fill(String((smtp.server.address() as AddressInfo).port));
      await form.getByLabel('SMTP security').selectOption('none');
      await form.getByLabel('SMTP login').fill('mailer');
      await form.getByLabel('E-mail from').fill('backup@example.test');
      await form.getByLabel('E-mail to').fill('ops@example.test; dba');
      await form.getByRole('button', { name: 'Save settings' }).click();
      await form.getByText('E-mail to must be e-mail addresses separated by commas.').waitFor();
      await form.getByLabel('E-mail to').fill('ops@example.test, dba@example.test');
      await form.getByRole('button', { name: 'Save settings' }).click();
      await form.getByTestId('settings-saved').waitFor();

      const password = page.getByTestId('smtp-password');
      await password.getByText('No password is kept.').waitFor();
      await password.getByLabel('SMTP password').fill('smtp-Secret-9');
      await password.getByRole('button', { name: 'Keep password' }).click();
      await page.getByTestId('email-message').filter({ hasText: 'The SMTP password is kept (encrypted).' }).waitFor();
      await password.getByText('A password is kept (encrypted); type a new one to replace it.').waitFor();
      await page.getByTestId('send-test-email').click();
      await page.getByTestId('email-message').filter({ hasText: 'Sent a test e-mail to ops@example.test, dba@example.test.' }).waitFor();
      expect(received).toHaveLength(1);
      expect(received[0]!.to).toEqual(['ops@example.test', 'dba@example.test']);
      expect(received[0]!.text).toContain('This is a test e-mail from Cosmos Backup');
      expect(logins).toEqual(['mailer:smtp-Secret-9']);
      const shown = JSON.parse((await runCli(['--data-dir', service.dataDir, '--json', 'settings', 'get'])).stdout) as Record<string, unknown>;
      expect(shown).toMatchObject({ emailNotifications: 'failures', smtpSecurity: 'none', smtpUser: 'mailer', emailTo: 'ops@example.test, dba@example.test' });
      expect(JSON.stringify(shown)).not.toContain('smtp-Secret-9');
      expect(problems.list).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  it('has every section of the navigation available', async () => {
    for (const name of ['Dashboard', 'Resources', 'Policies', 'Sessions', 'Restore points', 'Repositories', 'Workers', 'Settings']) {
      await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
      await page.getByRole('heading', { name, level: 1 }).first().waitFor();
      expect(await page.getByText('Not available yet').count()).toBe(0);
    }
    expect(problems.list).toEqual([]);
  });
});
