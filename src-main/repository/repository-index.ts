import { CorruptDataError, throwIfAborted } from './errors.ts';
import { AAD } from './format/crypto.ts';
import { decodeEnvelope, encodeEnvelope } from './format/envelope.ts';
import { PREFIX, idFromFileName, indexFileName } from './format/ids.ts';
import type { IndexedPack } from './format/index-file.ts';
import { newIndexFile, parseIndexFile } from './format/index-file.ts';
import type { PackBlob } from './format/pack.ts';
import type { RepositoryCrypto } from './format/repository-crypto.ts';
import type { RepositoryLogger } from './operation.ts';
import { readPackHeader } from './pack-io.ts';
import type { RepositoryStorage } from './storage/storage.ts';

/** Where a chunk is stored. */
export interface BlobLocation extends PackBlob {
  packId: string;
}

/** An index file that could not be used, and why. */
export interface DamagedFile {
  file: string;
  message: string;
}

/**
 * The in-memory union of every readable index file: chunk id → location, pack id → blobs.
 * Damaged index files are skipped and reported, never trusted.
 */
export class RepositoryIndex {
  /** Every known location of each chunk, in the order they were added (the first is the preferred one). */
  private readonly blobs = new Map<string, BlobLocation[]>();
  readonly packs = new Map<string, IndexedPack>();
  /** Ids of the index files loaded. */
  readonly indexFiles = new Set<string>();
  readonly damaged: DamagedFile[] = [];

  /** Loads every index file of the repository. */
  static async load(storage: RepositoryStorage, crypto: RepositoryCrypto, signal?: AbortSignal): Promise<RepositoryIndex> {
    const index = new RepositoryIndex();
    const names: string[] = [];
    for await (const file of storage.list(PREFIX.index, signal)) names.push(file.name);
    for (const name of names) {
      throwIfAborted(signal);
      const id = idFromFileName(name);
      if (!id) continue;
      try {
        const document = await decodeEnvelope(crypto, name, id, await storage.get(name, { signal }), AAD.index);
        const parsed = parseIndexFile(document);
        if (typeof parsed === 'string') throw new CorruptDataError(name, `index does not match the format: ${parsed}`);
        for (const pack of parsed.packs) index.addPack(pack);
        index.indexFiles.add(id);
      } catch (error) {
        if (!(error instanceof CorruptDataError)) throw error;
        index.damaged.push({ file: name, message: error.message });
      }
    }
    return index;
  }

  /**
   * Adds a pack and its blobs. A blob already known from another pack keeps its earlier location
   * as the preferred one (`get`), and the new one is remembered too (`locations`): a duplicate is
   * the only good copy when the first pack is lost or damaged.
   */
  addPack(pack: IndexedPack): void {
    if (this.packs.has(pack.packId)) return;
    this.packs.set(pack.packId, pack);
    for (const blob of pack.blobs) {
      const location = { ...blob, packId: pack.packId };
      const known = this.blobs.get(blob.id);
      if (!known) this.blobs.set(blob.id, [location]);
      else known.push(location);
    }
  }

  has(chunkId: string): boolean {
    return this.blobs.has(chunkId);
  }

  /** The preferred location of a chunk (the first one added). */
  get(chunkId: string): BlobLocation | undefined {
    return this.blobs.get(chunkId)?.[0];
  }

  /** Every known location of a chunk, preferred first; empty when the chunk is unknown. */
  locations(chunkId: string): readonly BlobLocation[] {
    return this.blobs.get(chunkId) ?? [];
  }

  get blobCount(): number {
    return this.blobs.size;
  }

  /** Writes an index file for `packs` (create-only) and returns its id. */
  static async write(storage: RepositoryStorage, crypto: RepositoryCrypto, packs: readonly IndexedPack[], supersedes: readonly string[], signal?: AbortSignal): Promise<string> {
    const { id, bytes } = await encodeEnvelope(crypto, AAD.index, newIndexFile(packs, supersedes));
    await storage.put(indexFileName(id), bytes, { signal });
    return id;
  }
}

/**
 * Adds to `index` the packs no readable index file names (left by a crashed or concurrent backup, or
 * listed by a damaged index file): a pack whose header verifies joins the index; one that does not is
 * logged and ignored. Archived packs are skipped (their headers cannot be read). Returns the adopted.
 */
export async function adoptUnindexedPacks(storage: RepositoryStorage, crypto: RepositoryCrypto, index: RepositoryIndex, logger: RepositoryLogger, signal?: AbortSignal): Promise<IndexedPack[]> {
  const adopted: IndexedPack[] = [];
  for await (const file of storage.list(PREFIX.data, signal)) {
    const packId = idFromFileName(file.name);
    if (!packId || index.packs.has(packId) || file.tier === 'Archive') continue;
    throwIfAborted(signal);
    try {
      const pack = { packId, size: file.size, blobs: await readPackHeader(storage, crypto, packId, file.size, signal) };
      index.addPack(pack);
      adopted.push(pack);
    } catch (error) {
      if (!(error instanceof CorruptDataError)) throw error;
      logger.warn(`Ignoring unindexed pack ${file.name}: ${error.message}`);
    }
  }
  return adopted;
}
