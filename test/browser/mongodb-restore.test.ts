import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { MongoClient } from 'mongodb';
import type { Browser, Page } from 'playwright-core';
import { AppCore } from '../../src-main/app/app-core.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { runCli } from '../helpers/cli.ts';
import { startMongo, type TestMongo } from '../helpers/mongodb.ts';
import { REPO_PASSWORD, createRepository } from '../integration/postgres/support.ts';
import { canonicalDocuments } from '../integration/mongodb/sample-data.ts';
import { assertPrerequisites, catalogueRepository, closeConsole, openConsole, type PageProblems, type RunningService } from './helpers.ts';

/** A MongoDB restore point in the console: its databases and collections, and a restore of some of them into FerretDB. */
describe('console: restore a MongoDB restore point', () => {
  const dir = makeTempDir('cosmos-console-mongo-');
  const dataDir = join(dir.path, 'data');
  const repo = join(dir.path, 'repo');
  let server: TestMongo;
  let client: MongoClient;
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  let restorePointId = '';

  beforeAll(async () => {
    assertPrerequisites();
    server = await startMongo();
    client = await server.client();
    await client.db('crm').collection('contacts').insertMany(Array.from({ length: 60 }, (_, i) => ({ _id: i as never, email: `u${i}@example.com` })));
    await client.db('crm').collection('audit log').insertMany([{ _id: 1 as never, what: 'created' }]);
    await createRepository(repo);
    const backup = await runCli(['--data-dir', join(dir.path, 'cli'), 'backup', 'mongodb', '--source', server.uriWithUser(), '--repo', repo, '--database', 'crm'], {
      env: { COSMOS_BACKUP_REPO_PASSWORD: REPO_PASSWORD, MONGODB_PASSWORD: server.password },
    });
    expect(backup.code, backup.stderr).toBe(0);
    const seed = AppCore.open({ dataDir });
    restorePointId = await catalogueRepository(seed, 'mongo', repo, REPO_PASSWORD);
    await seed.close();
    ({ service, browser, page, problems } = await openConsole(dataDir));
  });

  afterAll(async () => {
    await closeConsole(browser, service);
    await client?.close();
    await server?.stop();
    dir.remove();
  });

  it('restores one chosen collection under a new database name and follows the session to its end', async () => {
    await page.goto(`${service.url}#/restore-points/${restorePointId}`);
    const form = page.getByTestId('restore-form');
    await form.getByText('A MongoDB deployment').waitFor();
    await form.getByLabel('Target server').fill('postgres://wrong-engine@db/x');
    await form.getByRole('button', { name: 'Start restore' }).click();
    await expect.poll(() => form.getByText(/Enter a MongoDB connection string/).count()).toBe(1);
    await form.getByLabel('Target server').fill(server.uriWithUser());
    await form.getByLabel('Password of the target user').fill(server.password);
    await form.getByLabel('Restore crm as').fill('crm_console');
    // Both collections are offered; only the contacts are restored.
    const collections = form.getByRole('group', { name: 'Collections of crm' });
    await collections.getByLabel('audit log').uncheck();
    expect(await collections.getByLabel('contacts').isChecked()).toBe(true);
    await form.getByLabel('Reason for the restore').fill('Contacts overwritten by an import');
    await form.getByRole('button', { name: 'Start restore' }).click();
    await page.waitForURL(/#\/sessions\//);
    await page.getByText('Succeeded').first().waitFor({ timeout: 60_000 });
    expect(await canonicalDocuments(client, 'crm_console', 'contacts')).toEqual(await canonicalDocuments(client, 'crm', 'contacts'));
    expect((await client.db('crm_console').listCollections().toArray()).map((info) => info.name)).toEqual(['contacts']);
    await page.getByText(/60 documents/).first().waitFor();
    expect(page.url()).not.toContain(server.password);
    expect(problems.list).toEqual([]);
  });
});
