import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RepositoryError } from '../../../src-main/repository/errors.ts';
import { Repository } from '../../../src-main/repository/repository.ts';
import { LocalFolderStorage } from '../../../src-main/repository/storage/local-storage.ts';
import { MemoryStorage } from '../../../src-main/repository/storage/memory-storage.ts';
import { ENGINE, PASSWORD, RESOURCE, SMALL_FORMAT, readAll, recordingLogger, testData } from './support/fixtures.ts';
import { backupBuffers, memoryRepository } from './support/memory-repository.ts';

describe('backup and restore', () => {
  it('round-trips several entries byte for byte, with metadata in the manifest', async () => {
    const { repository } = await memoryRepository();
    const users = testData(700_000, 'users');
    const orders = testData(300_000, 'orders');
    const progress: number[] = [];
    const result = await repository.backup(
      { resource: RESOURCE, policy: { id: 'p1', name: 'Nightly' }, gfs: { daily: true, monthly: true }, engine: ENGINE, time: new Date('2025-03-01T02:00:00Z') },
      [
        { name: 'db1/public.users', data: Readable.from([users.subarray(0, 100_000), users.subarray(100_000)]), counts: { rows: 1234 } },
        { name: 'db1/public.orders', data: orders, counts: { rows: 5 }, metadata: { format: 'copy', compressed: false } },
        { name: 'db1/empty', data: Buffer.alloc(0) },
      ],
      { onProgress: (p) => progress.push(p.done) },
    );
    expect(progress.at(-1)).toBe(1_000_000);
    const point = await repository.getRestorePoint(result.restorePointId);
    expect(point.manifest).toMatchObject({
      formatVersion: 1,
      time: '2025-03-01T02:00:00.000Z',
      resource: RESOURCE,
      policy: { id: 'p1', name: 'Nightly' },
      gfs: { daily: true, weekly: false, monthly: true, yearly: false },
      engine: ENGINE,
      totals: { size: 1_000_000, entryCount: 3 },
    });
    expect(point.manifest.entries.map((entry) => [entry.name, entry.size, entry.counts, entry.metadata])).toEqual([
      ['db1/public.users', 700_000, { rows: 1234 }, undefined],
      ['db1/public.orders', 300_000, { rows: 5 }, { format: 'copy', compressed: false }],
      ['db1/empty', 0, undefined, undefined],
    ]);
    expect((await readAll(await repository.openEntry(result.restorePointId, 'db1/public.users'))).equals(users)).toBe(true);
    expect((await readAll(await repository.openEntry(result.restorePointId, 'db1/public.orders'))).equals(orders)).toBe(true);
    expect((await readAll(await repository.openEntry(result.restorePointId, 'db1/empty'))).length).toBe(0);
    const reopened = await Repository.open(repository.storage, { password: PASSWORD });
    expect((await readAll(await reopened.openEntry(result.restorePointId, 'db1/public.users'))).equals(users)).toBe(true);
  });

  it('deduplicates: an unchanged second backup uploads almost nothing, a small change little', async () => {
    const { repository } = await memoryRepository();
    const data = testData(2_000_000, 'dedup');
    const first = await backupBuffers(repository, { dump: data });
    const second = await backupBuffers(repository, { dump: data });
    expect(second.stats.newChunkCount).toBe(0);
    expect(second.stats.uploadedBytes).toBe(0);
    const changed = Buffer.from(data);
    changed.write('CHANGED IN PLACE', 1_000_000);
    const third = await backupBuffers(repository, { dump: changed });
    expect(third.stats.newChunkCount).toBeGreaterThan(0);
    expect(third.stats.uploadedBytes).toBeLessThan(first.stats.uploadedBytes * 0.15);
    expect((await readAll(await repository.openEntry(third.restorePointId, 'dump'))).equals(changed)).toBe(true);
    expect((await readAll(await repository.openEntry(first.restorePointId, 'dump'))).equals(data)).toBe(true);
  });

  it('fills packs up to packSize and never past it, a lone bigger blob aside, and restores across them', async () => {
    const { repository } = await memoryRepository();
    // Random data: blobs stay raw, up to the chunker's maximum plus sealing, which exceeds packSize.
    const data = randomBytes(3_000_000);
    const result = await backupBuffers(repository, { dump: data });
    const index = await repository.loadIndex();
    expect(index.packs.size).toBeGreaterThan(5);
    for (const pack of index.packs.values()) {
      const blobBytes = pack.blobs.reduce((sum, blob) => sum + blob.storedLength, 0);
      if (pack.blobs.length > 1) expect(blobBytes).toBeLessThanOrEqual(SMALL_FORMAT.packSize);
      expect(pack.size).toBeGreaterThan(blobBytes); // header and trailer follow the blobs
    }
    expect([...index.packs.values()].some((pack) => pack.blobs.length > 1)).toBe(true);
    expect((await readAll(await repository.openEntry(result.restorePointId, 'dump'))).equals(data)).toBe(true);
  });

  it('stores compressible data compressed and random data raw, and never plaintext when encrypted', async () => {
    const { repository, storage } = await memoryRepository();
    const text = Buffer.from('SELECT * FROM users WHERE secret_marker_1234;\n'.repeat(20_000));
    await backupBuffers(repository, { text });
    const info = await repository.info();
    expect(info.storedBytes).toBeLessThan(text.length / 10);
    for (const [, file] of (storage as MemoryStorage).files) expect(file.data.includes('secret_marker_1234')).toBe(false);
  });

  it('works unencrypted too, and refuses to open it with keys added', async () => {
    const storage = new MemoryStorage();
    const repository = await Repository.init(storage, { encryption: 'none', ...SMALL_FORMAT });
    const data = testData(400_000, 'plain');
    const result = await backupBuffers(repository, { dump: data });
    const reopened = await Repository.open(storage, {});
    expect(reopened.encrypted).toBe(false);
    expect((await readAll(await reopened.openEntry(result.restorePointId, 'dump'))).equals(data)).toBe(true);
    await storage.put('keys/injected', Buffer.from('{}'));
    await expect(Repository.open(storage, {})).rejects.toMatchObject({ code: 'corrupt' });
  });

  it('restores all or selected entries into a directory', async () => {
    const { repository } = await memoryRepository();
    const a = testData(200_000, 'a');
    const b = testData(100_000, 'b');
    const result = await backupBuffers(repository, { 'db/a.sql': a, 'db/nested/b.bson': b });
    const directory = await mkdtemp(join(tmpdir(), 'restore-'));
    try {
      const all = await repository.restoreToDirectory(result.restorePointId, join(directory, 'all'));
      expect(all.bytes).toBe(300_000);
      expect((await readFile(join(directory, 'all', 'db', 'a.sql'))).equals(a)).toBe(true);
      expect((await readFile(join(directory, 'all', 'db', 'nested', 'b.bson'))).equals(b)).toBe(true);
      await repository.restoreToDirectory(result.restorePointId, join(directory, 'some'), { entries: ['db/nested/b.bson'] });
      expect(await readdir(join(directory, 'some', 'db'))).toEqual(['nested']);
      await expect(repository.restoreToDirectory(result.restorePointId, directory, { entries: ['nope'] })).rejects.toMatchObject({ code: 'not_found' });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('refuses entry names that could escape a restore folder, and duplicates', async () => {
    const { repository } = await memoryRepository();
    for (const name of ['../etc/passwd', '/abs', 'a//b', 'a\\b', '']) {
      await expect(backupBuffers(repository, { [name]: Buffer.from('x') })).rejects.toMatchObject({ code: 'invalid_argument' });
    }
    const session = await repository.startBackup({ resource: RESOURCE, engine: ENGINE });
    await session.addEntry({ name: 'x', data: Buffer.from('1') });
    await expect(session.addEntry({ name: 'x', data: Buffer.from('2') })).rejects.toBeInstanceOf(RepositoryError);
    await session.abort();
    expect((await repository.listRestorePoints()).restorePoints).toEqual([]);
  });

  it('a canceled backup leaves no restore point and releases its lock', async () => {
    const { repository, storage } = await memoryRepository();
    const controller = new AbortController();
    async function* endless() {
      for (let i = 0; ; i++) {
        if (i === 20) controller.abort();
        yield testData(50_000, `endless${i}`);
      }
    }
    await expect(repository.backup({ resource: RESOURCE, engine: ENGINE }, [{ name: 'x', data: endless() }], { signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' });
    expect((await repository.listRestorePoints()).restorePoints).toEqual([]);
    expect([...(storage as MemoryStorage).files.keys()].filter((name) => name.startsWith('locks/'))).toEqual([]);
    expect((await repository.check()).ok).toBe(true);
  });

  it('streams packs into a local folder: the repository checks clean, a canceled backup leaves no temporary file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'repo-streamed-'));
    try {
      const storage = new LocalFolderStorage(root);
      const { repository } = await memoryRepository({}, storage);
      const data = Buffer.concat([testData(1_500_000, 'streamed'), randomBytes(1_000_000)]);
      const result = await backupBuffers(repository, { dump: data });
      expect(result.stats.packsUploaded).toBeGreaterThan(5);
      expect(await readdir(join(root, '.tmp'))).toEqual([]);
      expect((await readAll(await repository.openEntry(result.restorePointId, 'dump'))).equals(data)).toBe(true);
      const report = await repository.check({ readData: true });
      expect(report).toMatchObject({ ok: true, problems: [], unreferencedPacks: [] });

      const controller = new AbortController();
      async function* endless() {
        for (let i = 0; ; i++) {
          if (i === 30) controller.abort();
          yield randomBytes(50_000);
        }
      }
      await expect(repository.backup({ resource: RESOURCE, engine: ENGINE }, [{ name: 'x', data: endless() }], { signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' });
      expect(await readdir(join(root, '.tmp'))).toEqual([]);
      expect((await repository.listRestorePoints()).restorePoints).toHaveLength(1);
      expect((await repository.check({ readData: true })).ok).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('logs progress without secrets and reports info', async () => {
    const logger = recordingLogger();
    const storage = new MemoryStorage();
    const repository = await Repository.init(storage, { password: PASSWORD, ...SMALL_FORMAT, logger });
    await backupBuffers(repository, { dump: testData(300_000, 'info') });
    const info = await repository.info();
    expect(info).toMatchObject({ formatVersion: 1, encryption: 'aes-256-gcm', restorePointCount: 1, keyCount: 1, logicalBytes: 300_000 });
    expect(info.packCount).toBeGreaterThan(0);
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(logger.lines.join('\n')).not.toContain(PASSWORD);
  });
});
