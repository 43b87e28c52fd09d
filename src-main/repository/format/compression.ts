import { constants, zstdCompress, zstdDecompress } from 'node:zlib';
import { promisify } from 'node:util';

const compressAsync = promisify(zstdCompress);
const decompressAsync = promisify(zstdDecompress);

/** Compression flag stored per blob and per envelope (§5.2). */
export const COMPRESSION_NONE = 0;
export const COMPRESSION_ZSTD = 1;
export type CompressionFlag = typeof COMPRESSION_NONE | typeof COMPRESSION_ZSTD;

/** Default zstd level; not part of the format. */
export const DEFAULT_ZSTD_LEVEL = 3;

/**
 * Compresses with zstd on the libuv thread pool (so several chunks compress in parallel on all
 * cores); keeps the raw bytes when zstd does not make them smaller.
 */
export async function compressChunk(data: Buffer, level = DEFAULT_ZSTD_LEVEL): Promise<{ flag: CompressionFlag; bytes: Buffer }> {
  if (data.length === 0) return { flag: COMPRESSION_NONE, bytes: data };
  // One output buffer big enough for the whole result: zlib's default 16 KiB would make a
  // thread-pool round trip (and a main-thread callback) per 16 KiB.
  const compressed = await compressAsync(data, { params: { [constants.ZSTD_c_compressionLevel]: level }, chunkSize: data.length + 1024 });
  return compressed.length < data.length ? { flag: COMPRESSION_ZSTD, bytes: compressed } : { flag: COMPRESSION_NONE, bytes: data };
}

/** Undoes compressChunk; `expectedLength` bounds the output so a hostile frame cannot exhaust memory. */
export async function decompressChunk(flag: number, bytes: Buffer, expectedLength: number): Promise<Buffer> {
  if (flag === COMPRESSION_NONE) return bytes;
  if (flag !== COMPRESSION_ZSTD) throw new Error(`unknown compression ${flag}`);
  return decompressAsync(bytes, { maxOutputLength: Math.max(1, expectedLength), chunkSize: Math.max(64 * 1024, expectedLength) });
}
