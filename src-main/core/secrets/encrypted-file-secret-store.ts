import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { z } from 'zod';
import { AppError } from '../../shared/errors.ts';
import type { DataKeyProvider, SecretStore } from './secret-store.ts';

const fileSchema = z.object({
  version: z.literal(1),
  entries: z.record(z.string(), z.object({ iv: z.string(), tag: z.string(), data: z.string() })),
});
type SecretsFile = z.infer<typeof fileSchema>;

/**
 * Secrets in one file, each value sealed with AES-256-GCM under a data key from a
 * `DataKeyProvider` (a user-only key file headless, Electron safeStorage on the desktop). The ref is
 * the GCM associated data, so a value cannot be moved to another ref. Writes are atomic.
 */
export class EncryptedFileSecretStore implements SecretStore {
  readonly description: string;
  private readonly file: string;
  private readonly keys: DataKeyProvider;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(file: string, keys: DataKeyProvider) {
    this.file = file;
    this.keys = keys;
    this.description = `encrypted file (${keys.description})`;
  }

  async get(ref: string): Promise<string | undefined> {
    const entry = (await this.read()).entries[ref];
    if (!entry) return undefined;
    const key = await this.keys.loadOrCreateKey();
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(entry.iv, 'base64'));
      decipher.setAAD(Buffer.from(ref));
      decipher.setAuthTag(Buffer.from(entry.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(entry.data, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new AppError('forbidden', `The stored secret "${ref}" cannot be decrypted: the secret key changed or the file was altered.`);
    }
  }

  set(ref: string, value: string): Promise<void> {
    return this.serialize(async () => {
      const key = await this.keys.loadOrCreateKey();
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(ref));
      const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
      const file = await this.read();
      file.entries[ref] = { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
      await this.write(file);
    });
  }

  delete(ref: string): Promise<void> {
    return this.serialize(async () => {
      const file = await this.read();
      if (!(ref in file.entries)) return;
      delete file.entries[ref];
      await this.write(file);
    });
  }

  private serialize(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async read(): Promise<SecretsFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, entries: {} };
      throw error;
    }
    const parsed = fileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new AppError('config_db_corrupt', `The secrets file ${this.file} is damaged; it was left untouched.`);
    return parsed.data;
  }

  private async write(file: SecretsFile): Promise<void> {
    const temp = `${this.file}.${process.pid}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(file));
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, this.file);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }
}
