import { describe, expect, it } from 'vitest';
import { Repository } from '../../../src-main/repository/repository.ts';
import type { CheckReport } from '../../../src-main/repository/check.ts';
import type { MemoryStorage } from '../../../src-main/repository/storage/memory-storage.ts';
import { PASSWORD, readAll, testData } from './support/fixtures.ts';
import { backupBuffers, memoryRepository } from './support/memory-repository.ts';

/** Builds a repository with three restore points sharing some data, and the expected contents. */
async function populated() {
  const { repository, storage } = await memoryRepository();
  const shared = testData(150_000, 'shared');
  const contents = new Map<string, Map<string, Buffer>>();
  for (let i = 0; i < 3; i++) {
    const entries = { shared, [`own-${i}`]: testData(120_000, `own-${i}`) };
    const result = await backupBuffers(repository, entries, new Date(Date.UTC(2025, 0, i + 1)));
    contents.set(result.restorePointId, new Map(Object.entries(entries)));
  }
  return { repository, storage: storage as MemoryStorage, contents };
}

function named(report: CheckReport, restorePointId: string, entry: string): boolean {
  return report.affectedRestorePoints.some((item) => item.restorePointId === restorePointId && (item.manifestDamaged || item.entries.includes(entry)));
}

describe('corruption is always detected, named, and contained', () => {
  it('check is clean on a healthy repository, with and without reading data', async () => {
    const { repository } = await populated();
    const structure = await repository.check();
    expect(structure).toMatchObject({ ok: true, problems: [], affectedRestorePoints: [], restorePointCount: 3, unreferencedPacks: [] });
    const full = await repository.check({ readData: true });
    expect(full.ok).toBe(true);
    expect(full.bytesRead).toBeGreaterThan(0);
  });

  it('flipping any byte of any pack, index or manifest: check names every restore point and entry that fails, restore refuses it, the rest restores exactly', async () => {
    const { storage, contents } = await populated();
    const files = [...storage.files.keys()].filter((name) => /^(data|index|restore-points)\//.test(name));
    expect(files.some((name) => name.startsWith('data/'))).toBe(true);
    let detected = 0;
    for (const name of files) {
      const original = storage.files.get(name)!.data;
      // A byte in the middle and the very last byte (the pack trailer / GCM tag).
      for (const position of [Math.floor(original.length / 2), original.length - 1]) {
        const damaged = Buffer.from(original);
        damaged[position]! ^= 0x40;
        storage.files.get(name)!.data = damaged;
        const repository = await Repository.open(storage, { password: PASSWORD });
        const report = await repository.check({ readData: true });
        expect(report.ok, `check missed a flipped byte at ${position} of ${name}`).toBe(false);
        expect(report.problems.some((problem) => problem.file === name)).toBe(true);
        detected++;
        for (const [restorePointId, entries] of contents) {
          for (const [entry, expected] of entries) {
            const restored = await repository
              .openEntry(restorePointId, entry)
              .then(readAll)
              .catch((error: unknown) => error as Error);
            if (restored instanceof Error) {
              expect(named(report, restorePointId, entry), `restore of ${entry} failed (${restored.message}) but check did not name it`).toBe(true);
            } else {
              expect(restored.equals(expected), `${entry} restored wrong bytes after damaging ${name}`).toBe(true);
            }
            if (!named(report, restorePointId, entry)) expect(restored).toBeInstanceOf(Buffer);
          }
        }
        storage.files.get(name)!.data = original;
      }
    }
    expect(detected).toBe(files.length * 2);
  });

  it('a damaged config or key file stops open with a corruption error instead of a wrong-password one', async () => {
    const { storage } = await populated();
    for (const name of ['config', [...storage.files.keys()].find((key) => key.startsWith('keys/'))!]) {
      const original = storage.files.get(name)!.data;
      const damaged = Buffer.from(original);
      const position = damaged.indexOf('"', damaged.length / 2) + 3;
      damaged[position] = damaged[position] === 0x41 ? 0x42 : 0x41;
      storage.files.get(name)!.data = damaged;
      await expect(Repository.open(storage, { password: PASSWORD }), name).rejects.toMatchObject({ code: 'corrupt' });
      storage.files.get(name)!.data = original;
    }
  });

  it('a deleted pack: structure check names exactly the restore points using it', async () => {
    const { storage, contents } = await populated();
    const repository = await Repository.open(storage, { password: PASSWORD });
    const pack = [...storage.files.keys()].find((name) => name.startsWith('data/'))!;
    storage.files.delete(pack);
    const report = await repository.check();
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'missing-pack', file: pack }));
    expect(report.affectedRestorePoints.length).toBeGreaterThan(0);
    for (const item of report.affectedRestorePoints) {
      expect(contents.has(item.restorePointId)).toBe(true);
      for (const entry of item.entries) await expect(repository.openEntry(item.restorePointId, entry).then(readAll)).rejects.toMatchObject({ code: 'corrupt' });
    }
  });
});
