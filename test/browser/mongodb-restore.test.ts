import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BSON } from 'bson';
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
    // Enough documents for a restore to be still running when it is canceled.
    for (let batch = 0; batch < 100; batch++) await client.db('metrics').collection('samples').insertMany(Array.from({ length: 2000 }, (_, i) => ({ _id: (batch * 2000 + i) as never, value: i, note: 'x'.repeat(200) })));
    await createRepository(repo);
    const backup = await runCli(['--data-dir', join(dir.path, 'cli'), 'backup', 'mongodb', '--source', server.uriWithUser(), '--repo', repo, '--database', 'crm', '--database', 'metrics'], {
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

  it('restores one chosen collection under a new database and collection name and follows the session to its end', async () => {
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
    await collections.getByLabel('audit log', { exact: true }).uncheck();
    await form.getByRole('checkbox', { name: 'metrics', exact: true }).uncheck();
    expect(await collections.getByLabel('contacts', { exact: true }).isChecked()).toBe(true);
    await collections.getByLabel('Restore crm.contacts as').fill('$bad');
    await form.getByRole('button', { name: 'Start restore' }).click();
    await expect.poll(() => form.getByText(/"\$bad" is not a valid collection name/).count()).toBe(1);
    await collections.getByLabel('Restore crm.contacts as').fill('people');
    await form.getByLabel('Write budget (documents/s)').fill('1000');
    await form.getByLabel('Reason for the restore').fill('Contacts overwritten by an import');
    await form.getByRole('button', { name: 'Start restore' }).click();
    await page.waitForURL(/#\/sessions\//);
    await page.getByText('Succeeded').first().waitFor({ timeout: 60_000 });
    expect(await canonicalDocuments(client, 'crm_console', 'people')).toEqual(await canonicalDocuments(client, 'crm', 'contacts'));
    expect((await client.db('crm_console').listCollections().toArray()).map((info) => info.name)).toEqual(['people']);
    await page.getByText(/60 documents/).first().waitFor();
    await page.getByText(/at most 1,000 documents per second \(the restore's budget\)/).first().waitFor();
    expect(page.url()).not.toContain(server.password);
    expect(problems.list).toEqual([]);
  });

  it('asks before canceling a running restore, naming the database it leaves half-restored', async () => {
    await page.goto(`${service.url}#/restore-points/${restorePointId}`);
    const form = page.getByTestId('restore-form');
    await form.getByLabel('Target server').fill(server.uriWithUser());
    await form.getByLabel('Password of the target user').fill(server.password);
    await form.getByRole('checkbox', { name: 'crm', exact: true }).uncheck();
    await form.getByLabel('Restore metrics as').fill('metrics_canceled');
    await form.getByLabel('Reason for the restore').fill('Trying the cancel confirmation');
    await form.getByRole('button', { name: 'Start restore' }).click();
    await page.waitForURL(/#\/sessions\//);
    // Once documents are going in, the target is written: canceling asks first and names it.
    await page.getByTestId('progress-rate').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel session' }).click();
    const confirmation = page.getByTestId('cancel-confirmation');
    await confirmation.getByText('Cancel this restore?').waitFor();
    await expect(confirmation.getByTestId('cancel-targets').textContent()).resolves.toMatch(/Database metrics_canceled on .* will be left half-restored/);
    // "Let it run" keeps it running; confirming cancels it.
    await confirmation.getByRole('button', { name: 'Let it run' }).click();
    expect(await confirmation.count()).toBe(0);
    expect(await page.getByTestId('session-status').first().getAttribute('data-status')).toMatch(/running|queued/);
    await page.getByRole('button', { name: 'Cancel session' }).click();
    await page.getByTestId('confirm-cancel').click();
    await page.locator('[data-testid="session-status"][data-status="canceled"]').first().waitFor({ timeout: 60_000 });
    // Restore points then warn about it until a restore of that database succeeds.
    await page.goto(`${service.url}#/restore-points`);
    await page.getByTestId('half-restored').getByText('metrics_canceled').waitFor();
    expect(problems.list).toEqual([]);
  });

  it('writes a restore point to a folder in the stock mongodump layout', async () => {
    await page.goto(`${service.url}#/restore-points/${restorePointId}`);
    const form = page.getByTestId('restore-form');
    await form.getByLabel(/A folder \(stock mongodump layout\)/).check();
    const folder = join(dir.path, 'export');
    await form.getByLabel('Folder', { exact: true }).fill('relative/folder');
    await form.getByLabel('Reason for the restore').fill('Export for the auditors');
    await form.getByRole('button', { name: 'Start restore' }).click();
    await expect.poll(() => form.getByText(/absolute/).count()).toBeGreaterThan(0);
    await form.getByLabel('Folder', { exact: true }).fill(folder);
    await form.getByRole('button', { name: 'Start restore' }).click();
    await page.waitForURL(/#\/sessions\//);
    await page.getByText('Succeeded').first().waitFor({ timeout: 60_000 });
    // mongodump's layout: the documents as concatenated BSON, the metadata beside them.
    const bson = readFileSync(join(folder, 'crm', 'contacts.bson'));
    const documents: Record<string, unknown>[] = [];
    for (let at = 0; at < bson.length; at += bson.readInt32LE(at)) documents.push(BSON.deserialize(bson.subarray(at, at + bson.readInt32LE(at))));
    expect(documents.map((document) => document.email).sort()).toEqual(Array.from({ length: 60 }, (_, i) => `u${i}@example.com`).sort());
    expect(JSON.parse(readFileSync(join(folder, 'crm', 'contacts.metadata.json'), 'utf8'))).toMatchObject({ collectionName: 'contacts' });
    // A name escaped as mongodump escapes it (a space as +).
    expect(existsSync(join(folder, 'crm', 'audit+log.bson'))).toBe(true);
    expect(problems.list).toEqual([]);
  });

  it('backs up a MongoDB server from the Repositories view, and the restore point lists its collections', async () => {
    await page.goto(`${service.url}#/repositories`);
    await page.getByRole('button', { name: 'Back up now… a server into mongo' }).click();
    const form = page.getByTestId('backup-form');
    await form.getByLabel('Server', { exact: true }).fill(server.uriWithUser());
    await form.getByLabel('Password of the server user').fill(server.password);
    await form.getByLabel('Databases').fill('crm');
    await form.getByLabel('Name of the restore points').fill('CRM deployment');
    await form.getByRole('button', { name: 'Start backup' }).click();
    await page.getByTestId('backup-notice').waitFor();
    await page.getByTestId('repository-operation').getByText('Succeeded').waitFor({ timeout: 60_000 });
    await page.goto(`${service.url}#/restore-points`);
    const group = page.getByTestId('resource-points').filter({ hasText: 'CRM deployment' });
    await group.waitFor();
    await group.getByTestId('restore-point-row').first().getByRole('link').click();
    const restore = page.getByTestId('restore-form');
    await restore.getByText('A MongoDB deployment').waitFor();
    const collections = restore.getByRole('group', { name: 'Collections of crm' });
    expect(await collections.getByLabel('contacts', { exact: true }).isChecked()).toBe(true);
    expect(await collections.getByLabel('audit log', { exact: true }).isChecked()).toBe(true);
    expect(await restore.getByRole('checkbox', { name: 'metrics', exact: true }).count()).toBe(0);
    expect(page.url()).not.toContain(server.password);
    expect(problems.list).toEqual([]);
  });

  it('refuses a target collection that holds documents unless asked to replace it', async () => {
    await client.db('crm_taken').collection('contacts').insertOne({ _id: 'intruder' as never });
    const restoreContacts = async (replace: boolean) => {
      await page.goto(`${service.url}#/restore-points/${restorePointId}`);
      const form = page.getByTestId('restore-form');
      await form.getByLabel('Target server').fill(server.uriWithUser());
      await form.getByLabel('Password of the target user').fill(server.password);
      await form.getByLabel('Restore crm as').fill('crm_taken');
      await form.getByRole('group', { name: 'Collections of crm' }).getByLabel('audit log', { exact: true }).uncheck();
      await form.getByRole('checkbox', { name: 'metrics', exact: true }).uncheck();
      if (replace) await form.getByLabel(/Replace target collections that hold documents/).check();
      await form.getByLabel('Reason for the restore').fill('Contacts of the wrong tenant');
      await form.getByRole('button', { name: 'Start restore' }).click();
      await page.waitForURL(/#\/sessions\//);
    };
    await restoreContacts(false);
    await page.getByText(/already holds crm_taken\.contacts/).first().waitFor({ timeout: 60_000 });
    expect(await client.db('crm_taken').collection('contacts').countDocuments()).toBe(1);
    await restoreContacts(true);
    await page.locator('[data-testid="session-status"][data-status="succeeded"]').first().waitFor({ timeout: 60_000 });
    expect(await canonicalDocuments(client, 'crm_taken', 'contacts')).toEqual(await canonicalDocuments(client, 'crm', 'contacts'));
    expect(problems.list).toEqual([]);
  });
});
