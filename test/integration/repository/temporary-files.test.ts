import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Repository } from '../../../src-main/repository/repository.ts';
import { LocalFolderStorage } from '../../../src-main/repository/storage/local-storage.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const PASSWORD = 'temporary-files-password';
const OPTIONS = { password: PASSWORD, scrypt: { n: 1024, r: 8, p: 1 } };

/** Temporary files a crashed writer left in a local repository's `.tmp/`. */
describe('temporary files left by a crash', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let root: string;
  beforeEach(async () => {
    dir = makeTempDir('cosmos-tmp-files-');
    root = join(dir.path, 'repo');
    await Repository.init(new LocalFolderStorage(root), OPTIONS);
  });
  afterEach(() => dir.remove());

  /** A temporary file of `bytes` bytes, last touched `ageMs` ago. */
  function leftover(name: string, bytes: number, ageMs: number): void {
    mkdirSync(join(root, '.tmp'), { recursive: true });
    const path = join(root, '.tmp', name);
    writeFileSync(path, Buffer.alloc(bytes, 1));
    const when = new Date(Date.now() - ageMs);
    utimesSync(path, when, when);
  }
  const open = () => Repository.open(new LocalFolderStorage(root), { password: PASSWORD });
  const remaining = () => readdirSync(join(root, '.tmp')).sort();

  it('repo info reports their bytes; check removes those no live writer can own, and keeps a fresh one', async () => {
    leftover('dead-upload.tmp', 5000, 10 * 60_000);
    leftover('live-put.tmp', 300, 0);
    const repository = await open();
    expect(await repository.info()).toMatchObject({ temporaryFiles: 2, temporaryBytes: 5300 });
    const report = await repository.check();
    expect(report.ok).toBe(true);
    expect(remaining()).toEqual(['live-put.tmp']);
    expect(await repository.info()).toMatchObject({ temporaryFiles: 1, temporaryBytes: 300 });
  });

  it('a backup removes them when no other writer holds a lock, and leaves them while another one does', async () => {
    const other = await open();
    const held = await other.startBackup({ resource: { id: 'r2', name: 'other', kind: 'test' }, engine: { name: 'test', versions: {} } });
    leftover('dead-upload.tmp', 4096, 10 * 60_000);
    const repository = await open();
    const first = await repository.backup({ resource: { id: 'r1', name: 'first', kind: 'test' }, engine: { name: 'test', versions: {} } }, [{ name: 'a', data: Buffer.from('x') }]);
    expect(first.restorePointId).toMatch(/^[0-9a-f]{64}$/);
    // The other backup's lock is live: its writer may own the file.
    expect(remaining()).toContain('dead-upload.tmp');
    await held.abort();
    await repository.backup({ resource: { id: 'r1', name: 'first', kind: 'test' }, engine: { name: 'test', versions: {} } }, [{ name: 'a', data: Buffer.from('y') }]);
    expect(remaining()).not.toContain('dead-upload.tmp');
  });
});
