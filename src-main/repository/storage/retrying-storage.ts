import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RepositoryLogger } from '../operation.ts';
import { silentLogger } from '../operation.ts';
import type { AccessTier, GetOptions, PutOptions, RepositoryStorage, StoredFileInfo, StreamingUpload } from './storage.ts';
import { StorageError, isStorageError } from './storage.ts';

/** How the retrying wrapper backs off. */
export interface RetryPolicy {
  /** Attempts in total, the first included (default 6). */
  maxAttempts: number;
  /** Delay before the first retry (default 250 ms); doubles each retry, with jitter. */
  baseDelayMs: number;
  /** Upper bound of one delay (default 15 s). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 15_000 };

/**
 * Wraps a storage and retries transient failures (5xx, timeouts, dropped connections) with
 * exponential backoff and full jitter. Permanent errors (not found, forbidden, …) fail at once.
 *
 * A create-only put whose retry meets `already_exists` compares the stored bytes with its own: when
 * they are equal the earlier attempt did succeed (only its response was lost) and the put succeeds.
 */
export class RetryingStorage implements RepositoryStorage {
  readonly inner: RepositoryStorage;
  readonly policy: RetryPolicy;
  private readonly logger: RepositoryLogger;

  /**
   * The inner backend's streaming uploads, when it has them. Not retried: pieces already appended
   * cannot be replayed from here, so a failure fails the upload (the writer then aborts it). The
   * backend offering them is a local folder, where transient errors are not expected.
   */
  readonly openUpload?: (signal?: AbortSignal) => Promise<StreamingUpload>;
  readonly removeAbandonedUploads?: (olderThanMs: number, signal?: AbortSignal) => Promise<number>;
  readonly temporaryFiles?: (signal?: AbortSignal) => Promise<{ count: number; bytes: number }>;
  readonly prepare?: (signal?: AbortSignal) => Promise<void>;

  constructor(inner: RepositoryStorage, policy: Partial<RetryPolicy> = {}, logger: RepositoryLogger = silentLogger) {
    this.inner = inner;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...policy };
    this.logger = logger;
    if (inner.openUpload) this.openUpload = (signal) => inner.openUpload!(signal);
    if (inner.removeAbandonedUploads) {
      this.removeAbandonedUploads = (olderThanMs, signal) => this.retry('remove abandoned uploads', signal, () => inner.removeAbandonedUploads!(olderThanMs, signal));
    }
    if (inner.temporaryFiles) this.temporaryFiles = (signal) => this.retry('list temporary files', signal, () => inner.temporaryFiles!(signal));
    if (inner.prepare) this.prepare = (signal) => this.retry('prepare the storage', signal, () => inner.prepare!(signal));
  }

  get description(): string {
    return this.inner.description;
  }

  async put(name: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    let attempt = 0;
    await this.retry(`put ${name}`, options?.signal, async () => {
      attempt++;
      try {
        await this.inner.put(name, data, options);
      } catch (error) {
        if (attempt > 1 && !options?.overwrite && isStorageError(error, 'already_exists')) {
          const stored = await this.inner.get(name, { signal: options?.signal });
          if (Buffer.compare(stored, Buffer.from(data.buffer, data.byteOffset, data.byteLength)) === 0) return;
        }
        throw error;
      }
    });
  }

  get(name: string, options?: GetOptions): Promise<Buffer> {
    return this.retry(`get ${name}`, options?.signal, () => this.inner.get(name, options));
  }

  getStream(name: string, options?: GetOptions): Promise<Readable> {
    return this.retry(`get ${name}`, options?.signal, () => this.inner.getStream(name, options));
  }

  stat(name: string, signal?: AbortSignal): Promise<StoredFileInfo | undefined> {
    return this.retry(`stat ${name}`, signal, () => this.inner.stat(name, signal));
  }

  async *list(prefix: string, signal?: AbortSignal): AsyncIterable<StoredFileInfo> {
    // A listing that fails halfway is restarted from scratch, so collect it before yielding.
    const files = await this.retry(`list ${prefix}`, signal, async () => {
      const collected: StoredFileInfo[] = [];
      for await (const file of this.inner.list(prefix, signal)) collected.push(file);
      return collected;
    });
    yield* files;
  }

  delete(name: string, signal?: AbortSignal): Promise<boolean> {
    return this.retry(`delete ${name}`, signal, () => this.inner.delete(name, signal));
  }

  setTier(name: string, tier: AccessTier, options?: { priority?: 'Standard' | 'High'; signal?: AbortSignal }): Promise<void> {
    return this.retry(`set tier of ${name}`, options?.signal, () => this.inner.setTier(name, tier, options));
  }

  private async retry<T>(what: string, signal: AbortSignal | undefined, action: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        return await action();
      } catch (error) {
        const transient = isStorageError(error) && error.transient;
        if (!transient || attempt >= this.policy.maxAttempts || signal?.aborted) {
          if (transient) {
            throw new StorageError('transient', `${what} failed after ${attempt} attempts: ${(error as Error).message}`, (error as StorageError).fileName, { cause: error });
          }
          throw error;
        }
        const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
        const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
        this.logger.warn(`${what} failed (${(error as Error).message}); retry ${attempt} of ${this.policy.maxAttempts - 1} in ${delay} ms`);
        await sleep(delay, undefined, { signal });
      }
    }
  }
}
