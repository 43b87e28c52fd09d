import type { SafeStorage } from 'electron';
import { randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import type { DataKeyProvider } from '../core/secrets/secret-store.ts';

/**
 * The desktop data key: random bytes wrapped by Electron's safeStorage (the OS keychain / DPAPI /
 * libsecret), so the key file on disk is useless without the user's OS login.
 */
export class SafeStorageKeyProvider implements DataKeyProvider {
  readonly description = 'Electron safeStorage';
  private readonly path: string;
  private readonly safeStorage: SafeStorage;
  private key: Buffer | null = null;

  constructor(path: string, safeStorage: SafeStorage) {
    this.path = path;
    this.safeStorage = safeStorage;
  }

  async loadOrCreateKey(): Promise<Buffer> {
    if (this.key) return this.key;
    if (!this.safeStorage.isEncryptionAvailable()) throw new Error('The operating system offers no secure storage for secrets.');
    try {
      const wrapped = await readFile(this.path);
      this.key = Buffer.from(this.safeStorage.decryptString(wrapped), 'base64');
      return this.key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const key = randomBytes(32);
    const handle = await open(this.path, 'wx', 0o600);
    try {
      await handle.writeFile(this.safeStorage.encryptString(key.toString('base64')));
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.key = key;
    return key;
  }
}
