import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { AppCore } from '../../src-main/app/app-core.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { REPO_PASSWORD, createRepository } from '../integration/postgres/support.ts';
import { assertPrerequisites, closeConsole, openConsole, type PageProblems, type RunningService } from './helpers.ts';

/** "Back up now" from the console: the backup runs on a worker and its restore point shows up without a rescan. */
describe('console: back up a server now', () => {
  const dir = makeTempDir('cosmos-console-backup-');
  const dataDir = join(dir.path, 'data');
  const repo = join(dir.path, 'repo');
  let server: TestPostgres;
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  let repositoryId = '';

  beforeAll(async () => {
    assertPrerequisites();
    server = await startPostgres();
    await server.query('CREATE DATABASE sales');
    await server.query(`CREATE TABLE orders (id int PRIMARY KEY, total numeric); INSERT INTO orders SELECT g, g * 1.5 FROM generate_series(1, 250) g;`, 'sales');
    await createRepository(repo);
    const seed = AppCore.open({ dataDir });
    const added = seed.repositoryCatalog.add({ name: 'nightly', location: repo, password: REPO_PASSWORD, create: false, encryption: 'aes-256-gcm', isArchive: false });
    expect((await added.finished).session.status).toBe('succeeded');
    repositoryId = seed.repositories.list()[0]!.id;
    await seed.close();
    ({ service, browser, page, problems } = await openConsole(dataDir));
  });

  afterAll(async () => {
    await closeConsole(browser, service);
    await server?.stop();
    dir.remove();
  });

  it('starts a backup from the Repositories view and shows its restore point in Restore points', async () => {
    await page.goto(`${service.url}#/restore-points`);
    await page.getByText(/No repository restore points in the catalog/).waitFor();
    await page.goto(`${service.url}#/repositories`);
    await page.getByRole('button', { name: 'Back up now… a server into nightly' }).click();
    const form = page.getByTestId('backup-form');
    // Field-level validation before anything is sent.
    await form.getByLabel('Server', { exact: true }).fill('mysql://nope');
    await form.getByRole('button', { name: 'Start backup' }).click();
    await expect.poll(() => form.getByText(/Enter a PostgreSQL URI/).count()).toBe(1);
    await form.getByLabel('Server', { exact: true }).fill(server.uri());
    await form.getByLabel('Password of the server user').fill(server.password);
    await form.getByLabel('Databases').fill('sales');
    await form.getByLabel('Name of the restore points').fill('Sales cluster');
    await form.getByRole('button', { name: 'Start backup' }).click();
    await page.getByTestId('backup-notice').waitFor();
    // The repository row follows the session to its end.
    await page.getByTestId('repository-operation').getByText('Succeeded').waitFor({ timeout: 60_000 });
    await expect.poll(async () => (await page.getByTestId('repository-points').textContent())?.trim()).toBe('1');

    // Restore points shows it, with no rescan.
    await page.goto(`${service.url}#/restore-points`);
    const group = page.getByTestId('resource-points').filter({ hasText: 'Sales cluster' });
    await group.waitFor();
    expect(await group.getByTestId('restore-point-row').count()).toBe(1);
    const core = AppCore.open({ dataDir });
    try {
      const [point] = core.restorePoints.list({ repositoryId });
      expect(point).toMatchObject({ kind: 'repository', resourceId: `postgres://${new URL(server.uri()).hostname}:${new URL(server.uri()).port}` });
      expect((point!.metadata as { resourceName: string }).resourceName).toBe('Sales cluster');
      // The backup reported its progress in bytes against its estimate (the console shows rate and ETA from it).
      const progress = core.sessions.get(point!.sessionId!).progress;
      expect(progress).toMatchObject({ unit: 'bytes' });
      expect(progress!.done).toBeGreaterThan(0);
      expect(progress!.total).toBe(progress!.done);
      // The password was used for this backup only.
      expect(JSON.stringify(core.sessions.logs(point!.sessionId!, 0, 1000, 'debug'))).not.toContain(server.password);
    } finally {
      await core.close();
    }
    expect(problems.list).toEqual([]);
  });
});
