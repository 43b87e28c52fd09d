import { CorruptDataError } from './errors.ts';
import { isStorageError } from './storage/storage.ts';
import { AAD } from './format/crypto.ts';
import type { CompressionFlag } from './format/compression.ts';
import { packFileName } from './format/ids.ts';
import type { PackBlob } from './format/pack.ts';
import { blobsEnd, decodePackHeader, encodePackHeader, locatePackHeader, packTrailer } from './format/pack.ts';
import type { RepositoryCrypto } from './format/repository-crypto.ts';
import type { RepositoryStorage } from './storage/storage.ts';

/** Bytes read from a pack's end on the first try; most headers fit. */
const TAIL_GUESS = 64 * 1024;

/** A sealed blob ready to go into a pack. */
export interface SealedBlob {
  id: string;
  compression: CompressionFlag;
  rawLength: number;
  /** The stored blob, possibly in parts (nonce, ciphertext ‖ tag) to be laid end to end. */
  parts: Buffer[];
}

/**
 * Completes a pack file (§8) whose blobs already sit in `body[0, bodyLength)`, laid out as
 * `blobs` says: appends the sealed header and the trailer (in place when `body` has room, which
 * avoids copying the pack) and returns the pack's id and bytes. `body` is given away: its memory
 * moves to a codec worker to be hashed (no copy, and the main thread stays free to chunk), and
 * comes back as the returned `body`, for reuse once `bytes` (a view of it, or a copy) is stored.
 */
export async function finishPack(crypto: RepositoryCrypto, body: Buffer, bodyLength: number, blobs: readonly PackBlob[]): Promise<{ packId: string; bytes: Buffer; body: Buffer }> {
  const header = crypto.seal(encodePackHeader(blobs), AAD.packHeader);
  const trailer = packTrailer(header.length);
  const total = bodyLength + header.length + trailer.length;
  if (total > body.length) {
    const hashed = await crypto.codec.digest(Buffer.concat([body.subarray(0, bodyLength), header, trailer]), true);
    return { packId: hashed.digest, bytes: hashed.bytes, body };
  }
  header.copy(body, bodyLength);
  trailer.copy(body, bodyLength + header.length);
  const capacity = body.length; // a moved buffer reads as empty until it is back
  const hashed = await crypto.codec.digest(body.subarray(0, total), true);
  const returned = hashed.bytes;
  return { packId: hashed.digest, bytes: returned, body: Buffer.from(returned.buffer, returned.byteOffset, capacity) };
}

/** Reads and verifies the header of a stored pack of `size` bytes. */
export async function readPackHeader(storage: RepositoryStorage, crypto: RepositoryCrypto, packId: string, size: number, signal?: AbortSignal): Promise<PackBlob[]> {
  const file = packFileName(packId);
  const tailLength = Math.min(size, TAIL_GUESS);
  let tail = await storage.get(file, { offset: size - tailLength, length: tailLength, signal });
  let located = locatePackHeader(file, size, tail);
  if (!Buffer.isBuffer(located)) {
    tail = await storage.get(file, { offset: size - located.needTail, length: located.needTail, signal });
    located = locatePackHeader(file, size, tail);
    if (!Buffer.isBuffer(located)) throw new CorruptDataError(file, 'pack header could not be located');
  }
  return parsePackHeader(crypto, file, size, located);
}

/** Decrypts and decodes a stored header; checks that the blobs end exactly where the header starts. */
export function parsePackHeader(crypto: RepositoryCrypto, file: string, packSize: number, storedHeader: Buffer): PackBlob[] {
  const plain = crypto.open(storedHeader, AAD.packHeader);
  if (!plain) throw new CorruptDataError(file, 'pack header authentication failed');
  const blobs = decodePackHeader(file, plain);
  if (blobsEnd(blobs) + storedHeader.length + 4 !== packSize) throw new CorruptDataError(file, 'pack header does not match the pack size');
  return blobs;
}

/**
 * Turns one stored blob back into its chunk, verifying length, authentication, decompression and
 * (with `recomputeId`) id, on a codec worker thread. `file` names the pack in errors. Never
 * returns unverified bytes. With `giveAway`, `stored`'s buffer moves to the worker (the caller must
 * not use it again).
 */
export async function openBlob(crypto: RepositoryCrypto, file: string, blob: PackBlob, stored: Buffer, giveAway = false, recomputeId = true): Promise<Buffer> {
  if (stored.length !== blob.storedLength) throw new CorruptDataError(file, `blob ${blob.id} is truncated`, { chunkId: blob.id });
  const [chunk] = await crypto.codec.openRun(file, stored, [{ ...blob, offset: 0 }], giveAway, { recomputeIds: recomputeId });
  if (chunk instanceof Error) throw chunk;
  return chunk!;
}

/** Reads one chunk from storage by its location, verified (the id too unless `recomputeId` is false). */
export async function readChunk(storage: RepositoryStorage, crypto: RepositoryCrypto, location: PackBlob & { packId: string }, signal?: AbortSignal, recomputeId = true): Promise<Buffer> {
  const file = packFileName(location.packId);
  const stored = await storage.get(file, { offset: location.offset, length: location.storedLength, signal });
  return openBlob(crypto, file, location, stored, true, recomputeId);
}

/**
 * Reads a chunk from the first of `copies` that is present and verifies. A missing pack or a
 * corrupt copy moves on to the next copy; other errors (network, abort, archived) are thrown at
 * once. When every copy fails, the first copy's error is thrown.
 */
export async function readChunkFromAnyCopy(storage: RepositoryStorage, crypto: RepositoryCrypto, copies: readonly (PackBlob & { packId: string })[], signal?: AbortSignal, recomputeId = true): Promise<Buffer> {
  let first: unknown;
  for (const copy of copies) {
    try {
      return await readChunk(storage, crypto, copy, signal, recomputeId);
    } catch (error) {
      if (!(error instanceof CorruptDataError) && !isStorageError(error, 'not_found')) throw error;
      first ??= error;
    }
  }
  throw first ?? new CorruptDataError('index', 'chunk has no known copy');
}
