import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;

/** Bytes AES-256-GCM adds to a plaintext: nonce and tag. */
export const ENCRYPTION_OVERHEAD = NONCE_LENGTH + TAG_LENGTH;

/** Associated data strings of the format (docs/repository-format.md §4.1). */
export const AAD = {
  packHeader: Buffer.from('cosmos-backup/v1/pack-header'),
  index: Buffer.from('cosmos-backup/v1/index'),
  manifest: Buffer.from('cosmos-backup/v1/manifest'),
  key: (repositoryId: string) => Buffer.from(`cosmos-backup/v1/key:${repositoryId}`),
};

/** Encrypts with AES-256-GCM: returns `nonce ‖ ciphertext ‖ tag`. */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const final = cipher.final();
  return Buffer.concat([nonce, body, final, cipher.getAuthTag()]);
}

/** Decrypts `nonce ‖ ciphertext ‖ tag`; returns undefined when authentication fails (never partial bytes). */
export function open(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Buffer | undefined {
  if (sealed.length < ENCRYPTION_OVERHEAD) return undefined;
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_LENGTH), { authTagLength: TAG_LENGTH });
  decipher.setAAD(aad);
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_LENGTH));
  try {
    const body = decipher.update(bytes.subarray(NONCE_LENGTH, bytes.length - TAG_LENGTH));
    const final = decipher.final();
    return final.length ? Buffer.concat([body, final]) : body;
  } catch {
    return undefined;
  }
}

/** The keys derived from the master key (§4.1). */
export interface RepositoryKeys {
  encryptionKey: Buffer;
  chunkIdKey: Buffer;
  configMacKey: Buffer;
  gearSeed: Buffer;
}

/** Derives the sub-keys from a 32-byte master key with HKDF-SHA-256. */
export function deriveKeys(masterKey: Uint8Array): RepositoryKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
  return {
    encryptionKey: derive('cosmos-backup/v1/encryption'),
    chunkIdKey: derive('cosmos-backup/v1/chunk-id'),
    configMacKey: derive('cosmos-backup/v1/config-mac'),
    gearSeed: derive('cosmos-backup/v1/chunker-gear'),
  };
}

/** scrypt cost parameters, stored in each key file. */
export interface ScryptParams {
  n: number;
  r: number;
  p: number;
}

/** Defaults of §4.1: about 32 MiB of memory and a fraction of a second per attempt. */
export const DEFAULT_SCRYPT: ScryptParams = { n: 32768, r: 8, p: 1 };

/** Derives the 32-byte key-wrapping key from a password. */
export function deriveWrappingKey(password: string, salt: Uint8Array, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, 32, { N: params.n, r: params.r, p: params.p, maxmem: 256 * params.n * params.r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** Constant-time comparison of two byte strings of any length. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
