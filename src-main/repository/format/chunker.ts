import { createCipheriv } from 'node:crypto';
import { sha256 } from './crypto.ts';
import { GearScanner } from './gear-scan-wasm.ts';

/** Chunker parameters, fixed at init and stored in the config (§5.1). */
export interface ChunkerParams {
  minSize: number;
  avgSize: number;
  maxSize: number;
}

export const DEFAULT_CHUNKER: ChunkerParams = { minSize: 256 * 1024, avgSize: 1024 * 1024, maxSize: 4 * 1024 * 1024 };

/** Builds the 256-word gear table from a 32-byte seed (AES-256-CTR keystream, §5.1). */
export function gearTable(seed: Uint8Array): Int32Array {
  const cipher = createCipheriv('aes-256-ctr', seed, Buffer.alloc(16));
  const stream = Buffer.concat([cipher.update(Buffer.alloc(1024)), cipher.final()]);
  // Signed words: the hash then stays a 32-bit signed integer, which V8 keeps unboxed (an unsigned
  // value above 2^31 would be a heap number and make the hot loop allocate).
  const table = new Int32Array(256);
  for (let i = 0; i < 256; i++) table[i] = stream.readInt32LE(i * 4);
  return table;
}

/** The gear seed of unencrypted repositories. */
export const PUBLIC_GEAR_SEED = sha256(Buffer.from('cosmos-backup/v1/public-gear'));

/** A mask with `ones` one bits at the top of a 32-bit word. */
function topBitsMask(ones: number): number {
  return ones <= 0 ? 0 : (-1 << (32 - ones)) | 0;
}

/**
 * Content-defined chunker (FastCDC with normalized chunking, gear hash).
 *
 * Feed it byte pieces with `push`; it returns the chunks that became complete. `finish` returns the
 * last chunk. Chunk boundaries depend only on the content (and the gear table), so unchanged regions
 * of a changed stream produce the same chunks again.
 */
export class Chunker {
  private readonly gear: Int32Array;
  private readonly params: ChunkerParams;
  private readonly maskStrict: number;
  private readonly maskLoose: number;
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private hash = 0;
  private readonly scanner: GearScanner;
  private readonly allocate: (length: number) => Buffer;

  /**
   * `allocate` supplies the buffer each chunk is copied into (default: a new one); the write path
   * passes a pool so chunk buffers are reused. It has no effect on the cut points.
   */
  constructor(params: ChunkerParams, gear: Int32Array, allocate: (length: number) => Buffer = (length) => Buffer.allocUnsafe(length)) {
    if (!(params.minSize > 0 && params.minSize <= params.avgSize && params.avgSize <= params.maxSize)) {
      throw new RangeError('Chunker sizes must satisfy 0 < minSize <= avgSize <= maxSize');
    }
    this.params = params;
    this.gear = gear;
    this.allocate = allocate;
    const bits = Math.round(Math.log2(params.avgSize));
    this.maskStrict = topBitsMask(bits + 2);
    this.maskLoose = topBitsMask(bits - 2);
    // A window of 256 KiB bounds the bytes copied past a cut (the copy into WebAssembly memory
    // runs at memcpy speed, an order of magnitude faster than the scan).
    this.scanner = new GearScanner(gear, 256 * 1024);
  }

  /** Consumes `data` (not retained beyond the returned chunks) and returns the completed chunks. */
  push(data: Buffer): Buffer[] {
    const chunks: Buffer[] = [];
    let start = 0;
    while (start < data.length) {
      const cut = this.findCut(data, start);
      if (cut < 0) {
        this.pending.push(data.subarray(start));
        this.pendingLength += data.length - start;
        break;
      }
      this.pending.push(data.subarray(start, cut));
      chunks.push(this.takePending());
      this.pending = [];
      this.pendingLength = 0;
      this.hash = 0;
      start = cut;
    }
    return chunks;
  }

  /** Returns the last chunk (undefined when no bytes are pending) and resets the chunker. */
  finish(): Buffer | undefined {
    if (this.pendingLength === 0) return undefined;
    const chunk = this.takePending();
    this.pending = [];
    this.pendingLength = 0;
    this.hash = 0;
    return chunk;
  }

  /** Copies the pending pieces into one chunk buffer (the pieces belong to the caller). */
  private takePending(): Buffer {
    let length = 0;
    for (const piece of this.pending) length += piece.length;
    const chunk = this.allocate(length);
    let offset = 0;
    for (const piece of this.pending) offset += piece.copy(chunk, offset);
    return chunk;
  }

  /**
   * Scans `data` from `start` with `pendingLength` bytes already in the current chunk; returns the
   * index in `data` just after the cut, or -1 when the chunk continues past `data`.
   */
  private findCut(buffer: Buffer, start: number): number {
    const { minSize, avgSize, maxSize } = this.params;
    // A plain Uint8Array view and local copies keep the hot loops monomorphic.
    const data = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
    const gear = this.gear;
    const already = this.pendingLength;
    const end = data.length;
    let h = this.hash;
    let i = start;
    // No cut may happen in the first minSize bytes of a chunk, and the hash only depends on the
    // last 32 bytes: skip to 32 bytes before the first candidate and warm the hash up from there.
    const minEnd = Math.min(end, start + (minSize - already));
    const warmFrom = minEnd - 32;
    if (warmFrom > i) {
      i = warmFrom;
      h = 0;
    }
    for (; i < minEnd; i++) h = ((h << 1) + gear[data[i]!]!) | 0;
    const normalEnd = Math.min(end, start + (avgSize - already));
    const hardEnd = Math.min(end, start + (maxSize - already));
    const scanner = this.scanner;
    if (i < normalEnd) {
      const cut = scanner.scan(data, i, normalEnd, h, this.maskStrict);
      if (cut >= 0) return cut;
      h = scanner.lastHash;
      i = normalEnd;
    }
    if (i < hardEnd) {
      const cut = scanner.scan(data, i, hardEnd, h, this.maskLoose);
      if (cut >= 0) return cut;
      h = scanner.lastHash;
    }
    if (already + (end - start) >= maxSize) return hardEnd;
    this.hash = h;
    return -1;
  }
}
