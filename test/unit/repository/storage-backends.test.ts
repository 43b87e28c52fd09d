import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStorageError } from '../../../src-main/repository/storage/storage.ts';
import { LocalFolderStorage } from '../../../src-main/repository/storage/local-storage.ts';
import { MemoryStorage } from '../../../src-main/repository/storage/memory-storage.ts';
import { describeStorageConformance } from './support/storage-conformance.ts';

describeStorageConformance('memory', async () => ({ storage: new MemoryStorage(), dispose: async () => {} }));

describeStorageConformance('local folder', async () => {
  const root = await mkdtemp(join(tmpdir(), 'repo-storage-'));
  return { storage: new LocalFolderStorage(root), dispose: () => rm(root, { recursive: true, force: true }) };
});

describe('LocalFolderStorage specifics', () => {
  it('leaves no temporary files behind and keeps its bookkeeping out of listings', async () => {
    const root = await mkdtemp(join(tmpdir(), 'repo-storage-'));
    try {
      const storage = new LocalFolderStorage(root);
      await storage.put('data/ab/x', Buffer.from('x'), { tier: 'Archive' });
      await storage.put('data/ab/x', Buffer.from('y'), { overwrite: true }).catch(() => undefined);
      expect(await readdir(join(root, '.tmp'))).toEqual([]);
      const names: string[] = [];
      for await (const file of storage.list('')) names.push(file.name);
      expect(names).toEqual(['data/ab/x']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('streams an upload in pieces: invisible until commit, then published create-only like put', async () => {
    const root = await mkdtemp(join(tmpdir(), 'repo-storage-'));
    try {
      const storage = new LocalFolderStorage(root);
      const upload = await storage.openUpload();
      await upload.append(Buffer.from('first piece, '));
      await upload.append(Buffer.from('second piece'));
      expect(await storage.stat('data/cd/streamed')).toBeUndefined();
      await upload.commit('data/cd/streamed', { tier: 'Cool' });
      expect((await storage.get('data/cd/streamed')).toString()).toBe('first piece, second piece');
      expect((await storage.stat('data/cd/streamed'))?.tier).toBe('Cool');

      // The same name again: already_exists, the first bytes stay, and no temporary file is left.
      const again = await storage.openUpload();
      await again.append(Buffer.from('other bytes'));
      const failure = await again.commit('data/cd/streamed').catch((error: unknown) => error);
      expect(isStorageError(failure, 'already_exists')).toBe(true);
      await again.abort();
      expect((await storage.get('data/cd/streamed')).toString()).toBe('first piece, second piece');

      const dropped = await storage.openUpload();
      await dropped.append(Buffer.from('never published'));
      await dropped.abort();
      await dropped.abort();
      expect(await readdir(join(root, '.tmp'))).toEqual([]);
      const names: string[] = [];
      for await (const file of storage.list('')) names.push(file.name);
      expect(names).toEqual(['data/cd/streamed']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('removes uploads a crashed writer abandoned once they are old, and leaves recent ones', async () => {
    const root = await mkdtemp(join(tmpdir(), 'repo-storage-'));
    try {
      const storage = new LocalFolderStorage(root);
      expect(await storage.removeAbandonedUploads(60_000)).toBe(0); // no .tmp folder yet
      const crashed = await storage.openUpload();
      await crashed.append(Buffer.alloc(1000, 1));
      const [stale] = await readdir(join(root, '.tmp'));
      const anHourAgo = new Date(Date.now() - 3_600_000);
      await utimes(join(root, '.tmp', stale!), anHourAgo, anHourAgo);
      const running = await storage.openUpload();
      await running.append(Buffer.alloc(1000, 2));
      expect(await storage.removeAbandonedUploads(60_000)).toBe(1);
      expect(await readdir(join(root, '.tmp'))).toHaveLength(1);
      await running.commit('data/ef/kept');
      expect((await storage.get('data/ef/kept')).equals(Buffer.alloc(1000, 2))).toBe(true);
      await crashed.abort();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('reads ranges by the length asked alone, and still refuses a start past the end and archived files', async () => {
    const root = await mkdtemp(join(tmpdir(), 'repo-storage-'));
    try {
      const storage = new LocalFolderStorage(root);
      const data = Buffer.from('0123456789');
      await storage.put('data/ab/ten', data);
      expect((await storage.get('data/ab/ten', { offset: 4, length: 3 })).toString()).toBe('456');
      expect((await storage.get('data/ab/ten', { offset: 8, length: 100 })).toString()).toBe('89');
      expect((await storage.get('data/ab/ten', { offset: 10, length: 5 })).length).toBe(0);
      expect((await storage.get('data/ab/ten', { offset: 2, length: 128 * 1024 * 1024 })).toString()).toBe('23456789');
      const outside = await storage.get('data/ab/ten', { offset: 11, length: 5 }).catch((error: unknown) => error);
      expect(isStorageError(outside, 'permanent')).toBe(true);
      await storage.setTier('data/ab/ten', 'Archive');
      const archived = await storage.get('data/ab/ten', { offset: 0, length: 2 }).catch((error: unknown) => error);
      expect(isStorageError(archived, 'archived')).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
