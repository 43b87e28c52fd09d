import { createHash } from 'node:crypto';

/**
 * Deterministic test data for backups: 64 KiB blocks, every third one shared by all seeds (so backups
 * deduplicate against each other) and the rest unique to the seed. Poorly compressible, like dumps of
 * real rows after compression. `onPiece` sees every block (to hash what was produced).
 */
export async function* generatedDump(seed: string, size: number, onPiece?: (piece: Buffer) => void): AsyncGenerator<Buffer> {
  for (let offset = 0, block = 0; offset < size; block++) {
    const shared = block % 3 === 0;
    const piece = Buffer.alloc(Math.min(64 * 1024, size - offset));
    const key = shared ? `shared-${block}` : `${seed}-${block}`;
    for (let i = 0; i < piece.length; i += 32) createHash('sha256').update(`${key}:${i}`).digest().copy(piece, i);
    onPiece?.(piece);
    offset += piece.length;
    yield piece;
  }
}

/** The SHA-256 of `generatedDump(seed, size)`, computed without storing it. */
export async function generatedDumpSha256(seed: string, size: number): Promise<string> {
  const digest = createHash('sha256');
  for await (const piece of generatedDump(seed, size)) digest.update(piece);
  return digest.digest('hex');
}
