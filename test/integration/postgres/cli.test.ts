import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_BIN, dataChecksums, freePort, normalizedSchema, startPostgres } from '../../helpers/postgres.ts';
import type { TestPostgres } from '../../helpers/postgres.ts';
import { runCli } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { createSampleDatabase } from './sample-database.ts';
import { REPO_PASSWORD, allFiles, createRepository, decryptedRestorePoints, openRepository } from './support.ts';

/** The CLI end to end: backup and restore as sessions, through a worker agent child process. */
describe('cosmos-backup backup/restore postgres (CLI, worker agent, real PostgreSQL 15)', () => {
  let server: TestPostgres;
  const temp = makeTempDir('cosmos-pg-cli-');
  const repo = `${temp.path}/repo`;
  const dataDir = `${temp.path}/data`;
  let restorePointId = '';
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['--data-dir', dataDir, ...args], { env: { COSMOS_BACKUP_REPO_PASSWORD: REPO_PASSWORD, PGPASSWORD: server.password, ...env } });
  const json = (stdout: string) => JSON.parse(stdout) as { session: { status: string; summary: string }; outcome: { restorePointId: string; databases: { name: string; rows: number }[] } | null };

  beforeAll(async () => {
    server = await startPostgres();
    await createSampleDatabase(server, 'shop');
    await server.query('CREATE DATABASE inventory');
    await server.query(`CREATE TABLE parts (sku text PRIMARY KEY, qty int); INSERT INTO parts SELECT 'sku-' || g, g FROM generate_series(1, 40) g;`, 'inventory');
    await createRepository(repo);
  });
  afterAll(async () => {
    await server?.stop();
    temp.remove();
  });

  it('backs up selected databases through a worker and reports the restore point', async () => {
    const run = await cli(['--json', 'backup', 'postgres', '--source', server.uri(), '--repo', repo, '--database', 'shop', '--database', 'inventory']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const result = json(run.stdout);
    expect(result.session.status).toBe('succeeded');
    restorePointId = result.outcome!.restorePointId;
    expect(restorePointId).toMatch(/^[0-9a-f]{64}$/);
    expect(result.outcome!.databases.find((database) => database.name === 'inventory')?.rows).toBe(40);
    const repository = await openRepository(repo);
    const point = await repository.getRestorePoint(restorePointId);
    expect(point.manifest.engine.name).toBe('postgres');
    // Each table's COPY text is its own entry (restored in parallel); the rest is one archive per database.
    const tableData = point.manifest.entries.filter((entry) => entry.metadata?.kind === 'pg-table-data');
    expect(tableData.every((entry) => /^postgres\/databases\/(inventory|shop)\/data\/\d+\.dat$/.test(entry.name))).toBe(true);
    expect(tableData.filter((entry) => entry.metadata?.database === 'inventory').map((entry) => [entry.metadata?.table, entry.counts?.rows])).toEqual([['parts', 40]]);
    expect(tableData.filter((entry) => entry.metadata?.database === 'shop')).toHaveLength(7);
    expect(point.manifest.entries.filter((entry) => !tableData.includes(entry)).map((entry) => entry.name).sort()).toEqual([
      'postgres/databases/inventory/dump.pgdump',
      'postgres/databases/inventory/info.json',
      'postgres/databases/shop/dump.pgdump',
      'postgres/databases/shop/info.json',
      'postgres/globals.sql',
    ]);
  });

  it('restores under another name (--database-map) with identical schema and data', async () => {
    const run = await cli(['restore', restorePointId, '--repo', repo, '--target', server.uri(), '--database', 'shop', '--database-map', 'shop=shop_restored']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Restore succeeded');
    expect(await normalizedSchema(server, 'shop_restored')).toEqual(await normalizedSchema(server, 'shop'));
    expect(await dataChecksums(server, 'shop_restored')).toEqual(await dataChecksums(server, 'shop'));
  });

  it('refuses a non-empty target without --clean, and replaces it with --clean', async () => {
    await server.query(`UPDATE sales.customers SET name = name || ' (changed)' WHERE id < 10`, 'shop_restored');
    const refused = await cli(['restore', restorePointId, '--repo', repo, '--target', server.uri(), '--database', 'shop', '--database-map', 'shop=shop_restored']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/target is not empty: shop_restored/);
    expect((await server.query<{ n: string }>(`SELECT count(*) AS n FROM sales.customers WHERE name LIKE '%(changed)'`, 'shop_restored'))[0]!.n).toBe('9');
    const cleaned = await cli(['restore', restorePointId, '--repo', repo, '--target', server.uri(), '--database', 'shop', '--database-map', 'shop=shop_restored', '--clean']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(await dataChecksums(server, 'shop_restored')).toEqual(await dataChecksums(server, 'shop'));
  });

  it('restores selected tables only', async () => {
    const run = await cli(['restore', restorePointId, '--repo', repo, '--target', server.uri(), '--database', 'shop', '--database-map', 'shop=shop_tables', '--table', 'sales.customers', '--table', 'sales.visits']);
    expect(run.code, run.stderr).toBe(0);
    const tables = await server.query<{ name: string }>(`SELECT schemaname || '.' || tablename AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`, 'shop_tables');
    expect(tables.map((row) => row.name)).toEqual(['sales.customers', 'sales.visits']);
    const original = await dataChecksums(server, 'shop');
    const restored = await dataChecksums(server, 'shop_tables');
    expect(restored['sales.customers']).toBe(original['sales.customers']);
    expect(restored['sales.visits']).toBe(original['sales.visits']);
    // Owned (serial) sequences come along at their current values; the trigger whose function was
    // not selected does not.
    expect(restored['sequence sales.customers_id_seq']).toBe(original['sequence sales.customers_id_seq']);
    expect(await server.query(`SELECT tgname FROM pg_trigger WHERE NOT tgisinternal`, 'shop_tables')).toEqual([]);
    const fk = await server.query(`SELECT conname FROM pg_constraint WHERE contype = 'f'`, 'shop_tables');
    expect(fk).toHaveLength(1);
  });

  it('restores to a folder that stock pg_restore reads without this tool', async () => {
    const folder = `${temp.path}/export`;
    const run = await cli(['restore', restorePointId.slice(0, 12), '--repo', repo, '--to-folder', folder]);
    expect(run.code, run.stderr).toBe(0);
    // The log counts the table data it wrote (it said "0 data bytes" when every table was stored on its own).
    const written = /Wrote database shop as a directory-format dump to .* \(\d+ files, ([0-9.]+) (B|KiB|MiB) of table data\)/.exec(run.stderr);
    expect(written, run.stderr).not.toBeNull();
    expect(Number(written![1])).toBeGreaterThan(0);
    await server.query('CREATE DATABASE shop_from_folder');
    await new Promise<void>((resolve, reject) => {
      const child = spawn(`${PG_BIN}/pg_restore`, ['--exit-on-error', '-j', '2', '-d', 'shop_from_folder', `${folder}/shop`], { env: server.env(), stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (c) => (err += c));
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`pg_restore exited ${code}: ${err}`))));
    });
    expect(await normalizedSchema(server, 'shop_from_folder')).toEqual(await normalizedSchema(server, 'shop'));
    expect(await dataChecksums(server, 'shop_from_folder')).toEqual(await dataChecksums(server, 'shop'));
  });

  it('accepts a password inside the URI but never stores or shows it', async () => {
    const withPassword = server.uri().replace('postgres@', `postgres:${encodeURIComponent(server.password)}@`);
    const run = await cli(['--json', 'backup', 'postgres', '--source', withPassword, '--repo', repo, '--database', 'inventory'], { PGPASSWORD: '' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(server.password);
  });

  it('keeps every credential out of the repository (raw files and decrypted entries) and the session log', async () => {
    const secrets = [server.password, REPO_PASSWORD, server.uri().replace('postgres@', `postgres:${server.password}@`)];
    const repository = await openRepository(repo);
    const { restorePoints } = await repository.listRestorePoints();
    expect(restorePoints.length).toBeGreaterThanOrEqual(2);
    const decrypted = await decryptedRestorePoints(repository);
    const raw = [...(await allFiles(repo)), ...(await allFiles(dataDir))].map((file) => file.bytes);
    for (const bytes of [...decrypted, ...raw]) {
      for (const secret of secrets) {
        expect(bytes.includes(Buffer.from(secret))).toBe(false);
        expect(bytes.includes(Buffer.from(secret, 'utf16le'))).toBe(false);
      }
    }
    // The dump is really in there (the scan is not vacuous).
    expect(Buffer.concat(decrypted).includes(Buffer.from('customer 42'))).toBe(true);
  });

  it('fails clearly on a wrong password, an unreachable host, and TLS refused; no restore point is written', async () => {
    const before = (await (await openRepository(repo)).listRestorePoints()).restorePoints.length;
    const wrong = await cli(['backup', 'postgres', '--source', server.uri(), '--repo', repo], { PGPASSWORD: 'not-the-password' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/rejected the user name or password/);
    expect(wrong.stderr).not.toContain('not-the-password');
    const closedPort = await freePort();
    const unreachable = await cli(['backup', 'postgres', '--source', `postgres://postgres@127.0.0.1:${closedPort}/postgres?sslmode=disable`, '--repo', repo]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot be reached/);
    const tls = await cli(['backup', 'postgres', '--source', server.uri().replace('?sslmode=disable', ''), '--repo', repo]);
    expect(tls.code).toBe(1);
    expect(tls.stderr).toMatch(/TLS is required .* refused TLS/);
    expect((await (await openRepository(repo)).listRestorePoints()).restorePoints.length).toBe(before);
  });

  it('rejects restore without exactly one of --target and --to-folder (usage error)', async () => {
    const run = await cli(['restore', restorePointId, '--repo', repo]);
    expect(run.code).toBe(2);
  });
});
