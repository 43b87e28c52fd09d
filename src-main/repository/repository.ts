import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { CorruptDataError, RepositoryError, throwIfAborted } from './errors.ts';
import type { BackupEntryInput, WriteTuning } from './backup-writer.ts';
import { DEFAULT_WRITE_TUNING } from './backup-writer.ts';
import type { BackupRequest, BackupResult } from './backup-session.ts';
import { BackupSession } from './backup-session.ts';
import { DEFAULT_CHUNKER } from './format/chunker.ts';
import type { ChunkerParams } from './format/chunker.ts';
import type { RepositoryConfig } from './format/config-file.ts';
import { FORMAT_VERSION, canonicalConfig, newConfig, parseConfig, serializeConfig } from './format/config-file.ts';
import type { ScryptParams } from './format/crypto.ts';
import { DEFAULT_SCRYPT } from './format/crypto.ts';
import { CONFIG_FILE, PREFIX } from './format/ids.ts';
import { createKeyFile, legacyKeyFileParams, unwrapKeyFile } from './format/key-file.ts';
import { RepositoryCrypto } from './format/repository-crypto.ts';
import type { LockTiming } from './locks.ts';
import { DEFAULT_LOCK_TIMING, RepositoryLock } from './locks.ts';
import type { OperationOptions, RepositoryLogger } from './operation.ts';
import { silentLogger } from './operation.ts';
import type { RestorePoint, RestorePointListing } from './restore-points.ts';
import { listRestorePoints, readRestorePoint } from './restore-points.ts';
import { RepositoryIndex, adoptUnindexedPacks } from './repository-index.ts';
import { explainDamage, rethrowExplained } from './damage.ts';
import { entryStream } from './restore-reader.ts';
import type { RestoreToDirectoryOptions, RestoreToDirectoryResult } from './restore-to-directory.ts';
import { restoreToDirectory } from './restore-to-directory.ts';
import type { CheckOptions, CheckReport } from './check.ts';
import { checkRepository } from './check.ts';
import type { ForgetPlan, RetentionPolicy } from './retention.ts';
import { planForget } from './retention.ts';
import type { PrunePlan, PruneOptions } from './prune.ts';
import { ABANDONED_UPLOAD_AGE_MS, executePrune, planPrune } from './prune.ts';
import type { CopyOptions, CopyResult } from './copy.ts';
import { copyRestorePoint } from './copy.ts';
import type { RehydrateResult } from './rehydrate.ts';
import { rehydrateRestorePoint } from './rehydrate.ts';
import type { RetryPolicy } from './storage/retrying-storage.ts';
import { RetryingStorage } from './storage/retrying-storage.ts';
import type { RepositoryStorage } from './storage/storage.ts';
import { isStorageError } from './storage/storage.ts';

/** Options shared by init and open. */
export interface RepositoryOptions {
  /** Where engine log lines go (default: dropped). */
  logger?: RepositoryLogger;
  /** The time source (locks, manifests); default `new Date()`. */
  clock?: () => Date;
  lockTiming?: Partial<LockTiming>;
  /** Retry policy for transient storage errors, or false when `storage` already retries. */
  retry?: Partial<RetryPolicy> | false;
  tuning?: Partial<WriteTuning>;
  signal?: AbortSignal;
}

export interface InitOptions extends RepositoryOptions {
  /** Required unless `encryption` is `none`. Never stored or logged. */
  password?: string;
  /** Default `aes-256-gcm`; `none` is only possible here, at init, and is permanent. */
  encryption?: 'aes-256-gcm' | 'none';
  chunker?: ChunkerParams;
  /** Target pack size in bytes (default 16 MiB). */
  packSize?: number;
  /** scrypt cost (default N=32768, r=8, p=1). */
  scrypt?: ScryptParams;
}

export interface OpenOptions extends RepositoryOptions {
  password?: string;
  /**
   * Called once the key derivation has started (scrypt: about 0.1 s, on a thread of its own), so the
   * caller can do work of its own meanwhile (the worker agent loads its database engine then).
   */
  onKeyDerivation?: () => void;
}

