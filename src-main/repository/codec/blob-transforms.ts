import { createCipheriv, createDecipheriv, createHash, createHmac, randomFillSync } from 'node:crypto';
import { zstdDecompressSync } from 'node:zlib';
import { COMPRESSION_NONE, COMPRESSION_ZSTD } from '../format/compression.ts';
import type { PackBlob } from '../format/pack.ts';

/**
 * The per-blob work of the data path (§5, §8) as plain synchronous functions: they run on the
 * codec's worker threads (codec-worker.ts), where blocking is the point, and in unit tests.
 */

/** Keys a codec needs; absent for an unencrypted repository (ids are then plain SHA-256). */
export interface CodecKeys {
  encryptionKey: Uint8Array;
  chunkIdKey: Uint8Array;
}

/** What a blob's index record says about it (its place in a pack aside). */
export type BlobShape = Pick<PackBlob, 'id' | 'storedLength' | 'rawLength' | 'compression'>;

const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
/** The most bytes sealing adds to a payload. */
export const MAX_SEAL_OVERHEAD = NONCE_LENGTH + TAG_LENGTH;

/** The id of a plaintext chunk: keyed HMAC-SHA-256 when encrypted, SHA-256 otherwise (hex). */
export function chunkIdOf(keys: CodecKeys | undefined, chunk: Uint8Array): string {
  return (keys ? createHmac('sha256', keys.chunkIdKey) : createHash('sha256')).update(chunk).digest('hex');
}

/** Bytes sealing adds to a payload (nothing when unencrypted). */
export function sealedLength(keys: CodecKeys | undefined, payloadLength: number): number {
  return keys ? NONCE_LENGTH + payloadLength + TAG_LENGTH : payloadLength;
}

/**
 * Seals a blob's payload (a zstd frame or the raw chunk) with AES-256-GCM, the chunk id as
 * associated data: `nonce ‖ ciphertext ‖ tag` in one buffer (`output` when given, which must be
 * `sealedLength` long). Unencrypted: the payload itself, copied into `output` when given.
 */
export function sealPayloadSync(keys: CodecKeys | undefined, payload: Buffer, id: string, output?: Buffer): Buffer {
  if (!keys) {
    if (!output) return payload;
    payload.copy(output);
    return output;
  }
  const stored = output ?? Buffer.allocUnsafeSlow(NONCE_LENGTH + payload.length + TAG_LENGTH);
  const nonce = stored.subarray(0, NONCE_LENGTH);
  randomFillSync(nonce);
  const cipher = createCipheriv('aes-256-gcm', keys.encryptionKey, nonce, { authTagLength: TAG_LENGTH });
  cipher.setAAD(Buffer.from(id, 'hex'));
  let offset = NONCE_LENGTH + cipher.update(payload).copy(stored, NONCE_LENGTH);
  offset += cipher.final().copy(stored, offset);
  cipher.getAuthTag().copy(stored, offset);
  return stored;
}

/**
 * Opens a stored blob (sealPayloadSync of a zstd frame or raw chunk) and verifies it (§5.3):
 * length, authentication, decompression bounded by `rawLength` (with zstd's content checksum), and,
 * with `recomputeId` or always when unencrypted, the id recomputed from the result. Returns the
 * chunk, or the reason it is unusable; never unverified bytes.
 */
export function openChunkSync(keys: CodecKeys | undefined, blob: BlobShape, stored: Uint8Array, recomputeId: boolean): Buffer | string {
  if (stored.length !== blob.storedLength) return 'is truncated';
  let payload: Buffer;
  if (keys) {
    if (stored.length < NONCE_LENGTH + TAG_LENGTH) return 'failed authentication';
    const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
    try {
      const decipher = createDecipheriv('aes-256-gcm', keys.encryptionKey, bytes.subarray(0, NONCE_LENGTH), { authTagLength: TAG_LENGTH });
      decipher.setAAD(Buffer.from(blob.id, 'hex'));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_LENGTH));
      payload = decipher.update(bytes.subarray(NONCE_LENGTH, bytes.length - TAG_LENGTH));
      const final = decipher.final();
      if (final.length > 0) payload = Buffer.concat([payload, final]);
    } catch {
      return 'failed authentication';
    }
  } else {
    payload = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  }
  let chunk: Buffer;
  if (blob.compression === COMPRESSION_NONE) {
    chunk = payload;
  } else if (blob.compression === COMPRESSION_ZSTD) {
    try {
      chunk = zstdDecompressSync(payload, { maxOutputLength: Math.max(1, blob.rawLength), chunkSize: Math.max(64 * 1024, blob.rawLength) });
    } catch {
      return 'does not decompress';
    }
  } else {
    return 'does not decompress';
  }
  if (chunk.length !== blob.rawLength) return 'does not match its length';
  // Without keys nothing else binds the bytes to the id.
  if ((recomputeId || !keys) && chunkIdOf(keys, chunk) !== blob.id) return 'does not match its id';
  return chunk;
}
