import { constants, zstdCompress, zstdDecompress } from 'node:zlib';
import { promisify } from 'node:util';

const compressAsync = promisify(zstdCompress);
const decompressAsync = promisify(zstdDecompress);

/** Compression flag stored per blob and per envelope (§5.2). */
export const COMPRESSION_NONE = 0;
export const COMPRESSION_ZSTD = 1;
export type CompressionFlag = typeof COMPRESSION_NONE | typeof COMPRESSION_ZSTD;

/**
 * Default zstd level; not part of the format (a job may ask for another, `compressionLevel`).
 *
 * Level 2 (zstd's `fast` strategy, 64 K-entry hash table, 6-byte minimum match) rather than 3
 * (`dfast`): on the data this tool backs up it stores as small for a quarter less compression
 * work. Measured on 1 MiB chunks, compressed bytes against level 3 with the 6-byte minimum match
 * (FAST_LEVEL_MIN_MATCH), and compression CPU (medians of 7 interleaved rounds):
 * - PostgreSQL COPY rows (the benchmark's `events` table): 0.2212 against 0.2237 of the input
 *   (smaller), 3.6 against 5.0 ms/MiB;
 * - the repository benchmark's mixed data: 0.6050 against 0.6037 (stock `zstd -3`: 0.6064),
 *   2.3 against 3.3 ms/MiB; a whole 1 GiB backup used 10 % less CPU and stored the same 619 MB;
 * - JSON and JavaScript text: 5–8 % larger (0.2000 against 0.1851, 0.1882 against 0.1788), the
 *   price where long repeats two or more hashes apart are common.
 */
export const DEFAULT_ZSTD_LEVEL = 2;

/**
 * Shortest match the fast zstd levels (1–4, strategies `fast` and `dfast`) look for.
 *
 * zstd's own choice at levels 3 and 4 is 5 bytes. Database dumps are full of hexadecimal text
 * (bytea as `\x…`, md5 sums, UUIDs), where a 5-byte match two megabytes back is mostly chance
 * and costs more to encode than the literals it replaces. With 6, measured on 1 MiB pieces of a
 * `pg_dump -Z0` folder: 2.3 % smaller overall (hex-heavy tables 3–12 % smaller, a repetitive jsonb
 * table 22 % larger on a tiny base), 30 % less compression time; on JavaScript sources within
 * 0.4 %; on the repository benchmark's mixed data 0.4 % smaller and 20 % faster. An encoder
 * setting only: decoders never see it, so it is not part of the format.
 */
export const FAST_LEVEL_MIN_MATCH = 6;

/** The encoder parameters for a zstd `level` (also asks for the frame's content checksum, §5.2). */
export function zstdEncoderParameters(level: number): Record<number, number> {
  const parameters: Record<number, number> = { [constants.ZSTD_c_compressionLevel]: level, [constants.ZSTD_c_checksumFlag]: 1 };
  if (level >= 1 && level <= 4) parameters[constants.ZSTD_c_minMatch] = FAST_LEVEL_MIN_MATCH;
  return parameters;
}

/**
 * Compresses with zstd on the libuv thread pool (so several chunks compress in parallel on all
 * cores); keeps the raw bytes when zstd does not make them smaller.
 */
export async function compressChunk(data: Buffer, level = DEFAULT_ZSTD_LEVEL): Promise<{ flag: CompressionFlag; bytes: Buffer }> {
  if (data.length === 0) return { flag: COMPRESSION_NONE, bytes: data };
  // One output buffer big enough for the whole result: zlib's default 16 KiB would make a
  // thread-pool round trip (and a main-thread callback) per 16 KiB.
  const compressed = await compressAsync(data, { params: zstdEncoderParameters(level), chunkSize: data.length + 1024 });
  return compressed.length < data.length ? { flag: COMPRESSION_ZSTD, bytes: compressed } : { flag: COMPRESSION_NONE, bytes: data };
}

/** Undoes compressChunk; `expectedLength` bounds the output so a hostile frame cannot exhaust memory. */
export async function decompressChunk(flag: number, bytes: Buffer, expectedLength: number): Promise<Buffer> {
  if (flag === COMPRESSION_NONE) return bytes;
  if (flag !== COMPRESSION_ZSTD) throw new Error(`unknown compression ${flag}`);
  return decompressAsync(bytes, { maxOutputLength: Math.max(1, expectedLength), chunkSize: Math.max(64 * 1024, expectedLength) });
}