/** Summary of a repository (`info`). */
export interface RepositoryInfo {
  repositoryId: string;
  formatVersion: number;
  encryption: 'aes-256-gcm' | 'none';
  createdAt: string;
  location: string;
  restorePointCount: number;
  damagedRestorePointCount: number;
  packCount: number;
  indexFileCount: number;
  keyCount: number;
  blobCount: number;
  /** Bytes of every pack file. */
  storedBytes: number;
  /** Sum of every restore point's entry sizes (before deduplication and compression). */
  logicalBytes: number;
  /** Temporary files in the backend (a local folder's `.tmp/`): crashed writers' leftovers, or live uploads. */
  temporaryFiles: number;
  temporaryBytes: number;
  chunker: ChunkerParams;
  packSize: number;
}

export const DEFAULT_PACK_SIZE = 16 * 1024 * 1024;

/**
 * An open repository. Every operation takes the lock it needs (§12), reports progress through
 * `onProgress`, logs through `logger`, and stops when `signal` aborts.
 */
export class Repository {
  /** The storage the engine uses (retrying wrapper included). */
  readonly storage: RepositoryStorage;
  readonly config: RepositoryConfig;
  readonly crypto: RepositoryCrypto;
  readonly logger: RepositoryLogger;
  readonly clock: () => Date;
  readonly lockTiming: LockTiming;
  readonly tuning: WriteTuning;
  private readonly masterKey: Buffer | undefined;
  private keyFileName: string | undefined;
  /** Set when opened through a key file older than repository-bound ones: the next backup rewrites it. */
  private legacyKey: { password: string; scrypt: ScryptParams } | undefined;

  private constructor(
    storage: RepositoryStorage,
    config: RepositoryConfig,
    crypto: RepositoryCrypto,
    masterKey: Buffer | undefined,
    keyFileName: string | undefined,
    options: RepositoryOptions,
  ) {
    this.storage = storage;
    this.config = config;
    this.crypto = crypto;
    this.masterKey = masterKey;
    this.keyFileName = keyFileName;
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? (() => new Date());
    this.lockTiming = { ...DEFAULT_LOCK_TIMING, ...options.lockTiming };
    this.tuning = { ...DEFAULT_WRITE_TUNING, ...options.tuning };
  }

  get id(): string {
    return this.config.repositoryId;
  }

  get encrypted(): boolean {
    return this.crypto.encrypted;
  }

  /**
   * Creates a repository in an empty location: key file first, config last (the config's existence
   * means "initialized"). Fails with `already_initialized` when a config exists.
   */
  static async init(rawStorage: RepositoryStorage, options: InitOptions): Promise<Repository> {
    const storage = wrapStorage(rawStorage, options);
    const encrypted = (options.encryption ?? 'aes-256-gcm') !== 'none';
    if (encrypted && !options.password) throw new RepositoryError('invalid_argument', 'A password is required to create an encrypted repository.');
    if (await storage.stat(CONFIG_FILE, options.signal)) throw new RepositoryError('already_initialized', `A repository already exists at ${storage.description}.`);
    const now = (options.clock ?? (() => new Date()))();
    const config = newConfig({
      repositoryId: randomBytes(32).toString('hex'),
      createdAt: now,
      encrypted,
      chunker: options.chunker ?? DEFAULT_CHUNKER,
      packSize: options.packSize ?? DEFAULT_PACK_SIZE,
    });
    let crypto = RepositoryCrypto.unencrypted();
    let masterKey: Buffer | undefined;
    let keyFileName: string | undefined;
    if (encrypted) {
      masterKey = randomBytes(32);
      crypto = RepositoryCrypto.fromMasterKey(masterKey);
      config.configMac = crypto.configMac(canonicalConfig(config));
      keyFileName = `${PREFIX.keys}${randomBytes(32).toString('hex')}`;
      await storage.put(keyFileName, await createKeyFile(masterKey, options.password!, config.repositoryId, options.scrypt ?? DEFAULT_SCRYPT, now), { signal: options.signal });
    }
    try {
      await storage.put(CONFIG_FILE, serializeConfig(config), { signal: options.signal });
    } catch (error) {
      if (keyFileName) await storage.delete(keyFileName).catch(() => undefined);
      if (isStorageError(error, 'already_exists')) throw new RepositoryError('already_initialized', `A repository already exists at ${storage.description}.`);
      throw error;
    }
    const repository = new Repository(storage, config, crypto, masterKey, keyFileName, options);
    repository.logger.info(`Created ${encrypted ? 'an encrypted' : 'an UNENCRYPTED'} repository ${config.repositoryId} at ${storage.description}.`);
    return repository;
  }

