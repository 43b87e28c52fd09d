import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';
import { runCli } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { REPO_PASSWORD, createRepository } from './support.ts';

/** The server password kept in the app's encrypted secret store (`--remember-password`). */
describe('remembered server password', () => {
  let server: TestPostgres;
  const temp = makeTempDir('cosmos-pg-remember-');
  const repo = join(temp.path, 'repo');
  const dataDir = join(temp.path, 'data');
  // No PGPASSWORD from the test's own environment: only what each call passes.
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(['--data-dir', dataDir, ...args], { env: { PGPASSWORD: '', PGPASSFILE: join(temp.path, 'no-pgpass'), COSMOS_BACKUP_REPO_PASSWORD: REPO_PASSWORD, ...env } });

  beforeAll(async () => {
    server = await startPostgres();
    await server.query('CREATE DATABASE notes');
    await server.query('CREATE TABLE note (id int PRIMARY KEY, body text); INSERT INTO note VALUES (1, $$hello$$);', 'notes');
    await createRepository(repo);
  });
  afterAll(async () => {
    await server?.stop();
    temp.remove();
  });

  it('is refused without a password, remembered after a successful backup, then used', async () => {
    const without = await cli(['backup', 'postgres', '--source', server.uri(), '--repo', repo, '--database', 'notes']);
    expect(without.code).toBe(1);
    const first = await cli(['backup', 'postgres', '--source', server.uri(), '--repo', repo, '--database', 'notes', '--remember-password'], { PGPASSWORD: server.password });
    expect(first.code, first.stderr).toBe(0);
    const second = await cli(['--json', 'backup', 'postgres', '--source', server.uri(), '--repo', repo, '--database', 'notes']);
    expect(second.code, second.stderr).toBe(0);
    const restorePointId = JSON.parse(second.stdout).outcome.restorePointId as string;
    const restored = await cli(['restore', restorePointId, '--repo', repo, '--target', server.uri(), '--database-map', 'notes=notes_copy']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await server.query('SELECT body FROM note', 'notes_copy')).toEqual([{ body: 'hello' }]);
    // Kept encrypted: the data folder holds the password nowhere in clear.
    for (const file of readdirSync(dataDir)) expect(readFileSync(join(dataDir, file)).includes(server.password), file).toBe(false);
  });
});
