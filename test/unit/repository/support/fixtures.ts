import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { InitOptions } from '../../../../src-main/repository/repository.ts';
import type { RepositoryLogger } from '../../../../src-main/repository/operation.ts';

/** Small chunks and packs so a few hundred KiB exercise many chunks and several packs. */
export const SMALL_FORMAT = {
  chunker: { minSize: 8 * 1024, avgSize: 32 * 1024, maxSize: 128 * 1024 },
  packSize: 128 * 1024,
  scrypt: { n: 1024, r: 8, p: 1 },
} satisfies Partial<InitOptions>;

export const PASSWORD = 'correct horse battery staple';

/** Deterministic bytes: `size` bytes from a seed, half compressible text, half pseudo-random. */
export function testData(size: number, seed: string): Buffer {
  const out = Buffer.alloc(size);
  let counter = 0;
  let position = 0;
  while (position < size) {
    const block = createHash('sha256').update(`${seed}:${counter++}`).digest();
    if (counter % 2 === 0) {
      const text = Buffer.from(`row ${counter} ${seed} lorem ipsum dolor sit amet ${counter % 97}\n`);
      position += text.copy(out, position);
    } else {
      position += block.copy(out, position);
    }
  }
  return out;
}

export async function readAll(stream: Readable | AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** A logger that records lines, to assert on warnings and to prove secrets never reach logs. */
export function recordingLogger(): RepositoryLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
}

export const RESOURCE = { id: '/subscriptions/s/resourceGroups/g/providers/x/servers/pg1', name: 'pg1', kind: 'postgresql' };
export const ENGINE = { name: 'postgres', versions: { pg_dump: '15.8' } };