  /**
   * Opens an existing repository. Reads only: a wrong password (`wrong_password`) or a newer
   * format (`format_too_new`) fails before anything is written.
   */
  static async open(rawStorage: RepositoryStorage, options: OpenOptions): Promise<Repository> {
    try {
      return await Repository.openUnexplained(wrapStorage(rawStorage, options), options);
    } catch (error) {
      // Damage to the config or a key is told in the user's words (what, what still works, what to do).
      return rethrowExplained(error, {});
    }
  }

  private static async openUnexplained(storage: RepositoryStorage, options: OpenOptions): Promise<Repository> {
    let configBytes: Buffer;
    try {
      configBytes = await storage.get(CONFIG_FILE, { signal: options.signal });
    } catch (error) {
      if (isStorageError(error, 'not_found')) throw new RepositoryError('not_a_repository', `No repository at ${storage.description} (no config file).`);
      throw error;
    }
    const keyNames: string[] = [];
    for await (const file of storage.list(PREFIX.keys, options.signal)) keyNames.push(file.name);
    let config: RepositoryConfig;
    try {
      config = parseConfig(configBytes);
    } catch (error) {
      if (error instanceof RepositoryError && error.code === 'format_too_new') throw await Repository.newerOrDamaged(storage, configBytes, keyNames, options, error);
      throw error;
    }
    if (config.encryption === 'none') {
      if (keyNames.length > 0 || config.configMac) throw new CorruptDataError(CONFIG_FILE, 'says the repository is unencrypted but it has keys (tampered or damaged config)');
      return new Repository(storage, config, RepositoryCrypto.unencrypted(), undefined, undefined, options);
    }
    if (!options.password) throw new RepositoryError('invalid_argument', 'This repository is encrypted: a password is required.');
    if (keyNames.length === 0) throw new CorruptDataError(PREFIX.keys, 'no key file found in an encrypted repository');
    let lastCorruption: CorruptDataError | undefined;
    let wrongPassword = false;
    for (const name of keyNames) {
      throwIfAborted(options.signal);
      try {
        const keyBytes = await storage.get(name, { signal: options.signal });
        const masterKey = await unwrapKeyFile(name, keyBytes, options.password, config.repositoryId, options.onKeyDerivation);
        const crypto = RepositoryCrypto.fromMasterKey(masterKey);
        if (crypto.configMac(canonicalConfig(config)) !== config.configMac) throw new CorruptDataError(CONFIG_FILE, 'authentication failed (damaged or tampered)');
        const repository = new Repository(storage, config, crypto, masterKey, name, options);
        const legacy = legacyKeyFileParams(keyBytes);
        if (legacy) repository.legacyKey = { password: options.password, scrypt: legacy };
        return repository;
      } catch (error) {
        if (error instanceof RepositoryError && error.code === 'wrong_password') wrongPassword = true;
        else if (error instanceof CorruptDataError && error.file !== CONFIG_FILE) lastCorruption = error;
        else if (isStorageError(error, 'not_found')) continue;
        else throw error;
      }
    }
    if (wrongPassword && lastCorruption) {
      throw new RepositoryError(
        'wrong_password',
        `Wrong password for this repository, or the password belongs to key file ${lastCorruption.file}, which is damaged (${lastCorruption.message}). Try another password of this repository, or put back a copy of that key file.`,
        { damagedKeyFile: lastCorruption.file },
      );
    }
    if (wrongPassword) throw new RepositoryError('wrong_password', 'Wrong password for this repository.');
    throw lastCorruption ?? new RepositoryError('wrong_password', 'Wrong password for this repository.');
  }

  /**
   * A config that names a newer format version: really newer, or a damaged version field? When the
   * rest reads as this version's config and its MAC (made with a key the password opens) holds for
   * this version, the version field was damaged: say so, not "upgrade". Otherwise the newer-format
   * error stands.
   */
  private static async newerOrDamaged(storage: RepositoryStorage, configBytes: Buffer, keyNames: string[], options: OpenOptions, newer: RepositoryError): Promise<RepositoryError> {
    let asCurrent: RepositoryConfig;
    try {
      const raw = JSON.parse(configBytes.toString('utf8')) as Record<string, unknown>;
      asCurrent = parseConfig(Buffer.from(JSON.stringify({ ...raw, formatVersion: FORMAT_VERSION })));
    } catch {
      return newer;
    }
    if (asCurrent.encryption === 'none' || !options.password) return newer;
    for (const name of keyNames) {
      try {
        const masterKey = await unwrapKeyFile(name, await storage.get(name, { signal: options.signal }), options.password, asCurrent.repositoryId);
        if (RepositoryCrypto.fromMasterKey(masterKey).configMac(canonicalConfig(asCurrent)) === asCurrent.configMac) {
          return new CorruptDataError(CONFIG_FILE, `names format version ${String(newer.details?.formatVersion)}, but it was written as version ${FORMAT_VERSION} (its version field is damaged)`);
        }
      } catch {
        // This key does not open it with this password: try the next one.
      }
    }
    return newer;
  }

