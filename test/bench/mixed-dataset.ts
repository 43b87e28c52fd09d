// The benchmarks' generated input (issue 3): alternating 4 MiB segments of table-like text and of
// random bytes, so neither compression nor deduplication can hide the work.
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';

const SEGMENT = 4 * 1024 * 1024;

/** CSV-like rows with varying numbers: compresses roughly 3-5x with zstd -3, like a table dump. */
function textSegment(segment: number): Buffer {
  const rows: string[] = [];
  let length = 0;
  for (let row = 0; length < SEGMENT; row++) {
    const id = segment * 100_000 + row;
    const line = `${id},customer-${(id * 7919) % 100_003},${['Paris', 'Oslo', 'Lima', 'Kyiv', 'Pune'][id % 5]},2024-${String((id % 12) + 1).padStart(2, '0')}-${String((id % 28) + 1).padStart(2, '0')},${((id * 31) % 100_000) / 100},${id % 3 === 0 ? 'active' : 'closed'}\n`;
    rows.push(line);
    length += line.length;
  }
  return Buffer.from(rows.join('')).subarray(0, SEGMENT);
}

/** Writes `size` bytes of the mixed dataset to `path`. */
export async function generateMixedDataset(path: string, size: number): Promise<void> {
  const handle = await open(path, 'w');
  try {
    for (let offset = 0, segment = 0; offset < size; offset += SEGMENT, segment++) {
      const bytes = segment % 2 === 0 ? textSegment(segment) : randomBytes(SEGMENT);
      await handle.write(bytes, 0, Math.min(SEGMENT, size - offset), offset);
    }
  } finally {
    await handle.close();
  }
}
