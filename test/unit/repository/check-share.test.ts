import { describe, expect, it } from 'vitest';
import { packInShare } from '../../../src-main/repository/check.ts';
import { testData } from './support/fixtures.ts';
import { backupBuffers, memoryRepository } from './support/memory-repository.ts';

describe('rotating data checks', () => {
  it('put every pack in exactly one share', () => {
    const ids = Array.from({ length: 500 }, (_, i) => (i * 2_654_435_761 % 2 ** 32).toString(16).padStart(8, '0') + 'f'.repeat(56));
    for (const parts of [1, 3, 10]) {
      for (const id of ids) expect(Array.from({ length: parts }, (_, part) => packInShare(id, { part, parts })).filter(Boolean)).toHaveLength(1);
    }
  });

  it('read one share of the bytes per check, and all of them over a cycle', async () => {
    const { repository } = await memoryRepository();
    await backupBuffers(repository, { a: testData(900_000, 'a'), b: testData(700_000, 'b') }, new Date('2026-12-01T00:00:00Z'));
    const full = await repository.check({ readData: true });
    expect(full.packCount).toBeGreaterThan(2);
    const shares = [];
    for (let part = 0; part < 3; part++) shares.push(await repository.check({ readDataShare: { part, parts: 3 } }));
    expect(shares.every((report) => report.ok)).toBe(true);
    expect(shares.reduce((sum, report) => sum + report.bytesRead, 0)).toBe(full.bytesRead);
    expect(Math.max(...shares.map((report) => report.bytesRead))).toBeLessThan(full.bytesRead);
    // Structure only reads no data.
    expect((await repository.check()).bytesRead).toBe(0);
  });
});
