import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { AAD } from './format/crypto.ts';
import { packFileName } from './format/ids.ts';
import type { PackBlob } from './format/pack.ts';
import { encodePackHeader, packTrailer } from './format/pack.ts';
import type { RepositoryCrypto } from './format/repository-crypto.ts';
import type { SealedBlob } from './pack-io.ts';
import { finishPack } from './pack-io.ts';
import type { AccessTier, RepositoryStorage, StreamingUpload } from './storage/storage.ts';
import { isStorageError } from './storage/storage.ts';

/** Where a pack goes once complete. */
export interface PackDestination {
  storage: RepositoryStorage;
  crypto: RepositoryCrypto;
  signal: AbortSignal;
  tier?: AccessTier;
}

/**
 * A pack being filled (§8): blobs are laid end to end in the order `append` is called, then
 * `finish` adds the header and trailer and stores the pack under the hash of its bytes.
 *
 * `append` records the blob's place at once (so concurrent callers get consecutive offsets) and
 * returns a promise of when the blob's bytes are no longer needed by the builder.
 */
export interface PackBuilder {
  /** Blob bytes appended so far. */
  readonly bytes: number;
  readonly blobs: readonly PackBlob[];
  append(blob: SealedBlob): Promise<void>;
  /** Stores the pack; resolves to its id and size. `already_exists` counts as stored (same bytes). */
  finish(): Promise<{ packId: string; size: number }>;
  /** Gives up the pack: nothing of it is left in storage. */
  abort(): Promise<void>;
}

function blobLength(blob: SealedBlob): number {
  return blob.parts.reduce((sum, part) => sum + part.length, 0);
}

/** Stored under its name, or already there: the name is the hash of the bytes, so same bytes. */
async function tolerateExisting(store: () => Promise<void>): Promise<void> {
  try {
    await store();
  } catch (error) {
    if (!isStorageError(error, 'already_exists')) throw error;
  }
}

/**
 * Builds the pack in one buffer and stores it with `put` (backends that need the whole file, like
 * Azure Blob). The buffer comes from, and goes back to, the writer's pool through `release`.
 */
export class BufferedPackBuilder implements PackBuilder {
  readonly blobs: PackBlob[] = [];
  bytes = 0;
  private body: Buffer;
  private readonly destination: PackDestination;
  private readonly release: (body: Buffer) => void;

  constructor(body: Buffer, destination: PackDestination, release: (body: Buffer) => void) {
    this.body = body;
    this.destination = destination;
    this.release = release;
  }

  append(blob: SealedBlob): Promise<void> {
    const length = blobLength(blob);
    if (this.bytes + length > this.body.length) {
      // Only a copy from a repository with larger chunks brings a blob bigger than a pack buffer.
      const bigger = Buffer.allocUnsafeSlow(this.bytes + length + 64 * 1024);
      this.body.copy(bigger, 0, 0, this.bytes);
      this.body = bigger;
    }
    let offset = this.bytes;
    for (const part of blob.parts) offset += part.copy(this.body, offset);
    this.blobs.push({ id: blob.id, offset: this.bytes, storedLength: length, rawLength: blob.rawLength, compression: blob.compression });
    this.bytes += length;
    return Promise.resolve();
  }

  async finish(): Promise<{ packId: string; size: number }> {
    const { storage, crypto, signal, tier } = this.destination;
    const pack = await finishPack(crypto, this.body, this.bytes, this.blobs);
    try {
      await tolerateExisting(() => storage.put(packFileName(pack.packId), pack.bytes, { signal, tier }));
    } finally {
      this.release(pack.body);
    }
    return { packId: pack.packId, size: pack.bytes.length };
  }

  async abort(): Promise<void> {
    this.release(this.body);
  }
}

/**
 * Streams the pack into a storage upload as blobs arrive (local folders), so no pack is ever held
 * whole in memory: each pack buffer was 16 MiB of resident memory, three of them in flight. The
 * pack id is hashed as the bytes go (on this thread, which has time to spare during a backup).
 */
export class StreamedPackBuilder implements PackBuilder {
  readonly blobs: PackBlob[] = [];
  bytes = 0;
  private readonly destination: PackDestination;
  private readonly hash: Hash = createHash('sha256');
  private readonly upload: Promise<StreamingUpload>;
  /** The appends, chained so they reach the upload in offset order; a failure fails the rest. */
  private tail: Promise<unknown>;

  constructor(open: (signal: AbortSignal) => Promise<StreamingUpload>, destination: PackDestination) {
    this.destination = destination;
    this.upload = open(destination.signal);
    this.tail = this.upload;
    this.tail.catch(() => undefined); // awaited by append or finish
  }

  append(blob: SealedBlob): Promise<void> {
    const length = blobLength(blob);
    this.blobs.push({ id: blob.id, offset: this.bytes, storedLength: length, rawLength: blob.rawLength, compression: blob.compression });
    this.bytes += length;
    for (const part of blob.parts) this.hash.update(part);
    const appended = this.tail.then(async () => {
      const upload = await this.upload;
      for (const part of blob.parts) await upload.append(part);
    });
    this.tail = appended;
    return appended;
  }

  async finish(): Promise<{ packId: string; size: number }> {
    const { crypto, signal, tier } = this.destination;
    const header = crypto.seal(encodePackHeader(this.blobs), AAD.packHeader);
    const trailer = packTrailer(header.length);
    const packId = this.hash.update(header).update(trailer).digest('hex');
    try {
      await this.tail;
      const upload = await this.upload;
      await upload.append(header);
      await upload.append(trailer);
      await tolerateExisting(() => upload.commit(packFileName(packId), { signal, tier }));
    } catch (error) {
      await this.abort();
      throw error;
    }
    return { packId, size: this.bytes + header.length + trailer.length };
  }

  async abort(): Promise<void> {
    await this.tail.catch(() => undefined);
    const upload = await this.upload.catch(() => undefined);
    await upload?.abort();
  }
}
