import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { CorruptDataError, RepositoryError } from '../errors.ts';
import type { ScryptParams } from './crypto.ts';
import { AAD, deriveWrappingKey, open, seal, sha256Hex } from './crypto.ts';
import { CONFIG_FILE } from './ids.ts';

const keyFileSchema = z.object({
  formatVersion: z.literal(1),
  kdf: z.literal('scrypt'),
  scrypt: z.object({ n: z.number().int().min(2), r: z.number().int().min(1), p: z.number().int().min(1) }),
  salt: z.base64(),
  wrappedMasterKey: z.base64(),
  createdAt: z.iso.datetime(),
  /** The repository the key belongs to (written since 2026-12; older key files lack it). */
  repositoryId: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
});

/** A key file (§7): the master key wrapped by a password. */
export type KeyFile = z.infer<typeof keyFileSchema>;

function checksumOf(key: Omit<KeyFile, 'checksum'>): string {
  return sha256Hex(
    Buffer.from(
      JSON.stringify({
        formatVersion: key.formatVersion,
        kdf: key.kdf,
        scrypt: { n: key.scrypt.n, r: key.scrypt.r, p: key.scrypt.p },
        salt: key.salt,
        wrappedMasterKey: key.wrappedMasterKey,
        createdAt: key.createdAt,
        ...(key.repositoryId !== undefined ? { repositoryId: key.repositoryId } : {}),
      }),
    ),
  );
}

/** Wraps `masterKey` with `password` into a new key file. */
export async function createKeyFile(masterKey: Buffer, password: string, repositoryId: string, params: ScryptParams, now: Date): Promise<Buffer> {
  const salt = randomBytes(32);
  const wrappingKey = await deriveWrappingKey(password, salt, params);
  const body: Omit<KeyFile, 'checksum'> = {
    formatVersion: 1,
    kdf: 'scrypt',
    scrypt: { ...params },
    salt: salt.toString('base64'),
    wrappedMasterKey: seal(wrappingKey, masterKey, AAD.key(repositoryId)).toString('base64'),
    createdAt: now.toISOString(),
    repositoryId,
  };
  return Buffer.from(JSON.stringify({ ...body, checksum: checksumOf(body) }, null, 2) + '\n');
}

/**
 * Unwraps the master key of a stored key file. Throws CorruptDataError when the file is damaged
 * and a `wrong_password` RepositoryError when the password does not fit.
 */
export async function unwrapKeyFile(fileName: string, bytes: Buffer, password: string, repositoryId: string, onDerivation?: () => void): Promise<Buffer> {
  let parsed;
  try {
    parsed = keyFileSchema.safeParse(JSON.parse(bytes.toString('utf8')));
  } catch {
    throw new CorruptDataError(fileName, 'key file is not valid JSON');
  }
  if (!parsed.success) throw new CorruptDataError(fileName, 'key file does not match the format');
  const key = parsed.data;
  if (checksumOf(key) !== key.checksum) throw new CorruptDataError(fileName, 'key file checksum does not match (damaged)');
  // The key file is intact (its checksum holds), so a different id means the config's id was damaged:
  // without this, the authentication failure below would read as a wrong password.
  if (key.repositoryId !== undefined && key.repositoryId !== repositoryId) {
    throw new CorruptDataError(CONFIG_FILE, 'its repository id differs from the one its key files were made for');
  }
  const deriving = deriveWrappingKey(password, Buffer.from(key.salt, 'base64'), key.scrypt);
  onDerivation?.();
  const wrappingKey = await deriving;
  const masterKey = open(wrappingKey, Buffer.from(key.wrappedMasterKey, 'base64'), AAD.key(repositoryId));
  if (!masterKey || masterKey.length !== 32) throw new RepositoryError('wrong_password', 'Wrong password for this repository.');
  return masterKey;
}

/**
 * The scrypt parameters of a key file written before key files named their repository (so a damaged
 * config id would read as a wrong password); null for a current key file or one that does not parse.
 */
export function legacyKeyFileParams(bytes: Buffer): ScryptParams | null {
  try {
    const parsed = keyFileSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success && parsed.data.repositoryId === undefined ? parsed.data.scrypt : null;
  } catch {
    return null;
  }
}
