import { describe, expect, it } from 'vitest';
import { planForget } from '../../../src-main/repository/retention.ts';
import type { RestorePoint } from '../../../src-main/repository/restore-points.ts';
import type { Manifest } from '../../../src-main/repository/format/manifest.ts';
import type { MemoryStorage } from '../../../src-main/repository/storage/memory-storage.ts';
import { ENGINE, RESOURCE, readAll, testData } from './support/fixtures.ts';
import { backupBuffers, memoryRepository } from './support/memory-repository.ts';

function point(id: string, day: number, gfs: Partial<Manifest['gfs']>, resource = 'r1'): RestorePoint {
  return {
    id: id.padStart(64, '0'),
    manifest: {
      formatVersion: 1,
      time: new Date(Date.UTC(2025, 0, day)).toISOString(),
      resource: { id: resource, name: resource, kind: 'postgresql' },
      gfs: { daily: false, weekly: false, monthly: false, yearly: false, ...gfs },
      engine: { name: 'e', versions: {} },
      entries: [],
      totals: { size: 0, entryCount: 0, chunkCount: 0, newChunkCount: 0, newStoredBytes: 0 },
      durationMs: 0,
    },
  };
}

describe('retention (GFS)', () => {
  it('keeps the newest N per flag, per resource, and forgets the rest', () => {
    const points = [
      point('1', 1, { daily: true, weekly: true, monthly: true }),
      point('2', 2, { daily: true }),
      point('3', 3, { daily: true }),
      point('4', 8, { daily: true, weekly: true }),
      point('5', 9, { daily: true }),
      point('6', 9, { daily: true }, 'r2'),
    ];
    const plan = planForget(points, { daily: 2, weekly: 1, monthly: 1 });
    const kept = Object.fromEntries(plan.keep.map((item) => [item.id.replace(/^0+/, ''), item.reasons]));
    expect(kept).toEqual({ '5': ['daily'], '4': ['daily', 'weekly'], '1': ['monthly'], '6': ['daily'] });
    expect(plan.forget.map((item) => item.id.replace(/^0+/, '')).sort()).toEqual(['2', '3']);
    expect(planForget(points, { keepLast: 1, resourceId: 'r1' }).keep.map((item) => item.id.replace(/^0+/, ''))).toEqual(['5']);
    expect(() => planForget(points, {})).toThrow(/at least one/);
  });
});

function at(id: string, iso: string, gfs: Partial<Manifest['gfs']> = {}, resource = 'r1'): RestorePoint {
  const base = point(id, 1, gfs, resource);
  return { ...base, manifest: { ...base.manifest, time: new Date(iso).toISOString() } };
}

describe('retention by calendar buckets', () => {
  it('keeps fresh unflagged backups instead of forgetting them all (keep-daily 7, keep-weekly 4)', () => {
    // Two ad-hoc backups of one day: the old rules, counting GFS flags only, forgot both.
    const points = [at('1', '2026-12-04T09:00:00Z'), at('2', '2026-12-04T15:00:00Z')];
    const plan = planForget(points, { daily: 7, weekly: 4 });
    expect(plan.keep.map((k) => [k.id.replace(/^0+/, ''), k.reasons])).toEqual([['2', ['daily', 'weekly']]]);
    expect(plan.keep[0]!.explanation).toBe('kept: newest of day 2026-12-04, newest of week 2026-W49');
    expect(plan.forget.map((f) => f.id.replace(/^0+/, ''))).toEqual(['1']);
    expect(plan.forget[0]!.explanation).toMatch(/^forgotten: not among 7 days, 4 weeks kept/);
  });

  it('keeps the newest point of each of the last N days, weeks, months and years', () => {
    // One backup a day at 02:00 for all of 2025 and the first days of 2026.
    const points: RestorePoint[] = [];
    for (let day = 0; day < 370; day++) points.push(at(String(day + 1), new Date(Date.UTC(2025, 0, 1 + day, 2)).toISOString()));
    const plan = planForget(points, { daily: 7, weekly: 4, monthly: 6, yearly: 2 });
    const reasons = (rule: string) => plan.keep.filter((k) => k.reasons.includes(rule)).map((k) => k.time.slice(0, 10));
    expect(reasons('daily')).toEqual(['2026-01-05', '2026-01-04', '2026-01-03', '2026-01-02', '2026-01-01', '2025-12-31', '2025-12-30']);
    // ISO weeks: the newest point of week 2026-W02 (Mon 5 Jan), 2026-W01 (Sun 4 Jan), 2025-W52, 2025-W51.
    expect(reasons('weekly')).toEqual(['2026-01-05', '2026-01-04', '2025-12-28', '2025-12-21']);
    expect(reasons('monthly')).toEqual(['2026-01-05', '2025-12-31', '2025-11-30', '2025-10-31', '2025-09-30', '2025-08-31']);
    expect(reasons('yearly')).toEqual(['2026-01-05', '2025-12-31']);
    expect(plan.keep.length + plan.forget.length).toBe(370);
    expect(plan.keep).toHaveLength(new Set([...reasons('daily'), ...reasons('weekly'), ...reasons('monthly'), ...reasons('yearly')]).size);
  });

  it('honours the GFS flags a policy set, and refuses to forget every point of a resource unless allowed', () => {
    const points = [at('1', '2026-11-01T02:00:00Z', { monthly: true }), at('2', '2026-11-29T02:00:00Z', { weekly: true }), at('3', '2026-12-03T02:00:00Z', { daily: true })];
    // Only the daily-flagged point counts for the daily rule, even though the others are newer days than nothing.
    const plan = planForget(points, { daily: 3, monthly: 1 });
    expect(Object.fromEntries(plan.keep.map((k) => [k.id.replace(/^0+/, ''), k.reasons]))).toEqual({ '3': ['daily'], '1': ['monthly'] });
    expect(plan.forget[0]!.explanation).toMatch(/flagged weekly only, and no weekly rule was given/);
    // Weekly-only rules against points flagged daily or monthly only would forget everything of r1.
    const dailyOnly = [at('4', '2026-12-01T02:00:00Z', { daily: true }), at('5', '2026-12-02T02:00:00Z', { monthly: true })];
    expect(() => planForget(dailyOnly, { weekly: 4 })).toThrow(/would forget every restore point of r1/);
    expect(planForget(dailyOnly, { weekly: 4, allowForgettingAll: true }).forget).toHaveLength(2);
  });
});

