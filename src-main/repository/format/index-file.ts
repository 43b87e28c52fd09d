import { z } from 'zod';
import type { PackBlob } from './pack.ts';

const idSchema = z.string().regex(/^[0-9a-f]{64}$/);

const indexFileSchema = z.object({
  formatVersion: z.literal(1),
  packs: z.array(
    z.object({
      packId: idSchema,
      size: z.number().int().nonnegative(),
      blobs: z.array(
        z.object({
          id: idSchema,
          offset: z.number().int().nonnegative(),
          storedLength: z.number().int().nonnegative(),
          rawLength: z.number().int().nonnegative(),
          compression: z.union([z.literal(0), z.literal(1)]),
        }),
      ),
    }),
  ),
  supersedes: z.array(idSchema),
});

/** The JSON document of an index file (§9). */
export type IndexFile = z.infer<typeof indexFileSchema>;

/** A pack as the index knows it. */
export interface IndexedPack {
  packId: string;
  size: number;
  blobs: PackBlob[];
}

export function newIndexFile(packs: readonly IndexedPack[], supersedes: readonly string[] = []): IndexFile {
  return {
    formatVersion: 1,
    packs: packs.map((pack) => ({ packId: pack.packId, size: pack.size, blobs: pack.blobs.map((blob) => ({ ...blob })) })),
    supersedes: [...supersedes],
  };
}

/** Validates a decoded index document; returns an error message when it does not match. */
export function parseIndexFile(document: unknown): IndexFile | string {
  const parsed = indexFileSchema.safeParse(document);
  return parsed.success ? parsed.data : (parsed.error.issues[0]?.message ?? 'invalid index file');
}
