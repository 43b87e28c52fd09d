import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteInstance } from '../../helpers/azurite.ts';
import { CLI_BIN, runCli } from '../../helpers/cli.ts';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { REPO_PASSWORD } from './support.ts';

/**
 * Faults the product meets on Azure VMs and desktops, with real parts: the repository's disk filling
 * up or turning read-only in the middle of a backup (a tmpfs and a bind mount in a private mount
 * namespace), Azurite going away and coming back, and SIGTERM during a restore.
 */
describe('backups and restores under environment faults (CLI, real PostgreSQL)', () => {
  let server: TestPostgres;
  const temp = makeTempDir('cosmos-env-faults-');
  const passwordFile = join(temp.path, 'repo-password');

  beforeAll(async () => {
    server = await startPostgres();
    await server.query('CREATE DATABASE big');
    // About 15 MB of poorly compressible rows (7.5 MB stored): a backup runs for about a second.
    await server.query(`CREATE TABLE rows (id int PRIMARY KEY, body text); INSERT INTO rows SELECT g, md5(random()::text) || md5(random()::text) || md5(random()::text) FROM generate_series(1, 150000) g;`, 'big');
    writeFileSync(passwordFile, `${REPO_PASSWORD}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    await server?.stop();
    temp.remove();
  });

  /** Runs a script in a private mount namespace (as its root) with the CLI and the server's password at hand. */
  function inMountNamespace(lines: string[]): { stdout: string; stderr: string } {
    const run = spawnSync('unshare', ['-rm', 'sh', '-c', ['set -u', ...lines].join('\n')], { encoding: 'utf8', env: { ...process.env, PGPASSWORD: server.password }, timeout: 120_000 });
    return { stdout: run.stdout, stderr: run.stderr };
  }
  const cliIn = (dataDir: string) => `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI_BIN)} --data-dir ${dataDir}`;

  it.each([
    ['full', 'mount -t tmpfs -o size=4m tmpfs {repo}', ':', 'mount -o remount,size=100m {repo}', /The repository's disk is full \(ENOSPC while writing .*\): free some space, then try again\./],
    ['read-only', 'mount --bind {repo} {repo}', 'until mount -o remount,bind,ro {repo} 2>/dev/null; do sleep 0.005; done', 'mount -o remount,bind,rw {repo}', /The repository's file system is read-only \(while writing .*\): make it writable, then try again\./],
  ])('a repository disk that turns %s mid-backup: the backup fails saying so, writes no restore point, the repository checks clean and the next backup succeeds', (kind, prepare, duringBackup, repair, message) => {
    const dir = join(temp.path, `disk-${kind}`);
    const repo = join(dir, 'repo');
    const cli = cliIn(join(dir, 'data'));
    const out = (name: string) => join(dir, name);
    const backup = `${cli} --json backup postgres --source '${server.uri('big')}' --repo ${repo}/r --password-file ${passwordFile}`;
    const result = inMountNamespace([
      `mkdir -p ${repo}`,
      prepare.replaceAll('{repo}', repo),
      `${cli} repo init --repo ${repo}/r --password-file ${passwordFile} > /dev/null || echo INIT-FAILED`,
      `${cli} backup postgres --source '${server.uri('big')}' --repo ${repo}/r --password-file ${passwordFile} > ${out('first.out')} 2> ${out('first.err')} &`,
      `until grep -q 'Backing up 1 database' ${out('first.err')} 2>/dev/null; do sleep 0.01; done`,
      duringBackup.replaceAll('{repo}', repo),
      'wait $!',
      'echo "FIRST-EXIT=$?"',
      repair.replaceAll('{repo}', repo),
      `${cli} --json repo check --repo ${repo}/r --password-file ${passwordFile} > ${out('check.json')}; echo "CHECK-EXIT=$?"`,
      `${backup} > ${out('second.json')} 2> /dev/null; echo "SECOND-EXIT=$?"`,
    ]);
    expect(result.stdout, result.stderr).not.toContain('INIT-FAILED');
    expect(result.stdout, spawnSync('cat', [out('first.err')], { encoding: 'utf8' }).stdout).toContain('FIRST-EXIT=1');
    const first = spawnSync('cat', [out('first.out')], { encoding: 'utf8' }).stdout;
    expect(first).toMatch(/^Backup failed: /);
    expect(first).toMatch(message);
    expect(spawnSync('cat', [out('first.err')], { encoding: 'utf8' }).stdout).toContain('No restore point was written for this backup.');
    expect(result.stdout).toContain('CHECK-EXIT=0');
    const check = JSON.parse(spawnSync('cat', [out('check.json')], { encoding: 'utf8' }).stdout) as { result: { ok: boolean; restorePointCount: number } };
    expect(check.result).toMatchObject({ ok: true, restorePointCount: 0 });
    expect(result.stdout).toContain('SECOND-EXIT=0');
    const second = JSON.parse(spawnSync('cat', [out('second.json')], { encoding: 'utf8' }).stdout) as { outcome: { databases: { name: string; rows: number }[] } };
    expect(second.outcome.databases).toEqual([expect.objectContaining({ name: 'big', rows: 150000 })]);
  });

  it('Azurite going away mid-backup and coming back: the backup retries through the outage and its restore point verifies byte for byte', async () => {
    let azurite: AzuriteInstance = await startAzurite();
    const dataDir = join(temp.path, 'azurite-data');
    const url = `${azurite.blobEndpoint}/outage/cosmos`;
    const env = { ...process.env, COSMOS_BACKUP_REPO_PASSWORD: REPO_PASSWORD, AZURE_STORAGE_KEY: azurite.accountKey, PGPASSWORD: server.password };
    try {
      const init = await runCli(['--data-dir', dataDir, 'repo', 'init', '--repo', url], { env });
      expect(init.code, init.stderr).toBe(0);
      const child = spawn(process.execPath, [CLI_BIN, '--data-dir', dataDir, 'backup', 'postgres', '--source', server.uri('big'), '--repo', url], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
      await waitFor(() => /Backing up 1 database/.test(stderr), 30_000);
      const { port, location } = azurite;
      await azurite.stop({ keepData: true });
      // Stay away until the backup has met the outage (a retry is logged), then come back on the same port.
      await waitFor(() => /failed \(.*\); retry \d+ of \d+ in \d+ ms/.test(stderr), 30_000);
      azurite = await startAzurite({ port, location });
      const code = await exited;
      expect(code, stderr).toBe(0);
      // The retries are warnings in its log, so it ends "warning"; every row is in the restore point.
      expect(stdout).toMatch(/^Backup warning: Restore point [0-9a-f]{12}: 1 database\(s\) \(big\), 150000 rows/);
      const check = await runCli(['--data-dir', dataDir, '--json', 'repo', 'check', '--repo', url, '--read-data'], { env });
      expect(check.code, check.stderr).toBe(0);
      expect(JSON.parse(check.stdout).result).toMatchObject({ ok: true, restorePointCount: 1 });
    } finally {
      await azurite.stop();
    }
  });

  it('SIGTERM during a restore: the CLI cancels it, the session ends canceled (never "running"), and the target is flagged half-restored', async () => {
    const dataDir = join(temp.path, 'sigterm-data');
    const repo = join(temp.path, 'sigterm-repo');
    const env = { ...process.env, COSMOS_BACKUP_REPO_PASSWORD: REPO_PASSWORD, PGPASSWORD: server.password };
    expect((await runCli(['--data-dir', dataDir, 'repo', 'init', '--repo', repo], { env })).code).toBe(0);
    const backup = await runCli(['--data-dir', dataDir, '--json', 'backup', 'postgres', '--source', server.uri('big'), '--repo', repo], { env });
    expect(backup.code, backup.stderr).toBe(0);
    const restorePointId = (JSON.parse(backup.stdout) as { outcome: { restorePointId: string } }).outcome.restorePointId;
    const child = spawn(process.execPath, [CLI_BIN, '--data-dir', dataDir, 'restore', restorePointId, '--repo', repo, '--target', server.uri(), '--database-map', 'big=big_sigterm'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    await waitFor(() => /Created database big_sigterm/.test(stderr), 30_000);
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(1);
    const sessions = JSON.parse((await runCli(['--data-dir', dataDir, '--json', 'sessions', 'list'], { env })).stdout) as Array<{ id: string; kind: string; status: string }>;
    const restore = sessions.find((session) => session.kind === 'restore')!;
    expect(restore.status).toBe('canceled');
    const log = await runCli(['--data-dir', dataDir, 'sessions', 'logs', restore.id], { env });
    expect(log.stdout).toMatch(/database big_sigterm on server .* is half-restored: drop it or restore again with --clean/);
    expect(await server.query(`SELECT 1 FROM pg_database WHERE datname = 'big_sigterm'`)).toHaveLength(1);
    // The restore that replaces it succeeds and clears the flag.
    const again = await runCli(['--data-dir', dataDir, 'restore', restorePointId, '--repo', repo, '--target', server.uri(), '--database-map', 'big=big_sigterm', '--clean'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(await readFile(join(dataDir, 'config.db')).then((b) => b.length)).toBeGreaterThan(0);
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
    await sleep(10);
  }
}
