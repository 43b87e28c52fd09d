import { CorruptDataError } from '../errors.ts';
import type { CompressionFlag } from './compression.ts';

/** One blob as listed in a pack header and in the index. */
export interface PackBlob {
  id: string;
  offset: number;
  storedLength: number;
  rawLength: number;
  compression: CompressionFlag;
}

const HEADER_VERSION = 1;
const RECORD_LENGTH = 42;
const TRAILER_LENGTH = 4;
const BLOB_TYPE_DATA = 0;

/** Encodes the plaintext pack header (§8) for blobs laid out in order from offset 0. */
export function encodePackHeader(blobs: readonly PackBlob[]): Buffer {
  const header = Buffer.alloc(1 + blobs.length * RECORD_LENGTH);
  header[0] = HEADER_VERSION;
  let position = 1;
  for (const blob of blobs) {
    header[position] = BLOB_TYPE_DATA;
    header[position + 1] = blob.compression;
    header.writeUInt32LE(blob.storedLength, position + 2);
    header.writeUInt32LE(blob.rawLength, position + 6);
    header.write(blob.id, position + 10, 32, 'hex');
    position += RECORD_LENGTH;
  }
  return header;
}

/** Decodes a plaintext pack header; `file` names the pack in errors. Offsets are recomputed. */
export function decodePackHeader(file: string, header: Buffer): PackBlob[] {
  if (header.length < 1 || header[0] !== HEADER_VERSION || (header.length - 1) % RECORD_LENGTH !== 0) {
    throw new CorruptDataError(file, 'pack header has an unknown version or a bad length');
  }
  const blobs: PackBlob[] = [];
  let offset = 0;
  for (let position = 1; position < header.length; position += RECORD_LENGTH) {
    const type = header[position];
    const compression = header[position + 1];
    if (type !== BLOB_TYPE_DATA || (compression !== 0 && compression !== 1)) {
      throw new CorruptDataError(file, 'pack header has an unknown blob type or compression');
    }
    const storedLength = header.readUInt32LE(position + 2);
    blobs.push({
      id: header.toString('hex', position + 10, position + 42),
      offset,
      storedLength,
      rawLength: header.readUInt32LE(position + 6),
      compression,
    });
    offset += storedLength;
  }
  return blobs;
}

/** Appends the trailer: the stored header length as uint32 LE. */
export function packTrailer(storedHeaderLength: number): Buffer {
  const trailer = Buffer.alloc(TRAILER_LENGTH);
  trailer.writeUInt32LE(storedHeaderLength);
  return trailer;
}

/**
 * Locates the stored header in the tail of a pack.
 * `tail` is the last bytes of a pack of `packSize` bytes; returns the header bytes, or the number of
 * tail bytes needed when `tail` is too short.
 */
export function locatePackHeader(file: string, packSize: number, tail: Buffer): Buffer | { needTail: number } {
  if (tail.length < TRAILER_LENGTH || packSize < TRAILER_LENGTH) throw new CorruptDataError(file, 'pack is too short for a trailer');
  const headerLength = tail.readUInt32LE(tail.length - TRAILER_LENGTH);
  if (headerLength + TRAILER_LENGTH > packSize) throw new CorruptDataError(file, 'pack trailer points outside the pack');
  if (headerLength + TRAILER_LENGTH > tail.length) return { needTail: headerLength + TRAILER_LENGTH };
  return tail.subarray(tail.length - TRAILER_LENGTH - headerLength, tail.length - TRAILER_LENGTH);
}

/** Offset in the pack where the blobs end and the stored header starts. */
export function blobsEnd(blobs: readonly PackBlob[]): number {
  const last = blobs[blobs.length - 1];
  return last ? last.offset + last.storedLength : 0;
}

export const PACK_TRAILER_LENGTH = TRAILER_LENGTH;
