import { randomBytes } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import { AppError } from '../../shared/errors.ts';
import type { DataKeyProvider } from './secret-store.ts';

/**
 * The headless data key: 32 random bytes in a file only its owner may read (mode 0600). A key file
 * that others can read is refused rather than used, because then the secrets are not secret.
 */
export class KeyFileProvider implements DataKeyProvider {
  readonly description = 'user-only key file';
  private readonly path: string;
  private key: Buffer | null = null;

  constructor(path: string) {
    this.path = path;
  }

  async loadOrCreateKey(): Promise<Buffer> {
    if (this.key) return this.key;
    try {
      const info = await stat(this.path);
      if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
        throw new AppError('forbidden', `The secret key file ${this.path} is readable by other users (mode ${(info.mode & 0o777).toString(8)}). Run: chmod 600 ${this.path}`);
      }
      const key = await readFile(this.path);
      if (key.length !== 32) throw new AppError('config_db_corrupt', `The secret key file ${this.path} is damaged (wrong length).`);
      this.key = key;
      return key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const key = randomBytes(32);
    // 'wx': never overwrite a key another process created meanwhile.
    const handle = await open(this.path, 'wx', 0o600).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return null;
      throw error;
    });
    if (!handle) return this.loadOrCreateKey();
    try {
      await handle.writeFile(key);
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.key = key;
    return key;
  }
}
