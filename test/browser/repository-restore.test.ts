import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { AppCore } from '../../src-main/app/app-core.ts';
import { describeConnection, parsePostgresUri } from '../../src-main/engines/postgres/connection.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { runCli } from '../helpers/cli.ts';
import { dataChecksums, startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { REPO_PASSWORD, createRepository } from '../integration/postgres/support.ts';
import { assertPrerequisites, catalogueRepository, closeConsole, openConsole, type PageProblems, type RunningService } from './helpers.ts';

/** Restoring a PostgreSQL restore point from the console into a real PostgreSQL 15 server. */
describe('console: restore a repository restore point', () => {
  const dir = makeTempDir('cosmos-console-restore-');
  const dataDir = join(dir.path, 'data');
  const repo = join(dir.path, 'repo');
  let server: TestPostgres;
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  let restorePointId = '';

  beforeAll(async () => {
    assertPrerequisites();
    server = await startPostgres();
    await server.query('CREATE DATABASE crm');
    await server.query(`CREATE TABLE contacts (id int PRIMARY KEY, email text); INSERT INTO contacts SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 120) g;`, 'crm');
    await createRepository(repo);
    const backup = await runCli(['--data-dir', join(dir.path, 'cli'), 'backup', 'postgres', '--source', server.uri(), '--repo', repo, '--database', 'crm'], {
      env: { COSMOS_BACKUP_REPO_PASSWORD: REPO_PASSWORD, PGPASSWORD: server.password },
    });
    expect(backup.code, backup.stderr).toBe(0);
    // Catalogue the repository with its password remembered, as the Repositories view does.
    const seed = AppCore.open({ dataDir });
    restorePointId = await catalogueRepository(seed, 'pg', repo, REPO_PASSWORD);
    // An earlier restore into the same target was lost half-way: the console must say so until a restore succeeds.
    seed.touchedTargets.touch('earlier-lost-restore', describeConnection(parsePostgresUri(server.uri()).connection), 'crm_from_console', new Date().toISOString());
    await seed.close();
    ({ service, browser, page, problems } = await openConsole(dataDir));
  });

  afterAll(async () => {
    await closeConsole(browser, service);
    await server?.stop();
    dir.remove();
  });

  it('restores under a new name and follows the session to its end', async () => {
    await page.goto(`${service.url}#/restore-points/${restorePointId}`);
    await page.getByTestId('half-restored').getByText(/Database crm_from_console on server .* is half-restored/).waitFor();
    const form = page.getByTestId('restore-form');
    await form.getByLabel('Target server').fill('not a uri');
    await form.getByRole('button', { name: 'Start restore' }).click();
    await expect.poll(() => form.getByText(/Enter a PostgreSQL URI/).count()).toBe(1);
    await form.getByLabel('Target server').fill(server.uri());
    await form.getByLabel('Password of the target user').fill(server.password);
    await form.getByLabel('Restore crm as').fill('crm_from_console');
    // A restore says why; the reason is asked on its field and lands in the audit.
    await form.getByRole('button', { name: 'Start restore' }).click();
    await form.getByText('Say why you restore: it is recorded in the restore audit with who and when.').waitFor();
    await form.getByLabel('Reason for the restore').fill('Compare with yesterday (ticket 815)');
    await form.getByRole('button', { name: 'Start restore' }).click();
    await page.waitForURL(/#\/sessions\//);
    await page.getByText('Succeeded').first().waitFor({ timeout: 60_000 });
    expect(await dataChecksums(server, 'crm_from_console')).toEqual(await dataChecksums(server, 'crm'));
    await page.goto(`${service.url}#/restore-points`);
    const audit = page.getByTestId('audit-row').filter({ hasText: 'Compare with yesterday (ticket 815)' });
    await audit.waitFor();
    expect(await audit.textContent()).toMatch(/Repository: Restore of .* to postgres:\/\/.*Compare with yesterday \(ticket 815\)succeeded$/);
    // The successful restore of that target clears the warning.
    await page.goto(`${service.url}#/restore-points`);
    await page.getByRole('heading', { name: 'Restore points' }).waitFor();
    await expect.poll(() => page.getByTestId('half-restored').count()).toBe(0);
    expect(page.url()).not.toContain(server.password);
    expect(problems.list).toEqual([]);
  });
});
