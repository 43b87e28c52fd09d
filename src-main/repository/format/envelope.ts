import { CorruptDataError } from '../errors.ts';
import { COMPRESSION_NONE, COMPRESSION_ZSTD, compressChunk, decompressChunk } from './compression.ts';
import { sha256Hex } from './crypto.ts';
import type { RepositoryCrypto } from './repository-crypto.ts';

/** Largest JSON document an envelope may expand to (guards decompression). */
const MAX_ENVELOPE_JSON = 1024 * 1024 * 1024;

/**
 * Encodes a JSON document as an envelope (§11): compression byte ‖ payload, sealed.
 * Returns the stored bytes and their id (SHA-256 of the stored bytes).
 */
export async function encodeEnvelope(crypto: RepositoryCrypto, aad: Uint8Array, document: unknown): Promise<{ id: string; bytes: Buffer }> {
  const json = Buffer.from(JSON.stringify(document));
  const { flag, bytes } = await compressChunk(json);
  const lengthPrefix = Buffer.alloc(4);
  // The uncompressed length bounds decompression when reading.
  lengthPrefix.writeUInt32LE(Math.min(json.length, 0xffffffff));
  const plaintext = Buffer.concat([Buffer.from([flag]), lengthPrefix, bytes]);
  const stored = crypto.seal(plaintext, aad);
  return { id: sha256Hex(stored), bytes: stored };
}

/**
 * Decodes an envelope read from `file`, verifying in order: content hash = `expectedId`,
 * authentication, decompression, JSON. Throws CorruptDataError on any failure.
 */
export async function decodeEnvelope(crypto: RepositoryCrypto, file: string, expectedId: string, stored: Buffer, aad: Uint8Array): Promise<unknown> {
  if (sha256Hex(stored) !== expectedId) throw new CorruptDataError(file, 'content hash does not match the file name');
  const plaintext = crypto.open(stored, aad);
  if (!plaintext) throw new CorruptDataError(file, 'authentication failed (damaged, or written with another key)');
  if (plaintext.length < 5) throw new CorruptDataError(file, 'envelope too short');
  const flag = plaintext[0]!;
  const length = plaintext.readUInt32LE(1);
  if ((flag !== COMPRESSION_NONE && flag !== COMPRESSION_ZSTD) || length > MAX_ENVELOPE_JSON) throw new CorruptDataError(file, 'envelope header is invalid');
  try {
    const json = await decompressChunk(flag, plaintext.subarray(5), length);
    if (json.length !== length) throw new Error('length mismatch');
    return JSON.parse(json.toString('utf8'));
  } catch (error) {
    throw new CorruptDataError(file, `envelope content is unreadable: ${(error as Error).message}`, undefined, { cause: error });
  }
}
