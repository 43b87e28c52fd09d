import type { Readable } from 'node:stream';

/** Azure access tiers; the local and in-memory backends keep the tier as metadata. */
export type AccessTier = 'Hot' | 'Cool' | 'Cold' | 'Archive';

/** What a backend knows about one stored file. */
export interface StoredFileInfo {
  /** Name relative to the repository root, `/`-separated (e.g. `data/ab/ab12…`). */
  name: string;
  size: number;
  lastModified: Date;
  tier?: AccessTier;
  /** Set while an archived file is being rehydrated (e.g. `rehydrate-pending-to-hot`). */
  archiveStatus?: string;
}

export interface PutOptions {
  /** false (the default): fail with `already_exists` when the name exists. Immutable files never overwrite. */
  overwrite?: boolean;
  /** Tier to store the file in (backends without tiers record it as metadata). */
  tier?: AccessTier;
  signal?: AbortSignal;
}

export interface GetOptions {
  /** First byte to read; default 0. */
  offset?: number;
  /** Bytes to read from `offset`; default: to the end. */
  length?: number;
  signal?: AbortSignal;
}

/**
 * A file written in pieces and named once complete (RepositoryStorage.openUpload): nothing is
 * visible under any name until `commit`, which publishes it as atomically as `put` would.
 */
export interface StreamingUpload {
  /** Appends bytes to the upload; one call at a time, in order. */
  append(bytes: Uint8Array): Promise<void>;
  /** Makes the bytes durable under `name` with `put`'s semantics (create-only unless `overwrite`). */
  commit(name: string, options?: PutOptions): Promise<void>;
  /** Discards the upload; safe after a failed append or commit, and more than once. */
  abort(): Promise<void>;
}

/**
 * The one interface every repository backend implements (local folder, Azure Blob, memory).
 *
 * Contract:
 * - Names are `/`-separated, relative, without `..`; a backend maps them to its own namespace.
 * - `put` is atomic: a reader sees either no file or the whole file, never a part.
 * - Errors are `StorageError`s: `not_found`, `already_exists`, `archived` and `permanent` are final,
 *   `transient` may succeed when retried (the retrying wrapper does that).
 * - Files in the Archive tier cannot be read (`archived`) until `setTier` rehydrates them.
 */
export interface RepositoryStorage {
  /** Where this storage is, for logs; never contains a secret. */
  readonly description: string;
  put(name: string, data: Uint8Array, options?: PutOptions): Promise<void>;
  /**
   * The whole file, or a range of it, in a fresh buffer the caller owns: the engine hands it to a
   * worker thread without copying.
   */
  get(name: string, options?: GetOptions): Promise<Buffer>;
  /** A stream of the file (or a range); errors after the stream started are emitted on it. */
  getStream(name: string, options?: GetOptions): Promise<Readable>;
  /** File info, or undefined when it does not exist. */
  stat(name: string, signal?: AbortSignal): Promise<StoredFileInfo | undefined>;
  /** Every file whose name starts with `prefix`, in no particular order. */
  list(prefix: string, signal?: AbortSignal): AsyncIterable<StoredFileInfo>;
  /** Deletes a file; returns false when it did not exist. */
  delete(name: string, signal?: AbortSignal): Promise<boolean>;
  /** Changes the access tier; moving an archived file online starts its rehydration. */
  setTier(name: string, tier: AccessTier, options?: { priority?: 'Standard' | 'High'; signal?: AbortSignal }): Promise<void>;
  /**
   * Optional: starts a file written in pieces, for writers that should not hold a whole file in
   * memory (the backup writer's packs). Backends where a file's name must be known before its
   * bytes are sent efficiently (Azure Blob) leave it out, and writers fall back to `put`.
   */
  openUpload?(signal?: AbortSignal): Promise<StreamingUpload>;
  /**
   * Optional, with `openUpload`: deletes uploads (and other temporary files) a crashed writer
   * left, untouched for at least `olderThanMs`; returns how many. Prune calls it under its
   * exclusive lock, when no backup of this repository can be writing.
   */
  removeAbandonedUploads?(olderThanMs: number, signal?: AbortSignal): Promise<number>;
  /** Optional, with `openUpload`: how many temporary files there are and their bytes (leftovers of crashed writers, or live uploads). */
  temporaryFiles?(signal?: AbortSignal): Promise<{ count: number; bytes: number }>;
  /**
   * Optional: creates what must exist before a repository is initialized here (an Azure
   * container); succeeds when it exists already. Absent where nothing is needed (a local folder
   * is created by its first write).
   */
  prepare?(signal?: AbortSignal): Promise<void>;
}

export type StorageErrorKind = 'not_found' | 'already_exists' | 'archived' | 'transient' | 'permanent' | 'aborted';

/** A storage failure, classified so callers know whether retrying may help. */
export class StorageError extends Error {
  readonly kind: StorageErrorKind;
  readonly fileName: string | undefined;

  constructor(kind: StorageErrorKind, message: string, fileName?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
    this.kind = kind;
    this.fileName = fileName;
  }

  get transient(): boolean {
    return this.kind === 'transient';
  }
}

/** True when `error` is a StorageError of the given kind. */
export function isStorageError(error: unknown, kind?: StorageErrorKind): error is StorageError {
  return error instanceof StorageError && (kind === undefined || error.kind === kind);
}

/** Rejects names that could escape the repository root or are not portable between backends. */
export function assertValidName(name: string): void {
  if (
    name.length === 0 ||
    name.startsWith('/') ||
    name.endsWith('/') ||
    name.includes('\\') ||
    name.includes('\0') ||
    name.split('/').some((part) => part === '' || part === '.' || part === '..')
  ) {
    throw new StorageError('permanent', `Invalid repository file name: ${JSON.stringify(name)}`, name);
  }
}

/** Reads the whole range selected by GetOptions out of a full buffer (shared by simple backends). */
export function sliceRange(data: Buffer, options: GetOptions | undefined): Buffer {
  const offset = options?.offset ?? 0;
  const end = options?.length === undefined ? data.length : Math.min(data.length, offset + options.length);
  if (offset < 0 || offset > data.length) throw new StorageError('permanent', `Range start ${offset} outside file of ${data.length} bytes`);
  return data.subarray(offset, end);
}
