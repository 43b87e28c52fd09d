import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ChunkerParams } from '../../../src-main/repository/format/chunker.ts';
import { Chunker, DEFAULT_CHUNKER, PUBLIC_GEAR_SEED, gearTable } from '../../../src-main/repository/format/chunker.ts';
import { GearScanner } from '../../../src-main/repository/format/gear-scan-wasm.ts';
import { testData } from './support/fixtures.ts';
import { ReferenceChunker } from './support/reference-chunker.ts';

const gear = gearTable(PUBLIC_GEAR_SEED);

function chunkAll(data: Buffer, pieceSize: number, params = DEFAULT_CHUNKER): Buffer[] {
  const chunker = new Chunker(params, gear);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += pieceSize) chunks.push(...chunker.push(data.subarray(offset, offset + pieceSize)));
  const last = chunker.finish();
  if (last) chunks.push(last);
  return chunks;
}

describe('Chunker', () => {
  const data = testData(12 * 1024 * 1024, 'chunker');

  it('reassembles to the input and respects min/max sizes', () => {
    const chunks = chunkAll(data, 65536);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.length).toBeGreaterThanOrEqual(DEFAULT_CHUNKER.minSize);
      expect(chunk.length).toBeLessThanOrEqual(DEFAULT_CHUNKER.maxSize);
    }
    const average = data.length / chunks.length;
    expect(average).toBeGreaterThan(512 * 1024);
    expect(average).toBeLessThan(2 * 1024 * 1024);
  });

  it('cuts at the same places whatever the input piece sizes', () => {
    const sizes = (pieces: number) => chunkAll(data, pieces).map((chunk) => chunk.length);
    expect(sizes(1000)).toEqual(sizes(65536));
    expect(sizes(7_000_001)).toEqual(sizes(65536));
  });

  it('finds the same chunks after an insertion (content-defined)', () => {
    const shifted = Buffer.concat([Buffer.from('a few inserted bytes'), data]);
    const original = new Set(chunkAll(data, 65536).map((chunk) => chunk.toString('base64', 0, 64) + chunk.length));
    const after = chunkAll(shifted, 65536);
    const shared = after.filter((chunk) => original.has(chunk.toString('base64', 0, 64) + chunk.length)).length;
    expect(shared).toBeGreaterThanOrEqual(after.length - 2);
  });

  it('cuts at maxSize in input without boundaries', () => {
    const zeros = Buffer.alloc(10 * 1024 * 1024);
    const chunks = chunkAll(zeros, 1 << 20);
    expect(chunks.slice(0, -1).every((chunk) => chunk.length === DEFAULT_CHUNKER.maxSize)).toBe(true);
  });

  it('depends on the gear table (keyed chunking hides boundaries)', () => {
    const other = new Chunker(DEFAULT_CHUNKER, gearTable(Buffer.alloc(32, 7)));
    const chunks = other.push(data);
    expect(chunks.map((chunk) => chunk.length)).not.toEqual(chunkAll(data, 65536).slice(0, chunks.length).map((chunk) => chunk.length));
  });
});

describe('Chunker cut points are those of the first release', () => {
  function cutSizes(make: () => { push(data: Buffer): Buffer[]; finish(): Buffer | undefined }, data: Buffer, pieceSize: number): number[] {
    const chunker = make();
    const sizes: number[] = [];
    for (let offset = 0; offset < data.length; offset += pieceSize) for (const chunk of chunker.push(data.subarray(offset, offset + pieceSize))) sizes.push(chunk.length);
    const last = chunker.finish();
    if (last) sizes.push(last.length);
    return sizes;
  }

  const cases: { name: string; params: ChunkerParams }[] = [
    { name: 'default parameters', params: DEFAULT_CHUNKER },
    { name: 'small parameters', params: { minSize: 8 * 1024, avgSize: 32 * 1024, maxSize: 128 * 1024 } },
    { name: 'tiny, uneven parameters', params: { minSize: 40, avgSize: 100, maxSize: 300 } },
  ];
  for (const { name, params } of cases) {
    it(`matches the reference implementation on random and text data (${name})`, () => {
      for (const seed of ['alpha', 'beta']) {
        const keyedGear = gearTable(createHash('sha256').update(seed).digest());
        const random = randomBytes(Math.min(24 * 1024 * 1024, params.maxSize * 40));
        const text = testData(random.length, seed);
        for (const data of [random, text]) {
          for (const pieceSize of [4093, 1 << 20]) {
            const expected = cutSizes(() => new ReferenceChunker(params, keyedGear), data, pieceSize);
            expect(cutSizes(() => new Chunker(params, keyedGear), data, pieceSize)).toEqual(expected);
          }
        }
      }
    });
  }
});

describe('GearScanner (the WebAssembly scan loop)', () => {
  /** The loop the module implements, one byte at a time. */
  function referenceScan(data: Uint8Array, from: number, end: number, h: number, mask: number): { cut: number; hash: number } {
    for (let i = from; i < end; i++) {
      h = ((h << 1) + gear[data[i]!]!) | 0;
      if ((h & mask) === 0) return { cut: i + 1, hash: h };
    }
    return { cut: -1, hash: h };
  }

  it('finds the cut and leaves the hash of the reference loop, across window splits and for empty and one-byte ranges', () => {
    const data = new Uint8Array(randomBytes(64 * 1024));
    // A 1,000-byte window splits longer ranges into several calls of the module, odd and even.
    const scanner = new GearScanner(gear, 1000);
    let cuts = 0;
    for (let trial = 0; trial < 4000; trial++) {
      const from = (trial * 7919) % 50_000;
      const end = from + (trial % 40 === 0 ? trial % 3 : (trial * 104_729) % 9000);
      const mask = [0, -1 << 26, -1 << 22, -1 << 28, -1][trial % 5]!;
      const h = (trial * 2_654_435_761) | 0;
      const expected = referenceScan(data, from, end, h, mask);
      const cut = scanner.scan(data, from, end, h, mask);
      expect([cut, scanner.lastHash], `trial ${trial}: [${from}, ${end}) mask ${mask}`).toEqual([expected.cut, expected.hash]);
      if (cut >= 0) cuts++;
    }
    // Both outcomes were exercised.
    expect(cuts).toBeGreaterThan(1000);
    expect(cuts).toBeLessThan(3900);
  });
});
