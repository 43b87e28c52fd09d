import { describe, expect, it } from 'vitest';
import { Repository } from '../../../src-main/repository/repository.ts';
import { MemoryStorage } from '../../../src-main/repository/storage/memory-storage.ts';
import { PASSWORD, SMALL_FORMAT, readAll, testData } from './support/fixtures.ts';
import { backupBuffers, memoryRepository } from './support/memory-repository.ts';

describe('copy to an archive repository', () => {
  it('makes a self-contained copy: data packs archived, metadata online; restore rehydrates first', async () => {
    const { repository: source } = await memoryRepository();
    const archiveStorage = new MemoryStorage();
    const archive = await Repository.init(archiveStorage, { password: 'archive password', ...SMALL_FORMAT });
    const data = testData(500_000, 'archive');
    const { restorePointId } = await backupBuffers(source, { 'db/dump': data }, new Date('2025-01-31T00:00:00Z'), { monthly: true });

    const copy = await source.copyRestorePoint(restorePointId, archive, { archive: true });
    expect(copy.copied).toBe(true);
    for (const [name, file] of archiveStorage.files) {
      expect(file.tier, name).toBe(name.startsWith('data/') ? 'Archive' : 'Hot');
    }
    // Copying again is a no-op.
    expect((await source.copyRestorePoint(restorePointId, archive, { archive: true })).copied).toBe(false);

    // The archive opens on its own, with its own password, and lists the copy with its metadata.
    const reopened = await Repository.open(archiveStorage, { password: 'archive password' });
    const [point] = (await reopened.listRestorePoints()).restorePoints;
    expect(point!.manifest).toMatchObject({ gfs: { monthly: true }, copiedFrom: { repositoryId: source.id, restorePointId } });
    expect((await reopened.check()).ok).toBe(true);

    await expect(reopened.openEntry(copy.targetRestorePointId, 'db/dump').then(readAll)).rejects.toMatchObject({ code: 'archived' });
    const progress: string[] = [];
    const result = await reopened.rehydrate(copy.targetRestorePointId, { pollIntervalMs: 10, onProgress: (p) => progress.push(`${p.done}/${p.total} ${p.unit}`) });
    expect(result.rehydratedPacks).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(`${result.rehydratedPacks}/${result.rehydratedPacks} blobs`);
    expect((await readAll(await reopened.openEntry(copy.targetRestorePointId, 'db/dump'))).equals(data)).toBe(true);
    expect((await reopened.check({ readData: true })).ok).toBe(true);
  });

  it('deduplicates into the target and does not need the source afterwards', async () => {
    const { repository: source, storage: sourceStorage } = await memoryRepository();
    const target = await Repository.init(new MemoryStorage(), { encryption: 'none', ...SMALL_FORMAT });
    const shared = testData(300_000, 'shared');
    const first = await backupBuffers(source, { a: shared });
    const second = await backupBuffers(source, { a: shared, b: testData(50_000, 'b') });
    await source.copyRestorePoint(first.restorePointId, target);
    const copy = await source.copyRestorePoint(second.restorePointId, target);
    expect(copy.uploadedBytes).toBeLessThan(100_000);
    (sourceStorage as MemoryStorage).files.clear();
    expect((await readAll(await target.openEntry(copy.targetRestorePointId, 'a'))).equals(shared)).toBe(true);
    await expect(Repository.open(sourceStorage, { password: PASSWORD })).rejects.toMatchObject({ code: 'not_a_repository' });
  });
});
