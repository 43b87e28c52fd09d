import { hostname } from 'node:os';
import { RepositoryError, throwIfAborted } from './errors.ts';
import type { BackupEntryInput, WriteStats } from './backup-writer.ts';
import { BackupWriter } from './backup-writer.ts';
import { AAD } from './format/crypto.ts';
import { encodeEnvelope } from './format/envelope.ts';
import { manifestFileName } from './format/ids.ts';
import type { IndexedPack } from './format/index-file.ts';
import type { GfsFlags, Manifest, ManifestEntry } from './format/manifest.ts';
import { parseManifest } from './format/manifest.ts';
import type { RepositoryLock } from './locks.ts';
import type { OperationOptions } from './operation.ts';
import { RepositoryIndex, adoptUnindexedPacks } from './repository-index.ts';
import type { Repository } from './repository.ts';

/** What a restore point is of, and how it was made (goes into the manifest). */
export interface BackupRequest {
  resource: { id: string; name: string; kind: string };
  policy?: { id: string; name: string };
  /** GFS flags set by the scheduler; missing flags are false. */
  gfs?: Partial<GfsFlags>;
  /** The engine that produced the entries and the tool versions it used. */
  engine: { name: string; versions: Record<string, string> };
  /** Time of the restore point (default: the repository clock at start). */
  time?: Date;
  hostname?: string;
}

export interface BackupResult {
  restorePointId: string;
  manifest: Manifest;
  stats: WriteStats & { adoptedPacks: number; durationMs: number };
}

/**
 * One backup in progress (§13): entries are written as they come, then `commit` stores the last
 * pack, the index file and — last, as the commit point — the manifest.
 */
export class BackupSession {
  private readonly repository: Repository;
  private readonly request: BackupRequest;
  private readonly lock: RepositoryLock;
  private readonly writer: BackupWriter;
  private readonly adopted: IndexedPack[];
  private readonly options: OperationOptions;
  private readonly signal: AbortSignal;
  private readonly entries: ManifestEntry[] = [];
  private readonly started: number;
  private readonly time: Date;
  private finished = false;

  private constructor(repository: Repository, request: BackupRequest, lock: RepositoryLock, writer: BackupWriter, adopted: IndexedPack[], options: OperationOptions, signal: AbortSignal, time: Date) {
    this.repository = repository;
    this.request = request;
    this.lock = lock;
    this.writer = writer;
    this.adopted = adopted;
    this.options = options;
    this.signal = signal;
    this.started = Date.now();
    this.time = time;
  }

  /** Prepares a backup under `lock` (loads the index, adopts orphan packs). */
  static async start(repository: Repository, request: BackupRequest, lock: RepositoryLock, options: OperationOptions): Promise<BackupSession> {
    const signal = options.signal ? AbortSignal.any([options.signal, lock.signal]) : lock.signal;
    const logger = options.logger ?? repository.logger;
    const time = request.time ?? repository.clock();
    const index = await repository.loadIndex(signal);
    for (const damaged of index.damaged) logger.warn(`Index file ${damaged.file} is damaged and ignored: ${damaged.message}`);
    const adopted = await adoptUnindexedPacks(repository.storage, repository.crypto, index, logger, signal);
    if (adopted.length > 0) logger.info(`Reusing ${adopted.length} pack(s) left by an earlier interrupted backup.`);
    const writer = new BackupWriter({
      storage: repository.storage,
      crypto: repository.crypto,
      index,
      chunker: repository.config.chunker,
      packSize: repository.config.packSize,
      tuning: repository.tuning,
      signal,
      onBytes: (done) => options.onProgress?.({ done, unit: 'bytes' }),
    });
    logger.info(`Backup of ${request.resource.name} started (${index.blobCount} chunks known).`);
    return new BackupSession(repository, request, lock, writer, adopted, options, signal, time);
  }

  /** Reads one entry to its end and stores its new chunks. */
  async addEntry(input: BackupEntryInput): Promise<{ name: string; size: number; chunkCount: number }> {
    if (this.finished) throw new RepositoryError('invalid_argument', 'This backup session is already finished.');
    const entry = await this.writer.writeEntry(input);
    this.entries.push(entry);
    return { name: entry.name, size: entry.size, chunkCount: entry.chunks.length };
  }

  /** Stores the remaining packs, then the index file, then the manifest; releases the lock. */
  async commit(): Promise<BackupResult> {
    if (this.finished) throw new RepositoryError('invalid_argument', 'This backup session is already finished.');
    this.finished = true;
    const { repository, signal } = this;
    const logger = this.options.logger ?? repository.logger;
    try {
      await this.writer.finish();
      throwIfAborted(signal);
      const packs = [...this.adopted, ...this.writer.storedPacks];
      if (packs.length > 0) await RepositoryIndex.write(repository.storage, repository.crypto, packs, [], signal);
      throwIfAborted(signal);
      const stats = this.writer.stats;
      const gfs = this.request.gfs ?? {};
      const manifest: Manifest = {
        formatVersion: 1,
        time: this.time.toISOString(),
        resource: { ...this.request.resource },
        gfs: { daily: gfs.daily ?? false, weekly: gfs.weekly ?? false, monthly: gfs.monthly ?? false, yearly: gfs.yearly ?? false },
        engine: { name: this.request.engine.name, versions: { ...this.request.engine.versions } },
        entries: this.entries,
        totals: {
          size: this.entries.reduce((sum, entry) => sum + entry.size, 0),
          entryCount: this.entries.length,
          chunkCount: stats.chunkCount,
          newChunkCount: stats.newChunkCount,
          newStoredBytes: stats.newStoredBytes,
        },
        durationMs: Date.now() - this.started,
        hostname: this.request.hostname ?? hostname(),
      };
      if (this.request.policy) manifest.policy = { ...this.request.policy };
      const restorePointId = await writeManifest(repository, manifest, signal);
      logger.info(
        `Backup of ${this.request.resource.name} stored restore point ${restorePointId}: ${manifest.totals.size} bytes, ` +
          `${stats.newChunkCount} new of ${stats.chunkCount} chunks, ${stats.uploadedBytes} bytes uploaded.`,
      );
      return { restorePointId, manifest, stats: { ...stats, adoptedPacks: this.adopted.length, durationMs: manifest.durationMs } };
    } catch (error) {
      await this.writer.abandon();
      throw error;
    } finally {
      await this.lock.release();
    }
  }

  /** Gives up: no restore point is written; stored packs stay for reuse or prune. */
  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.writer.abandon();
    await this.lock.release();
  }
}

/** Validates and stores a manifest (the commit point); returns the restore point id. */
export async function writeManifest(repository: Repository, manifest: Manifest, signal: AbortSignal): Promise<string> {
  const checked = parseManifest(manifest);
  if (typeof checked === 'string') throw new RepositoryError('invalid_argument', `Restore point metadata is invalid: ${checked}`);
  const { id, bytes } = await encodeEnvelope(repository.crypto, AAD.manifest, checked);
  await repository.storage.put(manifestFileName(id), bytes, { signal });
  return id;
}
