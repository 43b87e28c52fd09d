import { Readable } from 'node:stream';
import type { AccessTier, GetOptions, PutOptions, RepositoryStorage, StoredFileInfo } from './storage.ts';
import { StorageError, assertValidName, sliceRange } from './storage.ts';

interface MemoryFile {
  data: Buffer;
  lastModified: Date;
  tier: AccessTier;
}

/** A repository storage held in a Map; for unit tests and fault-injection tests. */
export class MemoryStorage implements RepositoryStorage {
  readonly description = 'memory';
  readonly files = new Map<string, MemoryFile>();

  async put(name: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    assertValidName(name);
    options?.signal?.throwIfAborted();
    if (!options?.overwrite && this.files.has(name)) throw new StorageError('already_exists', `${name} already exists`, name);
    // Copy: the caller may reuse its buffer, and a stored file must never change behind our back.
    this.files.set(name, { data: Buffer.from(data), lastModified: new Date(), tier: options?.tier ?? 'Hot' });
  }

  async get(name: string, options?: GetOptions): Promise<Buffer> {
    options?.signal?.throwIfAborted();
    const file = this.require(name);
    return Buffer.from(sliceRange(file.data, options));
  }

  async getStream(name: string, options?: GetOptions): Promise<Readable> {
    return Readable.from([await this.get(name, options)]);
  }

  async stat(name: string): Promise<StoredFileInfo | undefined> {
    const file = this.files.get(name);
    return file && { name, size: file.data.length, lastModified: file.lastModified, tier: file.tier };
  }

  async *list(prefix: string): AsyncIterable<StoredFileInfo> {
    for (const [name, file] of [...this.files]) {
      if (name.startsWith(prefix)) yield { name, size: file.data.length, lastModified: file.lastModified, tier: file.tier };
    }
  }

  async delete(name: string): Promise<boolean> {
    return this.files.delete(name);
  }

  async setTier(name: string, tier: AccessTier): Promise<void> {
    this.requireExisting(name).tier = tier;
  }

  private require(name: string): MemoryFile {
    const file = this.requireExisting(name);
    if (file.tier === 'Archive') throw new StorageError('archived', `${name} is in the Archive tier; rehydrate it first`, name);
    return file;
  }

  private requireExisting(name: string): MemoryFile {
    const file = this.files.get(name);
    if (!file) throw new StorageError('not_found', `${name} does not exist`, name);
    return file;
  }
}
