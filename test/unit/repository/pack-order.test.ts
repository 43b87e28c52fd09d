import { describe, expect, it } from 'vitest';
import type { HeldChunk } from '../../../src-main/repository/codec/blob-codec-pool.ts';
import { AppendOrder } from '../../../src-main/repository/append-order.ts';
import { MemoryStorage } from '../../../src-main/repository/storage/memory-storage.ts';
import type { GetOptions } from '../../../src-main/repository/storage/storage.ts';
import { readAll, testData } from './support/fixtures.ts';
import { backupBuffers, memoryRepository } from './support/memory-repository.ts';

/** Memory storage that counts the reads of pack files. */
class CountingStorage extends MemoryStorage {
  packReads = 0;
  override async get(name: string, options?: GetOptions): Promise<Buffer> {
    if (name.startsWith('data/')) this.packReads++;
    return super.get(name, options);
  }
}

describe('blob order in packs', () => {
  it('passes tickets in the order they were taken, whatever order they finish in', async () => {
    const order = new AppendOrder();
    const tickets = [order.take(), order.take(), order.take(), order.take()];
    const passed: number[] = [];
    const appended = tickets.map((ticket, position) => ticket.ready.then(() => passed.push(position)));
    tickets[2]!.pass(); // finished early without appending (a duplicate), or failed
    tickets[3]!.pass();
    await new Promise((resolve) => setTimeout(resolve, 10));
    // 1 cannot go before 0, nor 2 and 3 before 1 (only ticket 0 may have appended).
    expect(passed).toEqual([0]);
    tickets[0]!.pass();
    tickets[0]!.pass(); // a second call changes nothing
    await appended[1];
    tickets[1]!.pass();
    await Promise.all(appended);
    expect(passed).toEqual([0, 1, 2, 3]);
    // Everything before has passed: a new ticket is ready at once.
    const late = order.take();
    await expect(Promise.race([late.ready.then(() => 'ready'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 10))])).resolves.toBe('ready');
  });

  it('a first backup stores blobs in chunk order even when later chunks finish sealing first', async () => {
    const { repository } = await memoryRepository();
    // Every third chunk's seal ends late, so later chunks (in other compression slots) finish first.
    const codec = repository.crypto.codec;
    const hold = codec.hold.bind(codec);
    let held = 0;
    codec.hold = async (chunk, giveAway): Promise<HeldChunk> => {
      const chunkHeld = await hold(chunk, giveAway);
      if (held++ % 3 !== 0) return chunkHeld;
      return { ...chunkHeld, seal: async (level) => { await new Promise((resolve) => setTimeout(resolve, 30)); return chunkHeld.seal(level); } };
    };
    const data = testData(1_000_000, 'ordered');
    const { restorePointId } = await backupBuffers(repository, { 'db/table': data });
    const entry = (await repository.getRestorePoint(restorePointId)).manifest.entries[0]!;
    const index = await repository.loadIndex();
    const places = entry.chunks.map((id) => index.get(id)!);
    expect(new Set(places.map((place) => place.packId)).size).toBeGreaterThan(3);
    for (let i = 1; i < places.length; i++) {
      const [before, after] = [places[i - 1]!, places[i]!];
      // Within a pack, each blob lies right after the previous chunk's; a new pack starts at its beginning.
      if (after.packId === before.packId) expect(after.offset).toBe(before.offset + before.storedLength);
      else expect(after.offset).toBe(0);
    }
    expect(await readAll(await repository.openEntry(restorePointId, 'db/table'))).toEqual(data);
  });

  it('a restore reads neighbouring blobs of a pack with one ranged read', async () => {
    const storage = new CountingStorage();
    const { repository } = await memoryRepository({}, storage);
    const data = testData(1_000_000, 'runs');
    const { restorePointId } = await backupBuffers(repository, { 'db/table': data });
    const entry = (await repository.getRestorePoint(restorePointId)).manifest.entries[0]!;
    storage.packReads = 0;
    expect(await readAll(await repository.openEntry(restorePointId, 'db/table'))).toEqual(data);
    // About four blobs fit a pack of this test format; one read per blob would be entry.chunks.length.
    expect(entry.chunks.length).toBeGreaterThan(20);
    expect(storage.packReads * 2).toBeLessThanOrEqual(entry.chunks.length);
  });
});
