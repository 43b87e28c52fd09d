import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RepositoryStorage } from '../../../../src-main/repository/storage/storage.ts';
import { StorageError } from '../../../../src-main/repository/storage/storage.ts';

/** A fresh, empty storage per test, and a cleanup for it. */
export interface StorageUnderTest {
  storage: RepositoryStorage;
  dispose(): Promise<void>;
}

async function collectNames(storage: RepositoryStorage, prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const file of storage.list(prefix)) names.push(file.name);
  return names.sort();
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

/**
 * The one behaviour contract of RepositoryStorage, run against every backend (memory, local folder,
 * Azure Blob via Azurite). `create` returns an empty storage.
 */
export function describeStorageConformance(backendName: string, create: () => Promise<StorageUnderTest>): void {
  describe(`RepositoryStorage conformance: ${backendName}`, () => {
    let subject: StorageUnderTest;
    let storage: RepositoryStorage;

    beforeEach(async () => {
      subject = await create();
      storage = subject.storage;
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it('stores and returns bytes exactly, whole and by range', async () => {
      const data = randomBytes(300_000);
      await storage.put('data/ab/file1', data);
      expect(Buffer.compare(await storage.get('data/ab/file1'), data)).toBe(0);
      expect(Buffer.compare(await storage.get('data/ab/file1', { offset: 1000, length: 5000 }), data.subarray(1000, 6000))).toBe(0);
      expect(Buffer.compare(await storage.get('data/ab/file1', { offset: 299_990 }), data.subarray(299_990))).toBe(0);
      expect(Buffer.compare(await readAll(await storage.getStream('data/ab/file1')), data)).toBe(0);
      expect(Buffer.compare(await readAll(await storage.getStream('data/ab/file1', { offset: 10, length: 20 })), data.subarray(10, 30))).toBe(0);
    });

    it('stores empty files', async () => {
      await storage.put('empty', new Uint8Array(0));
      expect((await storage.get('empty')).length).toBe(0);
      expect((await storage.stat('empty'))?.size).toBe(0);
    });

    it('refuses to overwrite unless asked, and keeps the first content', async () => {
      await storage.put('config', Buffer.from('first'));
      const error = await storage.put('config', Buffer.from('second')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).kind).toBe('already_exists');
      expect((await storage.get('config')).toString()).toBe('first');
      await storage.put('config', Buffer.from('third'), { overwrite: true });
      expect((await storage.get('config')).toString()).toBe('third');
    });

    it('reports missing files as not_found, and stat as undefined', async () => {
      const error = await storage.get('index/missing').catch((e: unknown) => e);
      expect((error as StorageError).kind).toBe('not_found');
      expect(await storage.stat('index/missing')).toBeUndefined();
      expect(await storage.delete('index/missing')).toBe(false);
    });

    it('stats size and modification time', async () => {
      const before = Date.now() - 60_000;
      await storage.put('keys/k1', randomBytes(1234));
      const info = await storage.stat('keys/k1');
      expect(info?.name).toBe('keys/k1');
      expect(info?.size).toBe(1234);
      expect(info!.lastModified.getTime()).toBeGreaterThan(before);
    });

    it('lists by prefix, nested names included, and nothing else', async () => {
      await storage.put('data/00/a', Buffer.from('1'));
      await storage.put('data/ff/b', Buffer.from('22'));
      await storage.put('index/c', Buffer.from('333'));
      await storage.put('config', Buffer.from('4444'));
      expect(await collectNames(storage, 'data/')).toEqual(['data/00/a', 'data/ff/b']);
      expect(await collectNames(storage, 'data/f')).toEqual(['data/ff/b']);
      expect(await collectNames(storage, 'index/')).toEqual(['index/c']);
      expect(await collectNames(storage, 'locks/')).toEqual([]);
      expect(await collectNames(storage, '')).toEqual(['config', 'data/00/a', 'data/ff/b', 'index/c']);
      const sizes: Record<string, number> = {};
      for await (const file of storage.list('data/')) sizes[file.name] = file.size;
      expect(sizes).toEqual({ 'data/00/a': 1, 'data/ff/b': 2 });
    });

    it('deletes', async () => {
      await storage.put('locks/l1', Buffer.from('x'));
      expect(await storage.delete('locks/l1')).toBe(true);
      expect(await storage.stat('locks/l1')).toBeUndefined();
      expect(await collectNames(storage, 'locks/')).toEqual([]);
    });

    it('moves files to the Archive tier, refuses to read them, and rehydrates them', async () => {
      const data = randomBytes(1000);
      await storage.put('data/aa/archived', data);
      await storage.setTier('data/aa/archived', 'Archive');
      expect((await storage.stat('data/aa/archived'))?.tier).toBe('Archive');
      const error = await storage.get('data/aa/archived').catch((e: unknown) => e);
      expect((error as StorageError).kind).toBe('archived');
      await storage.setTier('data/aa/archived', 'Hot', { priority: 'High' });
      // Rehydration is instant on every backend we test (Azurite included).
      let info = await storage.stat('data/aa/archived');
      for (let i = 0; i < 50 && info?.tier !== 'Hot'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        info = await storage.stat('data/aa/archived');
      }
      expect(info?.tier).toBe('Hot');
      expect(Buffer.compare(await storage.get('data/aa/archived'), data)).toBe(0);
    });

    it('puts straight into a tier', async () => {
      await storage.put('data/bb/cold', Buffer.from('abc'), { tier: 'Archive' });
      expect((await storage.stat('data/bb/cold'))?.tier).toBe('Archive');
    });

    it('rejects names that could escape the repository', async () => {
      for (const bad of ['../x', 'a/../b', '/abs', 'a//b', 'a\\b']) {
        await expect(storage.put(bad, Buffer.from('x'))).rejects.toThrow(StorageError);
      }
    });

    it('never shows a partial file to a concurrent reader', async () => {
      const data = randomBytes(2_000_000);
      const writing = storage.put('data/cc/big', data);
      let sawPartial = false;
      while (true) {
        const info = await storage.stat('data/cc/big');
        if (info && info.size !== data.length) sawPartial = true;
        if (info) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      await writing;
      expect(sawPartial).toBe(false);
      expect(Buffer.compare(await storage.get('data/cc/big'), data)).toBe(0);
    });
  });
}
