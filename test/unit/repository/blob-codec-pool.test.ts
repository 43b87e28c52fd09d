import { createHash, randomBytes } from 'node:crypto';
import { zstdDecompressSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobCodecPool, prestartCodecThread } from '../../../src-main/repository/codec/blob-codec-pool.ts';
import { chunkIdOf, sealPayloadSync } from '../../../src-main/repository/codec/blob-transforms.ts';
import type { CodecKeys } from '../../../src-main/repository/codec/blob-transforms.ts';
import { CorruptDataError } from '../../../src-main/repository/errors.ts';
import { COMPRESSION_NONE, COMPRESSION_ZSTD } from '../../../src-main/repository/format/compression.ts';
import type { CompressionFlag } from '../../../src-main/repository/format/compression.ts';

const KEYS: CodecKeys = { encryptionKey: randomBytes(32), chunkIdKey: randomBytes(32) };
const text = (length: number, seed: number) => Buffer.from(Array.from({ length: Math.ceil(length / 20) }, (_, i) => `${seed + i},row-${(i * 7919) % 1000}\n`).join('')).subarray(0, length);

/** A buffer that owns a whole ArrayBuffer bigger than `length`, like the writer's pooled chunks. */
function pooledCopy(bytes: Buffer, capacity = 4 * 1024 * 1024): Buffer {
  const backing = new ArrayBuffer(capacity);
  const chunk = Buffer.from(backing, 0, bytes.length);
  bytes.copy(chunk);
  return chunk;
}

const pools: BlobCodecPool[] = [];
function pool(keys: CodecKeys | undefined, size = 2): BlobCodecPool {
  const created = new BlobCodecPool(keys, size);
  pools.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((created) => created.close()));
});

/** Seals `chunk` through the pool the way the writer does, and returns what the index would record. */
async function sealThrough(codec: BlobCodecPool, chunk: Buffer, giveAway: boolean) {
  const rawLength = chunk.length;
  const held = await codec.hold(chunk, giveAway);
  const sealed = await held.seal(3);
  return { id: held.id, offset: 0, storedLength: sealed.stored.length, rawLength, compression: sealed.compression, stored: sealed.stored, returned: sealed.returned };
}

