import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initRepository, openRepository } from '../../../src-main/repository/index.ts';
import { startBackupChild } from './support/child-process.ts';

const PASSWORD = 'crash test password';
const FORMAT = {
  chunker: { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 },
  packSize: 256 * 1024,
  scrypt: { n: 1024, r: 8, p: 1 },
};

async function sha256Of(stream: AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash('sha256');
  for await (const part of stream) hash.update(part);
  return hash.digest('hex');
}

async function countFiles(folder: string): Promise<number> {
  const shards = await readdir(join(folder, 'data')).catch(() => []);
  let count = 0;
  for (const shard of shards) count += (await readdir(join(folder, 'data', shard))).length;
  return count;
}

describe('crash safety and concurrent writers (local folder, real processes)', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'repo-crash-'));
    await initRepository(folder, { password: PASSWORD, ...FORMAT });
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('kill -9 mid-upload leaves no restore point and a clean check; the next backup succeeds and reuses the packs; prune removes leftovers', async () => {
    for (const killAfter of [600 * 1024, 3 * 1024 * 1024]) {
      const child = startBackupChild(folder, PASSWORD, 'crash', 8);
      await child.reached(killAfter);
      child.process.kill('SIGKILL');
      await expect(child.result).rejects.toThrow(/SIGKILL/);
    }
    expect(await countFiles(folder)).toBeGreaterThan(0);
    const repository = await openRepository(folder, { password: PASSWORD });
    const report = await repository.check({ readData: true });
    expect(report).toMatchObject({ ok: true, restorePointCount: 0, problems: [] });
    expect(report.unreferencedPacks.length).toBeGreaterThan(0);

    // The dead process's lock is stale at once (same host, pid gone); the next backup reuses its packs.
    const next = startBackupChild(folder, PASSWORD, 'crash', 8);
    const { restorePointId, sha256, adoptedPacks, uploadedBytes } = await next.result;
    expect(adoptedPacks).toBeGreaterThan(0);
    expect(uploadedBytes).toBeLessThan(8 * 1024 * 1024 * 0.8);
    expect(await sha256Of(await repository.openEntry(restorePointId, 'dump'))).toBe(sha256);
    // The killed writers' streamed pack uploads are temporary files; prune removes those no writer
    // has touched for a minute (aged here rather than waited for).
    const temporary = join(folder, '.tmp');
    const leftovers = await readdir(temporary).catch(() => [] as string[]);
    const longAgo = new Date(Date.now() - 3_600_000);
    for (const name of leftovers) await utimes(join(temporary, name), longAgo, longAgo);
    const plan = await repository.prune();
    expect(await readdir(temporary).catch(() => [])).toEqual([]);
    expect((await repository.check({ readData: true })).ok).toBe(true);
    expect((await repository.check()).unreferencedPacks).toEqual([]);
    expect(plan.usedBlobs).toBeGreaterThan(0);
    expect(await sha256Of(await repository.openEntry(restorePointId, 'dump'))).toBe(sha256);
  });

  it('two processes back up at once: both succeed; a prune started meanwhile waits for them and deletes nothing they need', async () => {
    const first = startBackupChild(folder, PASSWORD, 'one', 4);
    const second = startBackupChild(folder, PASSWORD, 'two', 4);
    await Promise.all([first.reached(256 * 1024), second.reached(256 * 1024)]);
    const pruner = await openRepository(folder, { password: PASSWORD, lockTiming: { waitMs: 60_000 } });
    const pruning = pruner.prune().then(() => Date.now());
    const [a, b] = await Promise.all([first.result, second.result]);
    // Prune needs the exclusive lock: it can only have finished after both backups released theirs.
    expect(await pruning).toBeGreaterThanOrEqual(Math.max(a.exitedAt, b.exitedAt) - 1000);
    const repository = await openRepository(folder, { password: PASSWORD });
    expect((await repository.listRestorePoints()).restorePoints).toHaveLength(2);
    expect(await sha256Of(await repository.openEntry(a.restorePointId, 'dump'))).toBe(a.sha256);
    expect(await sha256Of(await repository.openEntry(b.restorePointId, 'dump'))).toBe(b.sha256);
    const report = await repository.check({ readData: true });
    expect(report.ok).toBe(true);
  });
});