describe('retention by age (archives)', () => {
  it('keeps every point within N days of the newest, whatever its flags, and forgets older ones', () => {
    const points = [at('1', '2026-01-01T02:00:00Z', { daily: true }), at('2', '2026-05-01T02:00:00Z', { daily: true }), at('3', '2026-07-01T02:00:00Z', { daily: true }), at('4', '2026-07-02T02:00:00Z', { weekly: true })];
    const plan = planForget(points, { withinDays: 150 });
    expect(plan.keep.map((k) => k.id.replace(/^0+/, ''))).toEqual(['4', '3', '2']);
    expect(plan.keep[0]!.explanation).toBe('kept: within 150 days of the newest');
    expect(plan.forget.map((f) => f.id.replace(/^0+/, ''))).toEqual(['1']);
  });
});

describe('forget and prune', () => {
  it('dry runs change nothing; prune frees the bytes of forgotten restore points and keeps the rest restorable', async () => {
    const { repository, storage } = await memoryRepository();
    const memory = storage as MemoryStorage;
    const shared = testData(200_000, 'shared');
    const old = await backupBuffers(repository, { shared, own: testData(400_000, 'old') }, new Date('2025-01-01T00:00:00Z'), { daily: true });
    const recent = await backupBuffers(repository, { shared, own: testData(300_000, 'new') }, new Date('2025-01-02T00:00:00Z'), { daily: true });
    const before = new Set(memory.files.keys());

    const dryForget = await repository.forget({ daily: 1 }, { dryRun: true });
    expect(dryForget.forget.map((item) => item.id)).toEqual([old.restorePointId]);
    expect(new Set(memory.files.keys())).toEqual(before);

    await repository.forget({ daily: 1 });
    expect((await repository.listRestorePoints()).restorePoints.map((item) => item.id)).toEqual([recent.restorePointId]);

    const plan = await repository.prune({ dryRun: true });
    // The forgotten entry is half random, half text: about 200 kB once compressed.
    expect(plan.bytesFreed).toBeGreaterThan(150_000);
    expect(plan.packsToDelete.length + plan.packsToRepack.length).toBeGreaterThan(0);
    expect(new Set([...memory.files.keys()].filter((name) => !name.startsWith('restore-points/')))).toEqual(new Set([...before].filter((name) => !name.startsWith('restore-points/'))));

    const storedBefore = (await repository.info()).storedBytes;
    const executed = await repository.prune();
    const storedAfter = (await repository.info()).storedBytes;
    expect(storedBefore - storedAfter).toBeGreaterThan(150_000);
    expect(executed.indexFilesToReplace.length).toBe(2);
    expect([...memory.files.keys()].filter((name) => name.startsWith('index/')).length).toBe(1);
    expect((await readAll(await repository.openEntry(recent.restorePointId, 'shared'))).equals(shared)).toBe(true);
    expect((await readAll(await repository.openEntry(recent.restorePointId, 'own'))).equals(testData(300_000, 'new'))).toBe(true);
    const report = await repository.check({ readData: true });
    expect(report).toMatchObject({ ok: true, unreferencedPacks: [] });
    // Pruning again finds nothing to do.
    const again = await repository.prune({ dryRun: true });
    expect(again.packsToDelete.length + again.packsToRepack.length + again.unreferencedPacks.length).toBe(0);
  });

  it('refuses to prune while a manifest is damaged', async () => {
    const { repository, storage } = await memoryRepository();
    const { restorePointId } = await backupBuffers(repository, { a: testData(50_000, 'a') });
    const file = (storage as MemoryStorage).files.get(`restore-points/${restorePointId}`)!;
    file.data[10]! ^= 1;
    await expect(repository.prune()).rejects.toMatchObject({ code: 'corrupt' });
  });
});

