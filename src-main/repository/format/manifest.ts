import { z } from 'zod';

const idSchema = z.string().regex(/^[0-9a-f]{64}$/);

/** Entry names: `/`-separated, no empty, `.` or `..` segment, no leading `/`, backslash or NUL (§10). */
export const entryNameSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine((name) => !name.includes('\\') && !name.includes('\0') && name.split('/').every((part) => part !== '' && part !== '.' && part !== '..'), {
    message: 'entry names are /-separated relative paths without empty, "." or ".." segments',
  });

const countsSchema = z.object({
  rows: z.number().int().nonnegative().optional(),
  documents: z.number().int().nonnegative().optional(),
});

const metadataSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

const gfsSchema = z.object({ daily: z.boolean(), weekly: z.boolean(), monthly: z.boolean(), yearly: z.boolean() });

export const manifestSchema = z.object({
  formatVersion: z.literal(1),
  time: z.iso.datetime(),
  resource: z.object({ id: z.string().min(1), name: z.string(), kind: z.string().min(1) }),
  policy: z.object({ id: z.string().min(1), name: z.string() }).optional(),
  gfs: gfsSchema,
  engine: z.object({ name: z.string().min(1), versions: z.record(z.string(), z.string()) }),
  entries: z.array(
    z.object({
      name: entryNameSchema,
      size: z.number().int().nonnegative(),
      chunks: z.array(idSchema),
      counts: countsSchema.optional(),
      metadata: metadataSchema.optional(),
    }),
  ),
  totals: z.object({
    size: z.number().int().nonnegative(),
    entryCount: z.number().int().nonnegative(),
    chunkCount: z.number().int().nonnegative(),
    newChunkCount: z.number().int().nonnegative(),
    newStoredBytes: z.number().int().nonnegative(),
  }),
  durationMs: z.number().nonnegative(),
  hostname: z.string().optional(),
  copiedFrom: z.object({ repositoryId: idSchema, restorePointId: idSchema }).optional(),
});

/** The JSON document of a restore point (§10). Key names are fixed forever. */
export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestEntry = Manifest['entries'][number];
export type GfsFlags = z.infer<typeof gfsSchema>;
export type EntryCounts = z.infer<typeof countsSchema>;
export type EntryMetadata = z.infer<typeof metadataSchema>;

/** Validates a decoded manifest; returns an error message when it does not match. */
export function parseManifest(document: unknown): Manifest | string {
  const parsed = manifestSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid manifest';
  }
  const names = new Set<string>();
  for (const entry of parsed.data.entries) {
    if (names.has(entry.name)) return `duplicate entry name ${entry.name}`;
    names.add(entry.name);
  }
  return parsed.data;
}