  /** Runs `action` under a lock; the signal it gets aborts on caller cancel or lock loss. */
  async withLock<T>(exclusive: boolean, operation: string, options: OperationOptions, action: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const lock = await this.acquireLock(exclusive, operation, options);
    try {
      const signal = options.signal ? AbortSignal.any([options.signal, lock.signal]) : lock.signal;
      return await action(signal);
    } finally {
      await lock.release();
    }
  }

  /** Takes a lock explicitly (for callers that span several operations). */
  acquireLock(exclusive: boolean, operation: string, options: OperationOptions = {}): Promise<RepositoryLock> {
    return RepositoryLock.acquire(this.storage, {
      exclusive,
      operation,
      timing: this.lockTiming,
      logger: options.logger ?? this.logger,
      clock: this.clock,
      signal: options.signal,
    });
  }

  /** Loads the index (every index file). */
  loadIndex(signal?: AbortSignal): Promise<RepositoryIndex> {
    return RepositoryIndex.load(this.storage, this.crypto, signal);
  }

  /** Sizes, counts, encryption and format version. */
  async info(options: OperationOptions = {}): Promise<RepositoryInfo> {
    const { restorePoints, damaged } = await this.listRestorePoints(options);
    let packCount = 0;
    let storedBytes = 0;
    for await (const file of this.storage.list(PREFIX.data, options.signal)) {
      packCount++;
      storedBytes += file.size;
    }
    let keyCount = 0;
    for await (const _file of this.storage.list(PREFIX.keys, options.signal)) keyCount++;
    const index = await this.loadIndex(options.signal);
    const temporary = (await this.storage.temporaryFiles?.(options.signal)) ?? { count: 0, bytes: 0 };
    return {
      repositoryId: this.config.repositoryId,
      formatVersion: FORMAT_VERSION,
      encryption: this.config.encryption,
      createdAt: this.config.createdAt,
      location: this.storage.description,
      restorePointCount: restorePoints.length,
      damagedRestorePointCount: damaged.length,
      packCount,
      indexFileCount: index.indexFiles.size + index.damaged.length,
      keyCount,
      blobCount: index.blobCount,
      storedBytes,
      logicalBytes: restorePoints.reduce((sum, point) => sum + point.manifest.totals.size, 0),
      temporaryFiles: temporary.count,
      temporaryBytes: temporary.bytes,
      chunker: { minSize: this.config.chunker.minSize, avgSize: this.config.chunker.avgSize, maxSize: this.config.chunker.maxSize },
      packSize: this.config.packSize,
    };
  }

