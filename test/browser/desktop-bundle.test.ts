import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobCodecPool, useCodecWorkerEntry } from '../../src-main/repository/codec/blob-codec-pool.ts';

// Runs in the browser project because that project builds the app (electron-vite) first.
const BUNDLED_WORKER = new URL('../../out/main/codec-worker.js', import.meta.url);
const SOURCE_WORKER = new URL('../../src-main/repository/codec/codec-worker.ts', import.meta.url);

describe('desktop bundle', () => {
  afterAll(() => useCodecWorkerEntry(SOURCE_WORKER));

  it('ships the repository codec worker as its own file, and it seals and opens blobs', async () => {
    expect(existsSync(fileURLToPath(BUNDLED_WORKER))).toBe(true);
    useCodecWorkerEntry(BUNDLED_WORKER);
    const codec = new BlobCodecPool({ encryptionKey: randomBytes(32), chunkIdKey: randomBytes(32) }, 1);
    try {
      const chunk = Buffer.from('row,value\n'.repeat(50_000));
      const held = await codec.hold(chunk, false);
      const sealed = await held.seal(3);
      const blob = { id: held.id, offset: 0, storedLength: sealed.stored.length, rawLength: chunk.length, compression: sealed.compression };
      const [opened] = await codec.openRun('data/bundle', sealed.stored, [blob], false);
      expect(Buffer.isBuffer(opened) && opened.equals(chunk)).toBe(true);
    } finally {
      await codec.close();
    }
  });
});
