import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';
import { startAzurite, type AzuriteInstance } from '../../helpers/azurite.ts';
import { runCli } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { REPO_PASSWORD, createRepository } from './support.ts';

/** A restore point copied to the Archive tier: restoring says how to rehydrate, `repo rehydrate` and `restore --rehydrate` bring it back. */
describe('restoring archived restore points (PostgreSQL, Azurite)', () => {
  let server: TestPostgres;
  let azurite: AzuriteInstance;
  const temp = makeTempDir('cosmos-pg-archive-');
  const repo = `${temp.path}/repo`;
  const dataDir = `${temp.path}/data`;
  const archivePassword = 'archive-Pa55';
  let archiveUrl = '';
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(['--data-dir', dataDir, ...args], { env: { COSMOS_BACKUP_REPO_PASSWORD: REPO_PASSWORD, PGPASSWORD: server.password, AZURE_STORAGE_KEY: azurite.accountKey, ...env } });
  const asArchive = { COSMOS_BACKUP_REPO_PASSWORD: archivePassword };

  /** Backs up the server and copies the new restore point into the archive repository; returns the archived copy's id. */
  async function backupAndArchive(): Promise<string> {
    const backup = await cli(['--json', 'backup', 'postgres', '--source', server.uri(), '--repo', repo, '--database', 'ledger']);
    expect(backup.code, backup.stderr).toBe(0);
    const id = (JSON.parse(backup.stdout) as { outcome: { restorePointId: string } }).outcome.restorePointId;
    const copy = await cli(['--json', 'repo', 'copy', id.slice(0, 10), '--repo', repo, '--to', archiveUrl, '--archive'], { COSMOS_BACKUP_TARGET_REPO_PASSWORD: archivePassword });
    expect(copy.code, copy.stderr).toBe(0);
    return (JSON.parse(copy.stdout) as { result: { targetRestorePointId: string } }).result.targetRestorePointId;
  }

  beforeAll(async () => {
    [server, azurite] = await Promise.all([startPostgres(), startAzurite()]);
    await server.query('CREATE DATABASE ledger');
    await server.query(`CREATE TABLE entries (id int PRIMARY KEY, amount numeric); INSERT INTO entries SELECT g, g * 2 FROM generate_series(1, 300) g;`, 'ledger');
    await createRepository(repo);
    archiveUrl = `${azurite.blobEndpoint}/archive/ledger`;
    expect((await cli(['repo', 'init', '--repo', archiveUrl, '--name', 'cold'], asArchive)).code).toBe(0);
  });
  afterAll(async () => {
    await server?.stop();
    await azurite?.stop();
    temp.remove();
  });

  it('explains how to rehydrate, then restores once `repo rehydrate` brought the data back', async () => {
    const archived = await backupAndArchive();
    // The copy is catalogued as an archive restore point of the archive repository.
    const catalogued = JSON.parse((await cli(['--json', 'restore-points', '--repo', 'cold'])).stdout) as { id: string; kind: string }[];
    expect(catalogued).toEqual([expect.objectContaining({ id: archived, kind: 'archive' })]);

    const refused = await cli(['restore', archived.slice(0, 12), '--repo', 'cold', '--to-folder', `${temp.path}/out1`], asArchive);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/has data in the Archive tier, which cannot be read until it is rehydrated/);
    expect(refused.stderr).toContain(`cosmos-backup repo rehydrate ${archived.slice(0, 12)} --repo "cold"`);

    const rehydrated = await cli(['repo', 'rehydrate', archived.slice(0, 12), '--repo', 'cold', '--priority', 'high'], asArchive);
    expect(rehydrated.code, rehydrated.stderr).toBe(0);
    expect(rehydrated.stdout).toMatch(/^Rehydrated \d+ of \d+ packs: restore point [0-9a-f]{16} can be restored now\.\n$/);
    const restored = await cli(['restore', archived.slice(0, 12), '--repo', 'cold', '--to-folder', `${temp.path}/out1`], asArchive);
    expect(restored.code, restored.stderr).toBe(0);
    expect(readdirSync(`${temp.path}/out1`)).toContain('ledger');
  });

  it('rehydrates and restores in one session with restore --rehydrate', async () => {
    await server.query('INSERT INTO entries SELECT g, g FROM generate_series(301, 400) g', 'ledger');
    const archived = await backupAndArchive();
    const restored = await cli(['restore', archived, '--repo', 'cold', '--to-folder', `${temp.path}/out2`, '--rehydrate', 'high'], asArchive);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stderr).toMatch(/Rehydrated \d+ of \d+ packs \(High priority\); restoring now\./);
    expect(readdirSync(`${temp.path}/out2`)).toContain('ledger');
  });
});
