import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initRepository } from '../../../src-main/repository/index.ts';
import { AppCore } from '../../../src-main/app/app-core.ts';
import { runCli } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

let dir: ReturnType<typeof makeTempDir>;
let dataDir: string;
let repoPath: string;
const PASSWORD = 'correct horse battery staple';
const env = { COSMOS_BACKUP_REPO_PASSWORD: PASSWORD };
const cli = (args: string[], extraEnv: Record<string, string> = {}) => runCli(['--data-dir', dataDir, ...args], { env: { ...env, ...extraEnv } });
const ids: string[] = [];

/** Files below a folder, recursively. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

beforeAll(async () => {
  dir = makeTempDir();
  dataDir = join(dir.path, 'data');
  repoPath = join(dir.path, 'repo');
  // Three restore points of two resources, a day apart, written through the engine.
  const repository = await initRepository(repoPath, { password: PASSWORD, scrypt: { n: 1024, r: 8, p: 1 } });
  const shared = randomBytes(300_000);
  for (let day = 0; day < 3; day++) {
    const resource = day === 2 ? 'orders' : 'billing';
    const result = await repository.backup(
      { resource: { id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/${resource}`, name: resource, kind: 'postgres-cluster' }, engine: { name: 'test', versions: {} }, time: new Date(Date.UTC(2026, 10, 20 + day, 2)) },
      [{ name: 'db/data', data: Buffer.concat([shared, randomBytes(50_000)]), counts: { rows: 10 + day } }],
    );
    ids.push(result.restorePointId);
  }
});
afterAll(() => dir.remove());

describe('cosmos-backup repo', () => {
  it('rebuilds the catalog from the repository alone', async () => {
    const run = await cli(['--json', 'repo', 'rescan', '--repo', repoPath, '--name', 'primary']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).result.restorePoints).toBe(3);
    const core = AppCore.open({ dataDir });
    try {
      const [record] = core.repositories.list();
      expect(record).toMatchObject({ name: 'primary', restorePointCount: 3, kind: 'local' });
      const points = core.restorePoints.list({ repositoryId: record!.id });
      expect(points.map((p) => p.id).sort()).toEqual([...ids].sort());
      expect(points[0]).toMatchObject({ kind: 'repository', pointTime: '2026-11-22T02:00:00.000Z', metadata: { resourceName: 'orders' } });
    } finally {
      await core.close();
    }
    // Rescanning again replaces, it does not duplicate.
    expect((await cli(['repo', 'rescan', '--repo', 'primary'])).code).toBe(0);
    const list = await cli(['--json', 'repo', 'list']);
    expect(JSON.parse(list.stdout)).toHaveLength(1);
  });

  it('refuses a wrong password with a clear error and writes nothing', async () => {
    const before = filesUnder(repoPath).sort();
    const run = await cli(['repo', 'info', '--repo', repoPath], { COSMOS_BACKUP_REPO_PASSWORD: 'not it' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Wrong password/);
    expect(filesUnder(repoPath).sort()).toEqual(before);
  });

  it('reads the password from a file, never from a flag value', async () => {
    const file = join(dir.path, 'pw');
    writeFileSync(file, PASSWORD + '\n', { mode: 0o600 });
    const run = await runCli(['--data-dir', dataDir, 'repo', 'info', '--repo', repoPath, '--password-file', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Restore points\s+3/);
    const flag = await cli(['repo', 'info', '--repo', repoPath, '--password', PASSWORD]);
    expect(flag.code).toBe(2);
  });

  it('lists restore points and names every damaged one when a byte flips', async () => {
    const listed = await cli(['repo', 'restore-points', '--repo', repoPath]);
    expect(listed.stdout).toMatch(/orders/);
    expect((await cli(['repo', 'check', '--repo', repoPath, '--read-data'])).code).toBe(0);
    const packs = filesUnder(join(repoPath, 'data'));
    const victim = packs.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
    const original = readFileSync(victim);
    const damaged = Buffer.from(original);
    damaged[Math.floor(damaged.length / 3)]! ^= 0xff;
    writeFileSync(victim, damaged);
    const check = await cli(['--json', 'repo', 'check', '--repo', repoPath, '--read-data']);
    expect(check.code).toBe(1);
    const report = JSON.parse(check.stdout).result;
    expect(report.ok).toBe(false);
    expect(report.affectedRestorePoints.length).toBeGreaterThan(0);
    writeFileSync(victim, original);
    expect((await cli(['repo', 'check', '--repo', repoPath, '--read-data'])).code).toBe(0);
  });

  it('plans retention and pruning before doing them', async () => {
    const plan = await cli(['--json', 'repo', 'forget', '--repo', repoPath, '--keep-last', '1', '--resource', '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/billing', '--dry-run']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).result.forget.map((f: { id: string }) => f.id)).toEqual([ids[0]]);
    expect(JSON.parse((await cli(['--json', 'repo', 'info', '--repo', repoPath])).stdout).result.restorePointCount).toBe(3);
    const applied = await cli(['repo', 'forget', '--repo', repoPath, '--keep-last', '1', '--resource', '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/billing']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse((await cli(['--json', 'repo', 'info', '--repo', repoPath])).stdout).result.restorePointCount).toBe(2);
    expect((await cli(['repo', 'forget', '--repo', repoPath])).stderr).toMatch(/at least one --keep/);
    const prunePlan = await cli(['repo', 'prune', '--repo', repoPath, '--dry-run']);
    expect(prunePlan.code).toBe(0);
    expect((await cli(['repo', 'prune', '--repo', repoPath])).code).toBe(0);
    expect((await cli(['repo', 'check', '--repo', repoPath, '--read-data'])).code).toBe(0);
  });

  it('takes --repo as a folder, a catalogued name or a catalogued id in every command, with the remembered password', async () => {
    const listed = JSON.parse((await cli(['--json', 'repo', 'list'])).stdout) as { id: string; name: string }[];
    const primary = listed.find((r) => r.name === 'primary')!;
    for (const form of [repoPath, 'primary', primary.id]) {
      const info = await cli(['--json', 'repo', 'info', '--repo', form]);
      expect(info.code, `${form}: ${info.stderr}`).toBe(0);
      expect(JSON.parse(info.stdout).result.location).toBe(`local folder ${repoPath}`);
      const points = await cli(['--json', 'restore-points', '--repo', form]);
      expect(points.code, `${form}: ${points.stderr}`).toBe(0);
      expect((JSON.parse(points.stdout) as unknown[]).length).toBeGreaterThan(0);
    }
    // A repository the catalog does not know is an error that says so (with and without --json).
    const unknown = await cli(['restore-points', '--repo', 'no-such-repository']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No catalogued repository is called or located at "no-such-repository"/);
    const unknownJson = await cli(['--json', 'restore-points', '--repo', join(dir.path, 'elsewhere')]);
    expect(unknownJson.code).toBe(1);
    expect(JSON.parse(unknownJson.stdout || unknownJson.stderr).error.code).toBe('not_found');
    // A repository created with --remember-password opens by name with no password given.
    const second = join(dir.path, 'second');
    expect((await cli(['repo', 'init', '--repo', second, '--name', 'second', '--remember-password'], { COSMOS_BACKUP_REPO_PASSWORD: 'second-pass' })).code).toBe(0);
    const remembered = await cli(['--json', 'repo', 'info', '--repo', 'second'], { COSMOS_BACKUP_REPO_PASSWORD: '' });
    expect(remembered.code, remembered.stderr).toBe(0);
    expect(JSON.parse(remembered.stdout).result.restorePointCount).toBe(0);
  });

  it('copies a restore point (named by a prefix) to a self-contained second repository, and refuses --archive to a folder', async () => {
    const target = join(dir.path, 'archive');
    expect((await cli(['repo', 'init', '--repo', target], { COSMOS_BACKUP_REPO_PASSWORD: 'archive-pass' })).code).toBe(0);
    // A local folder has no Archive tier: refused before anything is copied.
    const archived = await cli(['repo', 'copy', ids[2]!, '--repo', repoPath, '--to', target, '--archive'], { COSMOS_BACKUP_TARGET_REPO_PASSWORD: 'archive-pass' });
    expect(archived.code).toBe(1);
    expect(archived.stderr).toMatch(/no Archive access tier/);
    const copy = await cli(['--json', 'repo', 'copy', ids[2]!.slice(0, 12), '--repo', repoPath, '--to', target], { COSMOS_BACKUP_TARGET_REPO_PASSWORD: 'archive-pass' });
    expect(copy.code, copy.stderr).toBe(0);
    expect(JSON.parse(copy.stdout).result.copied).toBe(true);
    // The copy is in the catalog at once, under the target repository.
    const catalogued = JSON.parse((await cli(['--json', 'restore-points', '--repo', target])).stdout) as { id: string }[];
    expect(catalogued.map((p) => p.id)).toEqual([JSON.parse(copy.stdout).result.targetRestorePointId]);
    const info = await cli(['--json', 'repo', 'info', '--repo', target], { COSMOS_BACKUP_REPO_PASSWORD: 'archive-pass' });
    expect(JSON.parse(info.stdout).result.restorePointCount).toBe(1);
  });

  it('changes the password: the old one stops working', async () => {
    const run = await cli(['repo', 'passwd', '--repo', repoPath], { COSMOS_BACKUP_NEW_REPO_PASSWORD: 'a brand new passphrase' });
    expect(run.code, run.stderr).toBe(0);
    expect((await cli(['repo', 'info', '--repo', repoPath])).code).toBe(1);
    expect((await cli(['repo', 'info', '--repo', repoPath], { COSMOS_BACKUP_REPO_PASSWORD: 'a brand new passphrase' })).code).toBe(0);
  });
});
