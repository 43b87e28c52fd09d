import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
});