describe('prune with duplicate copies of a chunk', () => {
  /**
   * Two backups that overlap in time both store the same chunks (each dedups only against the index
   * it loaded), so every shared chunk has two copies in two packs. Then the pack holding the copy
   * the index prefers is lost.
   */
  async function duplicatedBackups() {
    const { repository, storage } = await memoryRepository();
    const memory = storage as MemoryStorage;
    const data = testData(60_000, 'twice');
    const first = await repository.startBackup({ resource: RESOURCE, engine: ENGINE });
    const second = await repository.startBackup({ resource: RESOURCE, engine: ENGINE });
    await first.addEntry({ name: 'x', data });
    await second.addEntry({ name: 'x', data });
    const one = await first.commit();
    const two = await second.commit();
    const index = await repository.loadIndex();
    const chunkIds = (await repository.getRestorePoint(one.restorePointId)).manifest.entries[0]!.chunks;
    for (const chunkId of chunkIds) expect(index.locations(chunkId).length).toBe(2);
    return { repository, memory, data, index, chunkIds, restorePointIds: [one.restorePointId, two.restorePointId] };
  }

  async function duplicatedThenFirstCopyLost() {
    const { repository, memory, data, index, chunkIds, restorePointIds } = await duplicatedBackups();
    const lost = new Set(chunkIds.map((chunkId) => index.get(chunkId)!.packId));
    for (const packId of lost) memory.files.delete(`data/${packId.slice(0, 2)}/${packId}`);
    return { repository, memory, data, restorePointIds, lost };
  }

  it('keeps the surviving duplicate when the preferred copy\'s pack is missing', async () => {
    const { repository, memory, data, restorePointIds, lost } = await duplicatedThenFirstCopyLost();
    // Restore already falls back to the duplicate.
    expect((await readAll(await repository.openEntry(restorePointIds[0]!, 'x'))).equals(data)).toBe(true);

    const plan = await repository.prune({ dryRun: true });
    expect(plan.packsToDelete).toEqual([]);
    expect(plan.packsToRepack).toEqual([]);
    await repository.prune();
    expect([...memory.files.keys()].some((name) => name.startsWith('data/'))).toBe(true);
    for (const id of restorePointIds) expect((await readAll(await repository.openEntry(id, 'x'))).equals(data)).toBe(true);
    // The new index no longer names the lost packs, so check is clean again.
    const report = await repository.check({ readData: true });
    expect(report.ok).toBe(true);
    const index = await repository.loadIndex();
    for (const packId of lost) expect(index.packs.has(packId)).toBe(false);
  });

  it('check reports a damaged preferred copy but loses no restore point while a duplicate is good', async () => {
    const { repository, memory, data, index, chunkIds, restorePointIds } = await duplicatedBackups();
    const chunkId = chunkIds[0]!;
    const preferred = index.get(chunkId)!;
    // Flip a byte inside the preferred copy of the first chunk only.
    memory.files.get(`data/${preferred.packId.slice(0, 2)}/${preferred.packId}`)!.data[preferred.offset + 20]! ^= 1;

    const report = await repository.check({ readData: true });
    expect(report.ok).toBe(false);
    expect(report.problems.map((problem) => problem.kind)).toContain('damaged-blob');
    expect(report.problems.find((problem) => problem.kind === 'damaged-blob')!.message).toContain(chunkId);
    expect(report.affectedRestorePoints).toEqual([]);
    expect((await readAll(await repository.openEntry(restorePointIds[0]!, 'x'))).equals(data)).toBe(true);

    // With the duplicate damaged too, the chunk is lost and both restore points are named.
    const duplicate = index.locations(chunkId).find((copy) => copy.packId !== preferred.packId)!;
    memory.files.get(`data/${duplicate.packId.slice(0, 2)}/${duplicate.packId}`)!.data[duplicate.offset + 20]! ^= 1;
    const worse = await repository.check({ readData: true });
    expect(worse.affectedRestorePoints.map((point) => point.entries)).toEqual([['x'], ['x']]);
  });

  it('repacks a surviving duplicate instead of dropping it', async () => {
    const { repository, data, restorePointIds } = await duplicatedThenFirstCopyLost();
    // Forget one restore point and back up something unrelated: nothing changes for the shared chunks,
    // and a threshold of 0 forces every pack with any unused byte to be repacked.
    await backupBuffers(repository, { other: testData(40_000, 'other') }, new Date('2025-01-03T00:00:00Z'));
    await repository.prune({ repackThreshold: 0 });
    for (const id of restorePointIds) expect((await readAll(await repository.openEntry(id, 'x'))).equals(data)).toBe(true);
    expect((await repository.check({ readData: true })).ok).toBe(true);
  });
});