describe('BlobCodecPool', () => {
  it('takes over a thread started before the keys were known, and it seals and opens with the keys it was sent', async () => {
    for (const keys of [KEYS, undefined]) {
      const spare = prestartCodecThread();
      // Asked again while it waits: the same thread, not a second one.
      expect(prestartCodecThread()).toBe(spare);
      const codec = pool(keys, 1);
      const input = text(300_000, 7);
      const blob = await sealThrough(codec, Buffer.from(input), false);
      expect(codec.threadIds).toEqual([spare]);
      expect(blob.id).toBe(chunkIdOf(keys, input));
      const [opened] = await codec.openRun('data/pack', blob.stored, [blob], false);
      expect(Buffer.isBuffer(opened) && opened.equals(input)).toBe(true);
      // What it sealed opens with the same keys on a thread that had them from its start.
      const other = pool(keys, 1);
      const [again] = await other.openRun('data/pack', blob.stored, [blob], false);
      expect(Buffer.isBuffer(again) && again.equals(input)).toBe(true);
      expect(other.threadIds).not.toContain(spare);
    }
  });

  it('round-trips compressible and incompressible chunks, encrypted and not, moving pooled buffers without a copy', async () => {
    for (const keys of [KEYS, undefined]) {
      const codec = pool(keys);
      const inputs = [text(1024 * 1024, 1), randomBytes(700_000), Buffer.from('x')];
      for (const input of inputs) {
        const chunk = pooledCopy(input);
        const blob = await sealThrough(codec, chunk, true);
        expect(blob.id).toBe(chunkIdOf(keys, input));
        // The chunk's memory moved to the worker and came back whole for reuse.
        expect(chunk.length).toBe(0);
        expect(blob.returned?.byteLength).toBe(4 * 1024 * 1024);
        expect(blob.compression).toBe(input.length > 100_000 && input[0] !== undefined && input.equals(inputs[0]!) ? COMPRESSION_ZSTD : COMPRESSION_NONE);
        if (!keys && blob.compression === COMPRESSION_ZSTD) {
          // A stock zstd reads the frame, and it carries the content checksum (frame header bit 2).
          expect(zstdDecompressSync(blob.stored).equals(input)).toBe(true);
          expect(blob.stored[4]! & 0x04).toBe(0x04);
        }
        // No plaintext in a sealed blob (a 1-byte input could match a ciphertext byte by chance).
        if (keys && input.length >= 64) expect(blob.stored.includes(input.subarray(0, 64))).toBe(false);
        const [opened] = await codec.openRun('data/pack', blob.stored, [blob], false);
        expect(Buffer.isBuffer(opened) && opened.equals(input)).toBe(true);
      }
    }
  });

  it('drops a held duplicate and hands its buffer back; copies a chunk it was not given', async () => {
    const codec = pool(KEYS);
    const chunk = pooledCopy(text(200_000, 5));
    const held = await codec.hold(chunk, true);
    expect(await held.drop()).toBeInstanceOf(ArrayBuffer);
    await expect(held.seal(3)).rejects.toThrow(/once/);
    const kept = text(200_000, 6);
    const copy = Buffer.from(kept);
    const blob = await sealThrough(codec, kept, false);
    expect(kept.equals(copy)).toBe(true);
    expect(blob.returned).toBeUndefined();
  });

  it('opens a run of neighbouring blobs from one buffer and names each bad one', async () => {
    const codec = pool(KEYS);
    const inputs = [text(300_000, 7), randomBytes(200_000), text(100_000, 8)];
    const blobs = [];
    const parts: Buffer[] = [];
    let offset = 0;
    for (const input of inputs) {
      const blob = await sealThrough(codec, input, false);
      blobs.push({ ...blob, offset });
      parts.push(blob.stored);
      offset += blob.storedLength;
    }
    const run = Buffer.concat(parts);
    run[blobs[1]!.offset + 40]! ^= 1; // damage the middle blob only
    const results = await codec.openRun('data/ab/abcd', Buffer.from(run), blobs, true);
    expect(Buffer.isBuffer(results[0]) && results[0].equals(inputs[0]!)).toBe(true);
    expect(results[1]).toBeInstanceOf(CorruptDataError);
    expect((results[1] as CorruptDataError).message).toBe(`data/ab/abcd: blob ${blobs[1]!.id} failed authentication`);
    expect(Buffer.isBuffer(results[2]) && results[2].equals(inputs[2]!)).toBe(true);
    const verdicts = await codec.openRun('data/ab/abcd', run, blobs, false, { verifyOnly: true });
    expect(verdicts.map((verdict) => verdict === null)).toEqual([true, false, true]);
    await expect(codec.openRun('data/ab/abcd', run.subarray(0, 100), blobs, false)).rejects.toThrow(/truncated/);
  });

  it('recomputes ids where asked: an authentic blob sealed under the wrong id passes authentication only', async () => {
    const codec = pool(KEYS);
    const content = text(50_000, 9);
    const wrongId = chunkIdOf(KEYS, text(50_000, 10));
    const stored = sealPayloadSync(KEYS, content, wrongId);
    const blob = { id: wrongId, offset: 0, storedLength: stored.length, rawLength: content.length, compression: COMPRESSION_NONE as CompressionFlag };
    const [checked] = await codec.openRun('data/x', stored, [blob], false, { recomputeIds: true });
    expect((checked as Error).message).toMatch(/does not match its id/);
    // Restores trust the tag (format §5.3): only a key holder could have made this blob.
    const [trusted] = await codec.openRun('data/x', stored, [blob], false, { recomputeIds: false });
    expect(Buffer.isBuffer(trusted) && trusted.equals(content)).toBe(true);
    // Unencrypted blobs have no tag, so their ids are always recomputed.
    const plain = pool(undefined);
    const [unkeyed] = await plain.openRun('data/x', content, [{ ...blob, storedLength: content.length }], false, { recomputeIds: false });
    expect((unkeyed as Error).message).toMatch(/does not match its id/);
  });

  it('fails the jobs of a worker that dies and serves the next job with a new one', async () => {
    const codec = pool(KEYS, 1);
    const held = await codec.hold(text(100_000, 11), false);
    // Stop every worker while a chunk is held there: the held chunk is lost, loudly.
    await codec.close();
    await expect(held.seal(3)).rejects.toThrow(/stopped|closed/);
    const blob = await sealThrough(codec, text(100_000, 12), false);
    const [opened] = await codec.openRun('data/y', blob.stored, [blob], false);
    expect(Buffer.isBuffer(opened) && opened.equals(text(100_000, 12))).toBe(true);
  });

  it('hashes a pack on a worker: the given-away buffer goes and comes back unchanged, a kept one is copied', async () => {
    const codec = pool(undefined, 1);
    const bytes = randomBytes(300_000);
    const expected = createHash('sha256').update(bytes).digest('hex');
    const body = pooledCopy(bytes, 1024 * 1024);
    const backing = body.buffer;
    const moved = await codec.digest(body, true);
    expect(moved.digest).toBe(expected);
    expect(backing.byteLength).toBe(0); // it really moved
    expect(moved.bytes.buffer.byteLength).toBe(1024 * 1024);
    expect(moved.bytes.equals(bytes)).toBe(true);
    const kept = pooledCopy(bytes, 1024 * 1024);
    const copied = await codec.digest(kept, false);
    expect(copied.digest).toBe(expected);
    expect(copied.bytes).toBe(kept);
    expect(kept.equals(bytes)).toBe(true);
  });
});
