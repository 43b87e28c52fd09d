/**
 * BSON in columns ("BSC1"): how the MongoDB engine stores a collection's documents so that they
 * compress well, and come back byte for byte.
 *
 * Documents are grouped into blocks (about 1–8 MiB of BSON; a block ends where a document's own
 * bytes say so, so an unchanged run of documents encodes to the same block again and deduplicates).
 * Within a block, every document is taken apart into:
 * - the structure stream: per element its BSON type and its field name (names listed once per
 *   block, then referred to by number), and a zero at the end of each document or sub-document;
 * - one column per (field name, BSON type) holding the values of that field, one after the other:
 *   32-bit and 64-bit integers, dates and timestamps as differences from the previous value,
 *   ObjectIds as differences of their time and counter parts, doubles split into byte planes,
 *   strings and binaries as length and bytes.
 * Values of one kind side by side, and small differences instead of whole numbers, are what a
 * general compressor (the repository's zstd) then shrinks far better than the documents as they are.
 *
 * A block: magic `BSC1`, u32 LE length of the rest, then varint document count, varint BSON
 * bytes, u32 LE CRC-32 of the documents' BSON, varint stream count, varint length of each stream,
 * the streams (structure, whole documents kept as they are, then the columns in the order their
 * first value appears). The CRC makes a decode that does not give back the exact bytes fail.
 */

export const BLOCK_MAGIC = Buffer.from('BSC1', 'latin1');
/** magic + body length */
export const BLOCK_HEADER_BYTES = 8;
/** A block's body can never be this large (8 MiB of documents plus one 16 MiB document, with overhead). */
export const MAX_BLOCK_BODY_BYTES = 64 * 1024 * 1024;

/** A block closes after a document once it holds this much BSON and the document's boundary hash says so… */
export const BLOCK_MIN_BYTES = 1024 * 1024;
/** …and after any document once it holds this much. */
export const BLOCK_MAX_BYTES = 8 * 1024 * 1024;

/**
 * A block holds at most this many columns and field names (array indexes are names too): a document
 * that would take a block past them starts a new block, and one that alone has more (an array of a
 * million numbers, say) is kept whole — a column each would cost far more than it saves.
 */
export const MAX_COLUMNS_PER_BLOCK = 4096;
export const MAX_NAMES_PER_BLOCK = 8192;

/** In the structure stream, in place of a document's first element: the document is kept whole in the raw stream. */
export const RAW_DOCUMENT = 0xfe;

/** The streams before the columns. */
export const STRUCTURE_STREAM = 0;
export const RAW_STREAM = 1;
export const FIRST_COLUMN_STREAM = 2;

/** How a BSON type's value is stored. */
export type ValueKind = 'none' | 'nested' | 'double' | 'string' | 'binary' | 'objectId' | 'byte' | 'int32' | 'int64' | 'regex' | 'sized' | 'dbPointer' | 'decimal';

/** Each BSON element type (the spec's byte) and how its value is kept. */
export const VALUE_KINDS: ReadonlyMap<number, ValueKind> = new Map<number, ValueKind>([
  [0x01, 'double'],
  [0x02, 'string'],
  [0x03, 'nested'],
  [0x04, 'nested'],
  [0x05, 'binary'],
  [0x06, 'none'], // undefined (deprecated)
  [0x07, 'objectId'],
  [0x08, 'byte'], // boolean
  [0x09, 'int64'], // UTC datetime
  [0x0a, 'none'], // null
  [0x0b, 'regex'], // two C strings
  [0x0c, 'dbPointer'], // string + 12 bytes (deprecated)
  [0x0d, 'string'], // JavaScript code
  [0x0e, 'string'], // symbol (deprecated)
  [0x0f, 'sized'], // code with scope: an int32 total length first
  [0x10, 'int32'],
  [0x11, 'int64'], // timestamp
  [0x12, 'int64'],
  [0x13, 'decimal'],
  [0xff, 'none'], // MinKey
  [0x7f, 'none'], // MaxKey
]);

/** The column a value goes to: one per field name and type within a block. */
export function columnKey(nameId: number, type: number): number {
  return nameId * 256 + type;
}

/** Whether a block ends after this document: a hash of its first bytes (its `_id`, usually) picks about one in sixteen. */
export function endsBlock(document: Uint8Array, blockBytes: number): boolean {
  if (blockBytes >= BLOCK_MAX_BYTES) return true;
  if (blockBytes < BLOCK_MIN_BYTES) return false;
  let hash = 0x811c9dc5;
  const end = Math.min(document.length, 36);
  for (let i = 4; i < end; i++) hash = Math.imul(hash ^ document[i]!, 0x01000193);
  // The top bits: a multiplicative hash's low bits depend only on the inputs' low bits (even ids would never end a block).
  return hash >>> 28 === 0;
}

export const zigzag32 = (value: number): number => ((value << 1) ^ (value >> 31)) >>> 0;
export const unzigzag32 = (value: number): number => (value >>> 1) ^ -(value & 1);
export const zigzag64 = (value: bigint): bigint => BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
export const unzigzag64 = (value: bigint): bigint => (value >> 1n) ^ -(value & 1n);
