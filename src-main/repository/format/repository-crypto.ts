import { BlobCodecPool } from '../codec/blob-codec-pool.ts';
import { PUBLIC_GEAR_SEED, gearTable } from './chunker.ts';
import { deriveKeys, hmacSha256, open, seal } from './crypto.ts';
import type { RepositoryKeys } from './crypto.ts';

/**
 * Everything the engine does with keys, for an encrypted repository or an unencrypted one
 * (where sealing is the identity and ids are plain SHA-256).
 */
export class RepositoryCrypto {
  readonly encrypted: boolean;
  readonly gear: Int32Array;
  /** Seals and opens data blobs on worker threads (started on first use, stopped when idle). */
  readonly codec: BlobCodecPool;
  private readonly keys: RepositoryKeys | undefined;

  private constructor(keys: RepositoryKeys | undefined) {
    this.keys = keys;
    this.encrypted = keys !== undefined;
    this.gear = gearTable(keys ? keys.gearSeed : PUBLIC_GEAR_SEED);
    this.codec = new BlobCodecPool(keys ? { encryptionKey: keys.encryptionKey, chunkIdKey: keys.chunkIdKey } : undefined);
  }

  static unencrypted(): RepositoryCrypto {
    return new RepositoryCrypto(undefined);
  }

  static fromMasterKey(masterKey: Uint8Array): RepositoryCrypto {
    return new RepositoryCrypto(deriveKeys(masterKey));
  }

  /** Encrypts (or passes through when unencrypted). */
  seal(plaintext: Buffer, aad: Uint8Array): Buffer {
    return this.keys ? seal(this.keys.encryptionKey, plaintext, aad) : plaintext;
  }

  /** Decrypts and authenticates; undefined when authentication fails. */
  open(sealed: Buffer, aad: Uint8Array): Buffer | undefined {
    return this.keys ? open(this.keys.encryptionKey, sealed, aad) : sealed;
  }

  /** HMAC of the canonical config text, or undefined when unencrypted. */
  configMac(canonicalConfig: string): string | undefined {
    return this.keys ? hmacSha256(this.keys.configMacKey, Buffer.from(canonicalConfig)).toString('hex') : undefined;
  }
}
