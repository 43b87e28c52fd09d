import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_BIN } from '../../helpers/cli.ts';
import { startPostgres } from '../../helpers/postgres.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

/**
 * A data folder on a real, tiny file system (tmpfs in a private mount namespace, so nothing leaks
 * onto the machine): fill it up, then make it read-only; the CLI must fail with a clear message
 * each time and lose nothing.
 */
describe('a full or read-only data disk', () => {
  it('gets a clear error either way, and what was stored survives', () => {
    const dir = makeTempDir();
    const mountPoint = join(dir.path, 'small');
    const policyFile = join(dir.path, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ name: 'Kept', scope: { include: { all: true } }, continuousBackup: { enabled: true, tier: 'Continuous7Days' } }));
    const cli = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI_BIN)} --data-dir ${mountPoint}/data`;
    const script = [
      'set -u',
      `mkdir -p ${mountPoint}`,
      `mount -t tmpfs -o size=2m tmpfs ${mountPoint}`,
      `${cli} policy import ${policyFile} >/dev/null || { echo SEED-FAILED; exit 1; }`,
      `dd if=/dev/zero of=${mountPoint}/filler bs=4k 2>/dev/null || true`,
      `${cli} check > ${dir.path}/check.out 2> ${dir.path}/check.err; echo "CHECK-EXIT=$?"`,
      `${cli} policy import ${policyFile} > /dev/null 2> ${dir.path}/import.err; echo "IMPORT-EXIT=$?"`,
      `rm ${mountPoint}/filler`,
      `mount -o remount,ro ${mountPoint}`,
      `${cli} policy list > /dev/null 2> ${dir.path}/readonly.err; echo "READONLY-EXIT=$?"`,
      `mount -o remount,rw ${mountPoint}`,
      `${cli} --json policy list`,
    ].join('\n');
    const run = spawnSync('unshare', ['-rm', 'sh', '-c', script], { encoding: 'utf8' });
    const readOut = (name: string) => spawnSync('cat', [join(dir.path, name)], { encoding: 'utf8' }).stdout;
    expect(run.stdout, run.stderr).toContain('CHECK-EXIT=1');
    expect(readOut('check.err')).toMatch(/disk is full|disk holding the configuration database is full/);
    expect(run.stdout).toContain('IMPORT-EXIT=1');
    expect(readOut('import.err')).toMatch(/full/);
    expect(run.stdout).toContain('READONLY-EXIT=1');
    expect(readOut('readonly.err')).toMatch(/read-only file system/);
    const listed = JSON.parse(run.stdout.slice(run.stdout.indexOf('[')));
    expect(listed.map((p: { name: string }) => p.name)).toEqual(['Kept']);
    dir.remove();
  });
});

describe('the config DB\'s disk fills while a backup runs', () => {
  it('the backup keeps its restore point, the CLI exits with status 3 and says what was not saved, and the next start writes the record', async () => {
    const server = await startPostgres();
    const dir = makeTempDir();
    try {
      await server.query('CREATE DATABASE big');
      await server.query(`CREATE TABLE rows (id int PRIMARY KEY, body text); INSERT INTO rows SELECT g, md5(g::text) || repeat('x', 150) FROM generate_series(1, 100000) g;`, 'big');
      const small = join(dir.path, 'small');
      const tmp = join(dir.path, 'tmp');
      mkdirSync(tmp);
      writeFileSync(join(dir.path, 'pw'), 'repo-password-123\n', { mode: 0o600 });
      const cli = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI_BIN)} --data-dir ${small}/data`;
      const out = (name: string) => join(dir.path, name);
      const script = [
        'set -u',
        `mkdir -p ${small}`,
        `mount -t tmpfs -o size=2m tmpfs ${small}`,
        `${cli} repo init --repo ${dir.path}/repo --password-file ${dir.path}/pw --name shop-repo > /dev/null || { echo INIT-FAILED; exit 1; }`,
        `(timeout 60 ${cli} backup postgres --source '${server.uri('big')}' --repo shop-repo --password-file ${dir.path}/pw > ${out('backup.out')} 2> ${out('backup.err')}; echo "BACKUP-EXIT=$?" > ${out('backup.exit')}) &`,
        // Fill the disk as soon as the worker has started: the log lines, the catalog entry and the
        // session's end all come after this.
        `until grep -q 'started' ${out('backup.err')} 2>/dev/null; do sleep 0.02; done`,
        `dd if=/dev/zero of=${small}/filler bs=4k 2>/dev/null || true`,
        'wait',
        `ls ${tmp} > ${out('journal-while-full')}`,
        `rm ${small}/filler`,
        `${cli} --json sessions list > ${out('sessions.json')}`,
        `ls ${tmp} > ${out('journal-after')}`,
        `${cli} repo rescan --repo shop-repo --password-file ${dir.path}/pw > /dev/null 2>&1`,
        `${cli} --json restore-points --repo shop-repo > ${out('points.json')}`,
      ].join('\n');
      const run = spawnSync('unshare', ['-rm', 'sh', '-c', script], { encoding: 'utf8', env: { ...process.env, PGPASSWORD: server.password, TMPDIR: tmp } });
      expect(run.stdout, run.stderr).not.toContain('INIT-FAILED');
      const err = readFileSync(out('backup.err'), 'utf8');
      // The CLI ended (no hang) with the warning status, and said what it could not save and where it waits.
      expect(readFileSync(out('backup.exit'), 'utf8').trim(), err).toBe('BACKUP-EXIT=3');
      expect(err).toMatch(/Restore point [0-9a-f]{12} is stored in the repository, but the catalog could not record it/);
      expect(err).toMatch(/repo rescan --repo shop-repo/);
      expect(err).toMatch(/the record of session "Backup of 127\.0\.0\.1 to shop-repo" \(warning\) could not be saved.*kept in .*cosmos-backup-unsaved-sessions-[0-9a-f]+\.json/);
      expect(readFileSync(out('journal-while-full'), 'utf8')).toMatch(/cosmos-backup-unsaved-sessions-/);
      // The next start wrote the record (not "interrupted") with its log, and removed the journal.
      const sessions = JSON.parse(readFileSync(out('sessions.json'), 'utf8')) as Array<{ kind: string; status: string; summary: string | null; warningCount: number }>;
      const backup = sessions.find((s) => s.kind === 'backup')!;
      expect(backup.status).toBe('warning');
      expect(backup.summary).toMatch(/^Restore point [0-9a-f]{12}: 1 database\(s\) \(big\), 100000 rows/);
      expect(backup.warningCount).toBe(1);
      expect(readFileSync(out('journal-after'), 'utf8').trim()).toBe('');
      // The restore point was whole in the repository all along: a rescan lists it.
      const points = JSON.parse(readFileSync(out('points.json'), 'utf8')) as unknown[];
      expect(points).toHaveLength(1);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      await server.stop();
      dir.remove();
    }
  });
});
