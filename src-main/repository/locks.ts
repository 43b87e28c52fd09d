import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { RepositoryError, throwIfAborted } from './errors.ts';
import { PREFIX } from './format/ids.ts';
import type { RepositoryLogger } from './operation.ts';
import type { RepositoryStorage } from './storage/storage.ts';
import { isStorageError } from './storage/storage.ts';

const lockSchema = z.object({
  formatVersion: z.literal(1),
  exclusive: z.boolean(),
  operation: z.string(),
  hostname: z.string(),
  pid: z.number().int(),
  createdAt: z.iso.datetime(),
  refreshedAt: z.iso.datetime(),
});

/** The JSON content of a lock file (§12). */
export type LockRecord = z.infer<typeof lockSchema>;

/** Timing of locks; defaults follow §12. */
export interface LockTiming {
  /** A lock not refreshed for this long is stale (default 10 min). */
  staleAfterMs: number;
  /** How often the holder refreshes its lock (default 60 s). */
  refreshIntervalMs: number;
  /** How long to keep retrying when the repository is locked (default 0: fail at once). */
  waitMs: number;
}

export const DEFAULT_LOCK_TIMING: LockTiming = { staleAfterMs: 10 * 60_000, refreshIntervalMs: 60_000, waitMs: 0 };

export interface AcquireLockOptions {
  exclusive: boolean;
  operation: string;
  timing: LockTiming;
  logger: RepositoryLogger;
  clock: () => Date;
  signal?: AbortSignal;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describeHolder(record: LockRecord): string {
  return `${record.exclusive ? 'exclusive' : 'shared'} ${record.operation} lock of ${record.hostname} pid ${record.pid} since ${record.createdAt}`;
}

/**
 * A lock on the repository (§12): shared for backup/restore/check/copy, exclusive for
 * prune/forget/change password. While held, a heartbeat refreshes it; when the lock is lost
 * (deleted by someone who judged it stale, or refresh failing for longer than the stale time)
 * `signal` aborts so the operation stops instead of working unprotected.
 */
export class RepositoryLock {
  readonly name: string;
  readonly exclusive: boolean;
  private readonly storage: RepositoryStorage;
  private readonly record: LockRecord;
  private readonly options: AcquireLockOptions;
  private readonly lost = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  /** When the lock file was last written, on the monotonic clock: a wall clock stepping forward must not lose the lock. */
  private lastRefresh: number;
  private refreshing: Promise<void> | undefined;

  private constructor(storage: RepositoryStorage, name: string, record: LockRecord, options: AcquireLockOptions) {
    this.storage = storage;
    this.name = name;
    this.record = record;
    this.exclusive = record.exclusive;
    this.options = options;
    this.lastRefresh = performance.now();
  }

  /** Aborted when the lock was lost. */
  get signal(): AbortSignal {
    return this.lost.signal;
  }

  /** Takes the lock, waiting up to `timing.waitMs` for conflicting holders; throws `locked` otherwise. */
  static async acquire(storage: RepositoryStorage, options: AcquireLockOptions): Promise<RepositoryLock> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(options.signal);
      const now = options.clock().toISOString();
      const record: LockRecord = {
        formatVersion: 1,
        exclusive: options.exclusive,
        operation: options.operation,
        hostname: hostname(),
        pid: process.pid,
        createdAt: now,
        refreshedAt: now,
      };
      const name = `${PREFIX.locks}${randomBytes(32).toString('hex')}`;
      await storage.put(name, Buffer.from(JSON.stringify(record)), { signal: options.signal });
      const lock = new RepositoryLock(storage, name, record, options);
      let conflict: LockRecord | undefined;
      try {
        conflict = await lock.findConflict();
      } catch (error) {
        await storage.delete(name).catch(() => undefined);
        throw error;
      }
      if (!conflict) {
        lock.startHeartbeat();
        return lock;
      }
      await storage.delete(name);
      if (Date.now() - started >= options.timing.waitMs) {
        throw new RepositoryError('locked', `The repository is locked: ${describeHolder(conflict)}.`, { holder: conflict });
      }
      // Random back-off so that two exclusive writers that saw each other do not collide again.
      const delay = Math.min(5_000, 100 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random());
      await sleep(delay, undefined, { signal: options.signal }).catch(() => throwIfAborted(options.signal));
    }
  }

  /** Stops the heartbeat and deletes the lock file. */
  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.refreshing?.catch(() => undefined);
    await this.storage.delete(this.name).catch((error: unknown) => {
      this.options.logger.warn(`Could not delete lock ${this.name}: ${(error as Error).message}; it will go stale.`);
    });
  }

  /** Lists other locks, removes stale ones, and returns the first one that conflicts with ours. */
  private async findConflict(): Promise<LockRecord | undefined> {
    const { logger, timing, clock } = this.options;
    const others = [];
    for await (const file of this.storage.list(PREFIX.locks, this.options.signal)) {
      if (file.name !== this.name) others.push(file);
    }
    for (const file of others) {
      let record: LockRecord | undefined;
      try {
        const parsed = lockSchema.safeParse(JSON.parse((await this.storage.get(file.name)).toString('utf8')));
        if (parsed.success) record = parsed.data;
      } catch (error) {
        if (isStorageError(error, 'not_found')) continue;
        if (isStorageError(error)) throw error;
      }
      const now = clock().getTime();
      const stale = record
        ? now - Date.parse(record.refreshedAt) > timing.staleAfterMs || (record.hostname === hostname() && record.pid !== process.pid && !processIsAlive(record.pid))
        : now - file.lastModified.getTime() > timing.staleAfterMs;
      if (stale) {
        await this.storage.delete(file.name);
        logger.warn(`Took over a stale lock: ${record ? describeHolder(record) : `unreadable lock file ${file.name}`}.`);
        continue;
      }
      if (!record) continue;
      if (this.exclusive || record.exclusive) return record;
    }
    return undefined;
  }

  private startHeartbeat(): void {
    this.timer = setInterval(() => {
      this.refreshing ??= this.refresh().finally(() => {
        this.refreshing = undefined;
      });
    }, this.options.timing.refreshIntervalMs);
    this.timer.unref();
  }

  private async refresh(): Promise<void> {
    const { logger, clock, timing } = this.options;
    try {
      if (!(await this.storage.stat(this.name))) {
        this.markLost('lock file was removed by another process that judged it stale');
        return;
      }
      const record = { ...this.record, refreshedAt: clock().toISOString() };
      await this.storage.put(this.name, Buffer.from(JSON.stringify(record)), { overwrite: true });
      this.lastRefresh = performance.now();
    } catch (error) {
      logger.warn(`Could not refresh lock ${this.name}: ${(error as Error).message}`);
      if (performance.now() - this.lastRefresh > timing.staleAfterMs) this.markLost('lock could not be refreshed before it went stale');
    }
  }

  private markLost(reason: string): void {
    if (this.lost.signal.aborted) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.options.logger.error(`Lost the repository lock: ${reason}.`);
    this.lost.abort(new RepositoryError('lock_lost', `Lost the repository lock: ${reason}.`));
  }
}
