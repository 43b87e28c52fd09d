import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, link, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { AccessTier, GetOptions, PutOptions, RepositoryStorage, StoredFileInfo, StreamingUpload } from './storage.ts';
import { StorageError, assertValidName } from './storage.ts';

/** Folders of the backend's own bookkeeping; never listed as repository files. */
const TEMP_DIR = '.tmp';
const META_DIR = '.meta';

/**
 * A repository in a local folder.
 *
 * Writes are atomic and durable: the bytes go to a temporary file (all at once, or appended piece
 * by piece through `openUpload`) that is fsynced, then hard-linked (create-only) or renamed
 * (overwrite) into place, then the directory is fsynced. Tiers are metadata
 * kept under `.meta/tiers/`, and archived files refuse reads like Azure does.
 */
export class LocalFolderStorage implements RepositoryStorage {
  readonly root: string;
  readonly description: string;

  constructor(root: string) {
    this.root = root;
    this.description = `local folder ${root}`;
  }

  async put(name: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    assertValidName(name);
    options?.signal?.throwIfAborted();
    const temp = this.newTempPath();
    await withFsErrors(name, async () => {
      await mkdir(dirname(temp), { recursive: true });
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(data);
        await handle.sync();
      } catch (error) {
        // A full disk, say: leave no partial temporary file behind.
        await handle.close().catch(() => undefined);
        await rm(temp, { force: true });
        throw error;
      }
      await handle.close();
      await this.publish(temp, name, options);
    });
  }

  /** A temporary file appended to as the bytes come, published by `commit` like `put` does. */
  async openUpload(signal?: AbortSignal): Promise<StreamingUpload> {
    signal?.throwIfAborted();
    const temp = this.newTempPath();
    const handle = await withFsErrors(TEMP_DIR, async () => {
      await mkdir(dirname(temp), { recursive: true });
      return open(temp, 'wx');
    });
    let isOpen = true;
    const close = async () => {
      if (!isOpen) return;
      isOpen = false;
      await handle.close();
    };
    return {
      append: (bytes) =>
        withFsErrors(TEMP_DIR, async () => {
          signal?.throwIfAborted();
          for (let written = 0; written < bytes.length; ) written += (await handle.write(bytes, written, bytes.length - written)).bytesWritten;
        }),
      commit: (name, options) =>
        withFsErrors(name, async () => {
          assertValidName(name);
          options?.signal?.throwIfAborted();
          try {
            await handle.sync();
          } finally {
            await close();
          }
          await this.publish(temp, name, options);
        }),
      abort: async () => {
        await close().catch(() => undefined);
        await rm(temp, { force: true });
      },
    };
  }

  async removeAbandonedUploads(olderThanMs: number, signal?: AbortSignal): Promise<number> {
    const folder = join(this.root, TEMP_DIR);
    const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw toStorageError(TEMP_DIR, error);
    });
    let removed = 0;
    for (const name of names) {
      signal?.throwIfAborted();
      const path = join(folder, name);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile() || Date.now() - info.mtimeMs < olderThanMs) continue;
      await rm(path, { force: true });
      removed++;
    }
    return removed;
  }

  async temporaryFiles(signal?: AbortSignal): Promise<{ count: number; bytes: number }> {
    const folder = join(this.root, TEMP_DIR);
    const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw toStorageError(TEMP_DIR, error);
    });
    let count = 0;
    let bytes = 0;
    for (const name of names) {
      signal?.throwIfAborted();
      const info = await stat(join(folder, name)).catch(() => undefined);
      if (!info?.isFile()) continue;
      count++;
      bytes += info.size;
    }
    return { count, bytes };
  }

  private newTempPath(): string {
    return join(this.root, TEMP_DIR, `${randomBytes(12).toString('hex')}.tmp`);
  }

  /** Moves a complete, fsynced temporary file into place (create-only unless overwrite), durably. */
  private async publish(temp: string, name: string, options?: PutOptions): Promise<void> {
    const target = this.pathOf(name);
    try {
      await mkdir(dirname(target), { recursive: true });
      if (options?.overwrite) {
        await rename(temp, target);
      } else {
        // link() fails with EEXIST when the target exists: an atomic create-only publish.
        await link(temp, target);
      }
    } finally {
      await rm(temp, { force: true });
    }
    await syncDirectory(dirname(target));
    await this.writeTier(name, options?.tier);
  }

  async get(name: string, options?: GetOptions): Promise<Buffer> {
    options?.signal?.throwIfAborted();
    await this.refuseArchived(name);
    return withFsErrors(name, async () => {
      const path = this.pathOf(name);
      if (options?.offset === undefined && options?.length === undefined) return readFile(path);
      const handle = await open(path, 'r');
      try {
        const size = (await handle.stat()).size;
        const offset = options.offset ?? 0;
        if (offset > size) throw new StorageError('permanent', `Range start ${offset} outside ${name} (${size} bytes)`, name);
        const length = Math.min(options.length ?? size - offset, size - offset);
        const buffer = Buffer.allocUnsafe(length);
        let read = 0;
        while (read < length) {
          const { bytesRead } = await handle.read(buffer, read, length - read, offset + read);
          if (bytesRead === 0) break;
          read += bytesRead;
        }
        return buffer.subarray(0, read);
      } finally {
        await handle.close();
      }
    });
  }

  async getStream(name: string, options?: GetOptions): Promise<Readable> {
    await this.refuseArchived(name);
    const info = await this.stat(name);
    if (!info) throw new StorageError('not_found', `${name} does not exist`, name);
    const start = options?.offset ?? 0;
    const end = options?.length === undefined ? undefined : start + options.length - 1;
    return createReadStream(this.pathOf(name), { start, end, signal: options?.signal });
  }

  async stat(name: string): Promise<StoredFileInfo | undefined> {
    assertValidName(name);
    try {
      const info = await stat(this.pathOf(name));
      return { name, size: info.size, lastModified: info.mtime, tier: await this.readTier(name) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw toStorageError(name, error);
    }
  }

  async *list(prefix: string): AsyncIterable<StoredFileInfo> {
    const slash = prefix.lastIndexOf('/');
    const baseName = slash < 0 ? '' : prefix.slice(0, slash);
    for await (const name of this.walk(baseName)) {
      if (!name.startsWith(prefix)) continue;
      const info = await this.stat(name);
      if (info) yield info;
    }
  }

  async delete(name: string): Promise<boolean> {
    assertValidName(name);
    return withFsErrors(name, async () => {
      try {
        await unlink(this.pathOf(name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
      await rm(this.tierPath(name), { force: true });
      return true;
    });
  }

  async setTier(name: string, tier: AccessTier): Promise<void> {
    if (!(await this.stat(name))) throw new StorageError('not_found', `${name} does not exist`, name);
    await withFsErrors(name, () => this.writeTier(name, tier));
  }

  private async *walk(relativeDir: string): AsyncIterable<string> {
    let dirents;
    try {
      dirents = await readdir(relativeDir ? this.pathOf(relativeDir) : this.root, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw toStorageError(relativeDir, error);
    }
    for (const dirent of dirents) {
      if (!relativeDir && (dirent.name === TEMP_DIR || dirent.name === META_DIR)) continue;
      const child = relativeDir ? `${relativeDir}/${dirent.name}` : dirent.name;
      if (dirent.isDirectory()) yield* this.walk(child);
      else if (dirent.isFile()) yield child;
    }
  }

  private pathOf(name: string): string {
    return join(this.root, ...name.split('/'));
  }

  private tierPath(name: string): string {
    return join(this.root, META_DIR, 'tiers', ...name.split('/'));
  }

  private async readTier(name: string): Promise<AccessTier> {
    try {
      return (await readFile(this.tierPath(name), 'utf8')) as AccessTier;
    } catch {
      return 'Hot';
    }
  }

  private async writeTier(name: string, tier: AccessTier | undefined): Promise<void> {
    const path = this.tierPath(name);
    if (tier === undefined || tier === 'Hot') {
      await rm(path, { force: true });
      return;
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, tier);
  }

  private async refuseArchived(name: string): Promise<void> {
    assertValidName(name);
    if ((await this.readTier(name)) === 'Archive') {
      throw new StorageError('archived', `${name} is in the Archive tier; rehydrate it first`, name);
    }
  }
}

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function withFsErrors<T>(name: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw toStorageError(name, error);
  }
}

const TRANSIENT_FS_CODES = new Set(['EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE', 'EIO', 'ETIMEDOUT']);

function toStorageError(name: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const path = `${name}`.split('/').join(sep);
  if (code === 'ENOENT') return new StorageError('not_found', `${name} does not exist`, name, { cause: error });
  if (code === 'EEXIST') return new StorageError('already_exists', `${name} already exists`, name, { cause: error });
  if (code === 'ABORT_ERR') return new StorageError('aborted', `Reading ${name} was canceled`, name, { cause: error });
  // The conditions a user fixes on the machine, said as such (the operation above says what was kept).
  if (code === 'ENOSPC' || code === 'EDQUOT') return new StorageError('permanent', `The repository's disk is full (${code} while writing ${name}): free some space, then try again.`, name, { cause: error });
  if (code === 'EROFS') return new StorageError('permanent', `The repository's file system is read-only (while writing ${name}): make it writable, then try again.`, name, { cause: error });
  const kind = TRANSIENT_FS_CODES.has(code) ? 'transient' : 'permanent';
  return new StorageError(kind, `File system error on ${path}: ${(error as Error).message}`, name, { cause: error });
}
