import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_BIN } from '../../helpers/cli.ts';
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
