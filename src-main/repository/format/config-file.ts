import { z } from 'zod';
import { CorruptDataError, RepositoryError } from '../errors.ts';
import type { ChunkerParams } from './chunker.ts';

/** The format version this engine writes and the newest it reads (§17). */
export const FORMAT_VERSION = 1;

const idSchema = z.string().regex(/^[0-9a-f]{64}$/);

const configSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  repositoryId: idSchema,
  createdAt: z.iso.datetime(),
  encryption: z.enum(['aes-256-gcm', 'none']),
  chunker: z.object({
    algorithm: z.literal('fastcdc-gear-v1'),
    minSize: z.number().int().min(64),
    avgSize: z.number().int().min(64),
    maxSize: z.number().int().max(64 * 1024 * 1024),
  }),
  packSize: z.number().int().min(1024).max(64 * 1024 * 1024),
  configMac: idSchema.optional(),
});

/** The repository config (§6). */
export type RepositoryConfig = z.infer<typeof configSchema>;

/** Builds a config; `configMac` is added by the caller once the keys exist. */
export function newConfig(fields: { repositoryId: string; createdAt: Date; encrypted: boolean; chunker: ChunkerParams; packSize: number }): RepositoryConfig {
  return {
    formatVersion: FORMAT_VERSION,
    repositoryId: fields.repositoryId,
    createdAt: fields.createdAt.toISOString(),
    encryption: fields.encrypted ? 'aes-256-gcm' : 'none',
    chunker: { algorithm: 'fastcdc-gear-v1', ...fields.chunker },
    packSize: fields.packSize,
  };
}

/** The text the config MAC covers: the config without `configMac`, keys in spec order. */
export function canonicalConfig(config: RepositoryConfig): string {
  const { chunker } = config;
  return JSON.stringify({
    formatVersion: config.formatVersion,
    repositoryId: config.repositoryId,
    createdAt: config.createdAt,
    encryption: config.encryption,
    chunker: { algorithm: chunker.algorithm, minSize: chunker.minSize, avgSize: chunker.avgSize, maxSize: chunker.maxSize },
    packSize: config.packSize,
  });
}

export function serializeConfig(config: RepositoryConfig): Buffer {
  return Buffer.from(JSON.stringify(config, null, 2) + '\n');
}

/**
 * Parses a stored config. Refuses newer format versions with a clear message before anything else,
 * so an old engine never touches a newer repository.
 */
export function parseConfig(bytes: Buffer): RepositoryConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new CorruptDataError('config', 'is not valid JSON');
  }
  const version = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > FORMAT_VERSION) {
    throw new RepositoryError(
      'format_too_new',
      `Repository format version ${version} is newer than this version of Cosmos Backup supports (${FORMAT_VERSION}); upgrade Cosmos Backup.`,
      { formatVersion: version, supported: FORMAT_VERSION },
    );
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new CorruptDataError('config', `does not match the format: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const { chunker } = parsed.data;
  if (!(chunker.minSize <= chunker.avgSize && chunker.avgSize <= chunker.maxSize)) throw new CorruptDataError('config', 'has inconsistent chunker sizes');
  return parsed.data;
}