  /**
   * Starts a backup under a shared lock. Add entries with `session.addEntry`, then `commit` (writes
   * packs, index, manifest — in that order) or `abort` (no restore point; uploaded packs are
   * reused by the next backup or pruned).
   */
  async startBackup(request: BackupRequest, options: OperationOptions = {}): Promise<BackupSession> {
    await this.rebindLegacyKey(options);
    const lock = await this.acquireLock(false, 'backup', options);
    try {
      await this.removeAbandonedUploads(options);
      return await BackupSession.start(this, request, lock, options);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** Backs up `entries` as one restore point (startBackup + addEntry for each + commit). */
  async backup(request: BackupRequest, entries: Iterable<BackupEntryInput> | AsyncIterable<BackupEntryInput>, options: OperationOptions = {}): Promise<BackupResult> {
    const session = await this.startBackup(request, options);
    try {
      for await (const entry of entries) await session.addEntry(entry);
      return await session.commit();
    } catch (error) {
      await session.abort();
      throw error;
    }
  }

  /** Every readable restore point (newest first), plus the manifests that failed validation. */
  listRestorePoints(options: OperationOptions = {}): Promise<RestorePointListing> {
    return listRestorePoints(this, options);
  }

  /** One restore point by id; `not_found` or `corrupt` when it cannot be used. */
  getRestorePoint(restorePointId: string, options: OperationOptions = {}): Promise<RestorePoint> {
    return readRestorePoint(this, restorePointId, options.signal).catch((error: unknown) => rethrowExplained(error, { restorePointId }));
  }

  /**
   * The index for reading restore points. When an index file is damaged, the packs it listed are
   * found again through their own headers (format §8), so a restore still finds every intact chunk.
   */
  async loadIndexForReading(options: OperationOptions = {}): Promise<RepositoryIndex> {
    const index = await this.loadIndex(options.signal);
    if (!index.damaged.length) return index;
    const logger = options.logger ?? this.logger;
    for (const damaged of index.damaged) logger.warn(explainDamage(new CorruptDataError(damaged.file, damaged.message.replace(`${damaged.file}: `, ''))).message);
    const adopted = await adoptUnindexedPacks(this.storage, this.crypto, index, logger, options.signal);
    logger.info(`Found ${adopted.length} pack(s) the damaged index listed through their own headers.`);
    return index;
  }

  /**
   * A stream of one entry's bytes, every chunk verified. Holds a shared lock until the stream ends
   * or is destroyed. Fails (on the stream) at the first damaged chunk.
   */
  async openEntry(restorePointId: string, entryName: string, options: OperationOptions = {}): Promise<Readable> {
    const lock = await this.acquireLock(false, 'restore', options);
    try {
      const point = await this.getRestorePoint(restorePointId, options);
      const entry = point.manifest.entries.find((candidate) => candidate.name === entryName);
      if (!entry) throw new RepositoryError('not_found', `Restore point ${restorePointId} has no entry ${JSON.stringify(entryName)}.`);
      const index = await this.loadIndexForReading(options);
      const signal = options.signal ? AbortSignal.any([options.signal, lock.signal]) : lock.signal;
      let released = false;
      const release = () => {
        if (!released) {
          released = true;
          void lock.release();
        }
      };
      const stream = entryStream({ storage: this.storage, crypto: this.crypto, index, signal, restorePointId: point.id }, entry, release);
      stream.once('close', release);
      return stream;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** Restores a whole restore point, or selected entries, into files under `directory`. */
  restoreToDirectory(restorePointId: string, directory: string, options: RestoreToDirectoryOptions = {}): Promise<RestoreToDirectoryResult> {
    return this.withLock(false, 'restore', options, (signal) => restoreToDirectory(this, restorePointId, directory, { ...options, signal }));
  }

  /**
   * Checks structure (and with `readData` every byte); never modifies the repository's files. It
   * does remove temporary files crashed writers left (they are no part of the repository).
   */
  check(options: CheckOptions = {}): Promise<CheckReport> {
    return this.withLock(false, 'check', options, async (signal) => {
      await this.removeAbandonedUploads({ ...options, signal });
      return checkRepository(this, { ...options, signal });
    });
  }

  /**
   * Deletes temporary files no live lock owns. Called holding our own lock, after stale locks were
   * taken over: when ours is the only lock left, no other writer is running, so any temporary file
   * not touched for ABANDONED_UPLOAD_AGE_MS (a put's lives for milliseconds) was left by a process
   * that died. With another live lock, its writer may own them: they stay for a later run.
   */
  private async removeAbandonedUploads(options: OperationOptions): Promise<void> {
    if (!this.storage.removeAbandonedUploads) return;
    let locks = 0;
    for await (const _file of this.storage.list(PREFIX.locks, options.signal)) locks++;
    if (locks > 1) return;
    const removed = await this.storage.removeAbandonedUploads(ABANDONED_UPLOAD_AGE_MS, options.signal);
    if (removed) (options.logger ?? this.logger).info(`Removed ${removed} temporary file(s) left by an interrupted backup or copy.`);
  }

  /**
   * Applies a GFS retention policy: returns the plan, and unless `dryRun` deletes the manifests of
   * the restore points it does not keep (under an exclusive lock). Data goes at the next prune.
   */
  forget(policy: RetentionPolicy, options: OperationOptions & { dryRun?: boolean } = {}): Promise<ForgetPlan> {
    return this.withLock(true, 'forget', options, async (signal) => {
      const { restorePoints } = await this.listRestorePoints({ ...options, signal });
      const plan = planForget(restorePoints, policy);
      if (options.dryRun) return plan;
      let done = 0;
      for (const point of plan.forget) {
        throwIfAborted(signal);
        await this.storage.delete(`${PREFIX.restorePoints}${point.id}`, signal);
        (options.logger ?? this.logger).info(`Forgot restore point ${point.id} (${point.resourceName}, ${point.time}).`);
        options.onProgress?.({ done: ++done, total: plan.forget.length, unit: 'restorePoints' });
      }
      return plan;
    });
  }

  /** Plans a prune (what would be deleted and repacked, bytes freed) without changing anything. */
  planPrune(options: OperationOptions & PruneOptions = {}): Promise<PrunePlan> {
    return this.withLock(true, 'prune', options, (signal) => planPrune(this, { ...options, signal }));
  }

  /** Plans, then (unless `dryRun`) executes a prune under an exclusive lock; returns the plan. */
  prune(options: OperationOptions & PruneOptions & { dryRun?: boolean } = {}): Promise<PrunePlan> {
    return this.withLock(true, 'prune', options, async (signal) => {
      const plan = await planPrune(this, { ...options, signal });
      if (!options.dryRun) await executePrune(this, plan, { ...options, signal });
      return plan;
    });
  }

  /**
   * Rewrites a key file written before key files named their repository, with the same password and
   * cost, so that from then on a damaged config id is told as damage, not as a wrong password.
   * Best effort: a backup is never failed for it (another writer may hold the lock; it is tried again).
   */
  private async rebindLegacyKey(options: OperationOptions): Promise<void> {
    const legacy = this.legacyKey;
    if (!legacy) return;
    try {
      await this.changePassword(legacy.password, { ...options, scrypt: legacy.scrypt, logger: silentLogger });
      this.legacyKey = undefined;
      (options.logger ?? this.logger).info('Rewrote the key file in the current format (it now names its repository).');
    } catch (error) {
      (options.logger ?? this.logger).warn(`Could not rewrite the key file in the current format this time: ${(error as Error).message}`);
    }
  }

  /**
   * Changes the password: writes a new key file for the same master key, verifies it, then
   * deletes the key file this repository was opened with. Data is not re-encrypted.
   */
  async changePassword(newPassword: string, options: OperationOptions & { scrypt?: ScryptParams } = {}): Promise<void> {
    if (!this.masterKey || !this.keyFileName) throw new RepositoryError('invalid_argument', 'An unencrypted repository has no password.');
    if (!newPassword) throw new RepositoryError('invalid_argument', 'The new password must not be empty.');
    const masterKey = this.masterKey;
    const oldKeyFile = this.keyFileName;
    await this.withLock(true, 'change-password', options, async (signal) => {
      const name = `${PREFIX.keys}${randomBytes(32).toString('hex')}`;
      await this.storage.put(name, await createKeyFile(masterKey, newPassword, this.id, options.scrypt ?? DEFAULT_SCRYPT, this.clock()), { signal });
      const check = await unwrapKeyFile(name, await this.storage.get(name, { signal }), newPassword, this.id);
      if (!check.equals(masterKey)) throw new RepositoryError('corrupt', 'The new key file did not read back correctly; the old password still works.');
      await this.storage.delete(oldKeyFile, signal);
      this.keyFileName = name;
      (options.logger ?? this.logger).info('Changed the repository password.');
    });
  }

  /**
   * Copies a restore point into `target` (another repository, possibly an archive). The target
   * stays self-contained: chunks are re-encrypted with its keys and indexed there.
   */
  copyRestorePoint(restorePointId: string, target: Repository, options: CopyOptions = {}): Promise<CopyResult> {
    return copyRestorePoint(this, target, restorePointId, options);
  }

  /** Brings the archived packs a restore point needs back online, waiting with progress in blobs. */
  rehydrate(restorePointId: string, options: OperationOptions & { priority?: 'Standard' | 'High'; pollIntervalMs?: number; entries?: string[] } = {}): Promise<RehydrateResult> {
    return this.withLock(false, 'rehydrate', options, (signal) => rehydrateRestorePoint(this, restorePointId, { ...options, signal }));
  }
}

/** The storage with retries of transient failures, as the repository uses it (unless `retry: false`). */
export function wrapStorage(storage: RepositoryStorage, options: RepositoryOptions): RepositoryStorage {
  if (options.retry === false || storage instanceof RetryingStorage) return storage;
  return new RetryingStorage(storage, options.retry ?? {}, options.logger ?? silentLogger);
}
