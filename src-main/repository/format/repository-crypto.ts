import { randomBytes, webcrypto } from 'node:crypto';
import { PUBLIC_GEAR_SEED, gearTable } from './chunker.ts';
import { deriveKeys, hmacSha256, open, seal, sha256 } from './crypto.ts';
import type { RepositoryKeys } from './crypto.ts';

/**
 * Everything the engine does with keys, for an encrypted repository or an unencrypted one
 * (where sealing is the identity and ids are plain SHA-256).
 */
export class RepositoryCrypto {
  readonly encrypted: boolean;
  readonly gear: Int32Array;
  private readonly keys: RepositoryKeys | undefined;
  private hmacKey: Promise<webcrypto.CryptoKey> | undefined;
  private gcmKey: Promise<webcrypto.CryptoKey> | undefined;

  private constructor(keys: RepositoryKeys | undefined) {
    this.keys = keys;
    this.encrypted = keys !== undefined;
    this.gear = gearTable(keys ? keys.gearSeed : PUBLIC_GEAR_SEED);
  }

  static unencrypted(): RepositoryCrypto {
    return new RepositoryCrypto(undefined);
  }

  static fromMasterKey(masterKey: Uint8Array): RepositoryCrypto {
    return new RepositoryCrypto(deriveKeys(masterKey));
  }

  /** The id of a plaintext chunk: keyed HMAC when encrypted, SHA-256 otherwise (hex). */
  chunkId(chunk: Uint8Array): string {
    return (this.keys ? hmacSha256(this.keys.chunkIdKey, chunk) : sha256(chunk)).toString('hex');
  }

  /**
   * Same as chunkId, computed on the libuv thread pool (WebCrypto) so that hashing runs on another
   * core than chunking.
   */
  async chunkIdAsync(chunk: Uint8Array): Promise<string> {
    if (!this.keys) return Buffer.from(await webcrypto.subtle.digest('SHA-256', chunk)).toString('hex');
    this.hmacKey ??= webcrypto.subtle.importKey('raw', this.keys.chunkIdKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return Buffer.from(await webcrypto.subtle.sign('HMAC', await this.hmacKey, chunk)).toString('hex');
  }

  /** Encrypts (or passes through when unencrypted). */
  seal(plaintext: Buffer, aad: Uint8Array): Buffer {
    return this.keys ? seal(this.keys.encryptionKey, plaintext, aad) : plaintext;
  }

  /**
   * Same bytes as `seal` (`nonce ‖ ciphertext ‖ tag`), encrypted on the libuv thread pool so the
   * main thread stays free; returned as two parts so the caller copies them straight into a pack
   * instead of concatenating first.
   */
  async sealParts(plaintext: Buffer, aad: Uint8Array): Promise<Buffer[]> {
    if (!this.keys) return [plaintext];
    const nonce = randomBytes(12);
    const body = await webcrypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 }, await this.aesGcmKey(), plaintext);
    return [nonce, Buffer.from(body)];
  }

  /** Same as `open`, decrypting on the libuv thread pool. */
  async openAsync(sealed: Buffer, aad: Uint8Array): Promise<Buffer | undefined> {
    if (!this.keys) return sealed;
    if (sealed.length < 28) return undefined;
    try {
      const iv = sealed.subarray(0, 12);
      return Buffer.from(await webcrypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, await this.aesGcmKey(), sealed.subarray(12)));
    } catch {
      return undefined; // authentication failed (WebCrypto's OperationError)
    }
  }

  private aesGcmKey(): Promise<webcrypto.CryptoKey> {
    this.gcmKey ??= webcrypto.subtle.importKey('raw', this.keys!.encryptionKey, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
    return this.gcmKey;
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
